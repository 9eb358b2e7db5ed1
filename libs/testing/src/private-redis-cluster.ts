import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RedisNode } from '@berth/infra';
import { ChildServer, freeLoopbackPort } from './child-server';

const run = promisify(execFile);

/**
 * A Redis Cluster of a test's own: `nodeCount` masters (`redis-server --cluster-enabled yes`) on free
 * ports of 127.0.0.1, no replicas, no persistence, joined with `redis-cli --cluster create` so the
 * 16,384 slots are spread over them. Start with `startPrivateRedisCluster()`, always `destroy()`.
 */
export class PrivateRedisCluster {
  private constructor(
    readonly nodes: RedisNode[],
    private readonly servers: ChildServer[],
    private readonly dir: string,
  ) {}

  /** @internal use startPrivateRedisCluster */
  static async create(nodeCount: number): Promise<PrivateRedisCluster> {
    const dir = await mkdtemp(join(tmpdir(), 'berth-private-redis-cluster-'));
    const servers: ChildServer[] = [];
    const nodes: RedisNode[] = [];
    const cluster = new PrivateRedisCluster(nodes, servers, dir);
    try {
      for (let i = 0; i < nodeCount; i++) {
        // A cluster node also takes port + 10000 (the cluster bus): a free port above 55535 cannot be used.
        let port = await freeLoopbackPort();
        while (port > 55_000) port = await freeLoopbackPort();
        servers.push(
          await ChildServer.start(
            `Redis Cluster node on 127.0.0.1:${port}`,
            'redis-server',
            [
              ...['--port', String(port), '--bind', '127.0.0.1'],
              ...['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`)],
              ...['--cluster-node-timeout', '5000', '--dir', dir],
              ...['--save', '', '--appendonly', 'no', '--daemonize', 'no'],
            ],
            /Ready to accept connections/,
          ),
        );
        nodes.push({ host: '127.0.0.1', port });
      }
      await run('redis-cli', [
        '--cluster',
        'create',
        ...nodes.map((n) => `${n.host}:${n.port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ]);
      await cluster.untilStateOk();
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
    return cluster;
  }

  /** `host:port,...`, as BERTH_REDIS_CLUSTER_NODES takes it. */
  nodeList(): string {
    return this.nodes.map((n) => `${n.host}:${n.port}`).join(',');
  }

  /** What each node logged. */
  get log(): string {
    return this.servers.map((s) => `--- ${s.what}\n${s.output}`).join('\n');
  }

  /** Every node must agree that all slots are served before a client can rely on its slot map. */
  private async untilStateOk(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const states = await Promise.all(
        this.nodes.map(async (n) => {
          const { stdout } = await run('redis-cli', ['-h', n.host, '-p', String(n.port), 'cluster', 'info']);
          return /cluster_state:ok/.test(stdout);
        }),
      );
      if (states.every(Boolean)) return;
      if (Date.now() > deadline)
        throw new Error(`the Redis Cluster did not reach cluster_state:ok:\n${this.log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async destroy(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.kill()));
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A private Redis Cluster of `nodeCount` masters (3 by default), started: see PrivateRedisCluster. */
export function startPrivateRedisCluster(nodeCount = 3): Promise<PrivateRedisCluster> {
  return PrivateRedisCluster.create(nodeCount);
}
