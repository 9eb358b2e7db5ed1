import type { Cluster, Redis } from 'ioredis';

/** A connection of either Redis shape: a standalone (or Sentinel-managed) server, or a Redis Cluster. */
export type RedisClient = Redis | Cluster;

export interface RedisNode {
  host: string;
  port: number;
}

/**
 * Where Berth's Redis is. `standalone`: REDIS_URL's server. `cluster` (BERTH_REDIS_CLUSTER_NODES): a Redis
 * Cluster found from these seed nodes. `sentinel` (BERTH_REDIS_SENTINELS + BERTH_REDIS_SENTINEL_MASTER): the
 * master the Sentinels name, followed across failovers. In the last two REDIS_URL gives only the user,
 * password, database and TLS (`rediss://`) of the data nodes; its host is not used.
 */
export type RedisTopology =
  | { mode: 'standalone' }
  | { mode: 'cluster'; nodes: RedisNode[] }
  | { mode: 'sentinel'; sentinels: RedisNode[]; masterName: string; sentinelPassword: string | undefined };

export interface RedisSettings {
  url: string;
  topology: RedisTopology;
}

/** A `{tag}` in the prefix: Redis Cluster puts every key that carries the same tag in one hash slot. */
export function hasHashTag(prefix: string): boolean {
  return /\{[^{}]+\}/.test(prefix);
}

type Env = Record<string, string | undefined>;

/** Reads the topology variables; a bad value adds a problem naming the variable and the fix. */
export function readRedisTopology(env: Env, problems: string[]): RedisTopology {
  const clusterNodes = env['BERTH_REDIS_CLUSTER_NODES'] || undefined;
  const sentinels = env['BERTH_REDIS_SENTINELS'] || undefined;
  if (clusterNodes && sentinels) {
    problems.push(
      'BERTH_REDIS_CLUSTER_NODES and BERTH_REDIS_SENTINELS are both set: a Redis is either a Cluster or watched by Sentinels; unset one',
    );
    return { mode: 'standalone' };
  }
  if (clusterNodes) {
    const nodes = nodeList('BERTH_REDIS_CLUSTER_NODES', clusterNodes, problems);
    return nodes ? { mode: 'cluster', nodes } : { mode: 'standalone' };
  }
  if (sentinels) {
    const nodes = nodeList('BERTH_REDIS_SENTINELS', sentinels, problems);
    const masterName = env['BERTH_REDIS_SENTINEL_MASTER'] || undefined;
    if (!masterName) {
      problems.push(
        'BERTH_REDIS_SENTINEL_MASTER: required with BERTH_REDIS_SENTINELS: the master name the Sentinels monitor (e.g. mymaster)',
      );
      return { mode: 'standalone' };
    }
    if (!nodes) return { mode: 'standalone' };
    return {
      mode: 'sentinel',
      sentinels: nodes,
      masterName,
      sentinelPassword: env['BERTH_REDIS_SENTINEL_PASSWORD'] || undefined,
    };
  }
  return { mode: 'standalone' };
}

function nodeList(key: string, raw: string, problems: string[]): RedisNode[] | undefined {
  const nodes: RedisNode[] = [];
  for (const entry of raw
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const match = /^(\[[0-9a-fA-F:]+\]|[a-zA-Z0-9.-]+):(\d{1,5})$/.exec(entry);
    const port = Number(match?.[2]);
    if (!match?.[1] || port < 1 || port > 65535) {
      problems.push(`${key}: "${entry}" must be host:port, e.g. redis-0.redis:6379,redis-1.redis:6379`);
      return undefined;
    }
    nodes.push({ host: match[1].replace(/^\[|\]$/g, ''), port });
  }
  if (nodes.length === 0) {
    problems.push(`${key}: no host:port in "${raw}"; e.g. redis-0.redis:6379,redis-1.redis:6379`);
    return undefined;
  }
  return nodes;
}

/** Where a Redis is, for messages people read: never a password. */
export function describeRedis(settings: RedisSettings): string {
  const list = (nodes: RedisNode[]) => nodes.map((n) => `${n.host}:${n.port}`).join(',');
  switch (settings.topology.mode) {
    case 'cluster':
      return `cluster ${list(settings.topology.nodes)}`;
    case 'sentinel':
      return `master ${settings.topology.masterName} via sentinels ${list(settings.topology.sentinels)}`;
    case 'standalone':
      try {
        const parsed = new URL(settings.url);
        return `${parsed.hostname}:${parsed.port || '6379'}`;
      } catch {
        return 'an unparsable URL';
      }
  }
}
