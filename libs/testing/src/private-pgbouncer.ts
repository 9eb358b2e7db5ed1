import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildServer, freeLoopbackPort } from './child-server';

export interface PrivatePgBouncerOptions {
  /** The Postgres it pools, `host:port` (default 127.0.0.1:5432, the machine's). */
  postgres?: { host: string; port: number };
  /** Server connections per database and user (default 2: far fewer than the clients a test opens). */
  poolSize?: number;
}

/**
 * A PgBouncer of a test's own in transaction mode (`pool_mode = transaction`, as managed poolers and most
 * production setups run it), on a free port of 127.0.0.1, `auth_type = trust` in front of a Postgres that
 * trusts local connections. A server connection is lent to a client for one transaction only, so anything
 * that lives in a session (LISTEN, session SET, advisory locks held across transactions, named prepared
 * statements) does not survive it. Start with `startPrivatePgBouncer()`, always `destroy()`.
 */
export class PrivatePgBouncer {
  private constructor(
    readonly port: number,
    private readonly server: ChildServer,
    private readonly dir: string,
  ) {}

  /** @internal use startPrivatePgBouncer */
  static async create(options: PrivatePgBouncerOptions = {}): Promise<PrivatePgBouncer> {
    const dir = await mkdtemp(join(tmpdir(), 'berth-private-pgbouncer-'));
    try {
      // PgBouncer refuses to run as root: as root it switches to `postgres` (-u), which must read the files.
      await chmod(dir, 0o755);
      const port = await freeLoopbackPort();
      const postgres = options.postgres ?? { host: '127.0.0.1', port: 5432 };
      await writeFile(join(dir, 'userlist.txt'), '"postgres" ""\n', { mode: 0o644 });
      await writeFile(
        join(dir, 'pgbouncer.ini'),
        [
          '[databases]',
          `* = host=${postgres.host} port=${postgres.port}`,
          '[pgbouncer]',
          'listen_addr = 127.0.0.1',
          `listen_port = ${port}`,
          'auth_type = trust',
          `auth_file = ${join(dir, 'userlist.txt')}`,
          'pool_mode = transaction',
          `default_pool_size = ${options.poolSize ?? 2}`,
          'max_client_conn = 500',
          'admin_users = postgres',
          'unix_socket_dir =',
          'pidfile =',
          'logfile =',
          // node-postgres sends no startup parameter PgBouncer does not know; psql and JDBC send this one.
          'ignore_startup_parameters = extra_float_digits',
          '',
        ].join('\n'),
        { mode: 0o644 },
      );
      const asRoot = process.getuid?.() === 0;
      const server = await ChildServer.start(
        `private PgBouncer on 127.0.0.1:${port}`,
        'pgbouncer',
        [...(asRoot ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')],
        /process up/,
      );
      return new PrivatePgBouncer(port, server, dir);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** `databaseUrl` (a URL of the pooled Postgres) with PgBouncer's host and port instead. */
  urlFor(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  /** What PgBouncer logged (the last 64 kB). */
  get log(): string {
    return this.server.output;
  }

  async destroy(): Promise<void> {
    await this.server.stop('SIGTERM');
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A private PgBouncer in transaction mode, started: see PrivatePgBouncer. */
export function startPrivatePgBouncer(options: PrivatePgBouncerOptions = {}): Promise<PrivatePgBouncer> {
  return PrivatePgBouncer.create(options);
}
