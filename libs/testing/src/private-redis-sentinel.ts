import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RedisNode } from '@berth/infra';
import { ChildServer, freeLoopbackPort } from './child-server';

/**
 * A Redis Sentinel of a test's own (`redis-server <conf> --sentinel` on a free port of 127.0.0.1) that
 * monitors `master` under `masterName`, quorum 1. Start with `startPrivateRedisSentinel()`, always `destroy()`.
 */
export class PrivateRedisSentinel {
  private constructor(
    readonly node: RedisNode,
    readonly masterName: string,
    private readonly server: ChildServer,
    private readonly dir: string,
  ) {}

  /** @internal use startPrivateRedisSentinel */
  static async create(master: RedisNode, masterName: string): Promise<PrivateRedisSentinel> {
    const dir = await mkdtemp(join(tmpdir(), 'berth-private-sentinel-'));
    try {
      const port = await freeLoopbackPort();
      // Sentinel rewrites its config file with what it learns: it must be a file of its own.
      const conf = join(dir, 'sentinel.conf');
      await writeFile(
        conf,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${dir}`,
          `sentinel monitor ${masterName} ${master.host} ${master.port} 1`,
          `sentinel down-after-milliseconds ${masterName} 5000`,
          '',
        ].join('\n'),
      );
      const server = await ChildServer.start(
        `private Redis Sentinel on 127.0.0.1:${port}`,
        'redis-server',
        [conf, '--sentinel'],
        /\+monitor master/,
      );
      return new PrivateRedisSentinel({ host: '127.0.0.1', port }, masterName, server, dir);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  async destroy(): Promise<void> {
    await this.server.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A private Sentinel watching `master` as `masterName`: see PrivateRedisSentinel. */
export function startPrivateRedisSentinel(
  master: RedisNode,
  masterName = 'berth',
): Promise<PrivateRedisSentinel> {
  return PrivateRedisSentinel.create(master, masterName);
}
