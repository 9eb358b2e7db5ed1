import type { RedisClient } from '@berth/infra';

/**
 * Commands the Redis server processed (INFO stats). The counter is server-wide: on a shared machine
 * other users' commands are included, so the harness reports it per operation over a short window.
 */
export async function redisCommandsProcessed(redis: RedisClient): Promise<number> {
  const info = await redis.info('stats');
  const match = /total_commands_processed:(\d+)/.exec(info);
  return match ? Number(match[1]) : Number.NaN;
}
