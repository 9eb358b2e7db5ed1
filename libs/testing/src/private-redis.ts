import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildServer, freeLoopbackPort } from './child-server';

/**
 * A Redis server of a test's own: `redis-server` on a free port of 127.0.0.1, no persistence (a
 * restart starts empty, as a Redis without RDB/AOF does), run as a child of the test process. Start
 * with `startPrivateRedis()`, always `destroy()` at the end.
 */
export class PrivateRedis {
  private server: ChildServer | undefined;

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly binary: string,
  ) {}

  /** @internal use startPrivateRedis */
  static async create(options: { binary?: string } = {}): Promise<PrivateRedis> {
    const dir = await mkdtemp(join(tmpdir(), 'berth-private-redis-'));
    const redis = new PrivateRedis(await freeLoopbackPort(), dir, options.binary ?? 'redis-server');
    try {
      await redis.start();
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return redis;
  }

  /** `redis://127.0.0.1:<port>` */
  url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.server?.running ?? false;
  }

  /** What the server logged (the last 64 kB of this run). */
  get log(): string {
    return this.server?.output ?? '';
  }

  /** Starts the server (again) on the same port, empty; resolves once it accepts connections. */
  async start(): Promise<void> {
    if (this.running) return;
    this.server = await ChildServer.start(
      `private Redis on 127.0.0.1:${this.port}`,
      this.binary,
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--dir',
        this.dir,
      ],
      /Ready to accept connections/,
    );
  }

  /** Shuts the server down (SIGTERM: clients are disconnected; no data kept). */
  async stop(): Promise<void> {
    await this.server?.stop('SIGTERM');
  }

  /** stop(), then start(): the port is refused in between, and the data is gone. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** kill -9: a crash. */
  async kill(): Promise<void> {
    await this.server?.kill();
  }

  async destroy(): Promise<void> {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A private Redis, started: see PrivateRedis. */
export function startPrivateRedis(options: { binary?: string } = {}): Promise<PrivateRedis> {
  return PrivateRedis.create(options);
}
