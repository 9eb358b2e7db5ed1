import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { ChildServer, freeLoopbackPort } from './child-server';

export interface PrivatePostgresOptions {
  /** Where initdb and postgres are. Default: PG_BIN_DIR, else the newest /usr/lib/postgresql/<v>/bin, else PATH. */
  binDir?: string;
  /**
   * The OS user the server runs as when the tests run as root (Postgres refuses to run as root).
   * Default: PRIVATE_POSTGRES_OS_USER, else `postgres`.
   */
  osUser?: string;
  /** Extra server settings (`-c name=value`), on top of the fast, loopback-only defaults. */
  settings?: Record<string, string>;
}

/** How `stop` ends the server: Postgres's shutdown modes (pg_ctl stop -m smart|fast|immediate). */
export type PostgresStopMode = 'smart' | 'fast' | 'immediate';

const STOP_SIGNAL: Record<PostgresStopMode, NodeJS.Signals> = {
  smart: 'SIGTERM', // waits for every session to end
  fast: 'SIGINT', // ends sessions (57P01 admin_shutdown), checkpoints, exits: `pg_ctl restart`
  immediate: 'SIGQUIT', // no checkpoint: crash recovery at the next start
};

/**
 * A Postgres server of a test's own: a fresh cluster (initdb) in a temp dir, listening on a free
 * port of 127.0.0.1 only (no Unix socket), trust auth for user `postgres`, fsync off. A fault test
 * stops, restarts and kills it without touching the machine's shared Postgres on 5432, which other
 * tests and people use. Start with `startPrivatePostgres()`, always `destroy()` at the end.
 */
export class PrivatePostgres {
  private server: ChildServer | undefined;

  private constructor(
    readonly port: number,
    readonly dataDir: string,
    private readonly binDir: string | undefined,
    private readonly runAs: { uid: number; gid: number } | undefined,
    private readonly settings: Record<string, string>,
  ) {}

  /** @internal use startPrivatePostgres */
  static async create(options: PrivatePostgresOptions = {}): Promise<PrivatePostgres> {
    const binDir = options.binDir ?? process.env['PG_BIN_DIR'] ?? newestPostgresBinDir();
    const runAs =
      process.getuid?.() === 0
        ? osUserIds(options.osUser ?? process.env['PRIVATE_POSTGRES_OS_USER'] ?? 'postgres')
        : undefined;
    const dataDir = await mkdtemp(join(tmpdir(), 'berth-private-pg-'));
    if (runAs) await chown(dataDir, runAs.uid, runAs.gid);
    const pg = new PrivatePostgres(await freeLoopbackPort(), dataDir, binDir, runAs, {
      listen_addresses: '127.0.0.1',
      unix_socket_directories: '',
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      max_connections: '200',
      ...options.settings,
    });
    try {
      execFileSync(
        pg.bin('initdb'),
        [
          '-D',
          dataDir,
          '-U',
          'postgres',
          '--auth=trust',
          '-E',
          'UTF8',
          '--locale=C',
          '--no-sync',
          '--no-instructions',
        ],
        { stdio: 'pipe', ...(runAs ?? {}) },
      );
      await pg.start();
    } catch (error) {
      await rm(dataDir, { recursive: true, force: true });
      throw error;
    }
    return pg;
  }

  /** `postgres://postgres@127.0.0.1:<port>/<database>`: trust auth, no password. */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  get running(): boolean {
    return this.server?.running ?? false;
  }

  /** What the server logged (the last 64 kB of this run), for failure messages. */
  get log(): string {
    return this.server?.output ?? '';
  }

  /** Starts the server (again) on the same port and data; resolves once it accepts connections. */
  async start(): Promise<void> {
    if (this.running) return;
    const args = ['-D', this.dataDir, '-p', String(this.port)];
    for (const [name, value] of Object.entries(this.settings)) args.push('-c', `${name}=${value}`);
    this.server = await ChildServer.start(
      `private Postgres on 127.0.0.1:${this.port}`,
      this.bin('postgres'),
      args,
      /database system is ready to accept connections/,
      this.runAs ?? {},
    );
  }

  /** Shuts the server down (default `fast`: sessions end with 57P01, as in `pg_ctl restart`). */
  async stop(mode: PostgresStopMode = 'fast'): Promise<void> {
    await this.server?.stop(STOP_SIGNAL[mode]);
  }

  /** stop(mode), then start(): the port is refused in between. */
  async restart(mode: PostgresStopMode = 'fast'): Promise<void> {
    await this.stop(mode);
    await this.start();
  }

  /** kill -9 of the server and its backends: a crash; the next start() runs crash recovery. */
  async kill(): Promise<void> {
    await this.server?.kill();
  }

  /** Creates an empty database and returns its URL (migrate it with @berth/event-store's createTestDatabase). */
  async createDatabase(name: string): Promise<string> {
    const client = new Client({ connectionString: this.url() });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    } finally {
      await client.end();
    }
    return this.url(name);
  }

  /** Stops the server at once (immediate) and deletes its data dir. */
  async destroy(): Promise<void> {
    await this.stop('immediate');
    await rm(this.dataDir, { recursive: true, force: true });
  }

  private bin(name: string): string {
    return this.binDir ? join(this.binDir, name) : name;
  }
}

/** A private Postgres, started: see PrivatePostgres. */
export function startPrivatePostgres(options: PrivatePostgresOptions = {}): Promise<PrivatePostgres> {
  return PrivatePostgres.create(options);
}

function newestPostgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

function osUserIds(user: string): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error(
      `Postgres does not run as root, and there is no OS user "${user}" to run it as: create one or set PRIVATE_POSTGRES_OS_USER`,
    );
  }
}
