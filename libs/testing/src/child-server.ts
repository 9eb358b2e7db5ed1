import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 nobody listens on right now (the OS picks it). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * One run of a server binary (postgres, redis-server) as a child of the test process: started in a
 * process group of its own (so a kill reaches its helper processes too), its output kept, and
 * considered up once it prints `readyLine`. Killed with the test process if a test forgets it.
 */
export class ChildServer {
  private out = '';
  private exitInfo: string | undefined;
  readonly exited: Promise<string>;

  private constructor(
    readonly what: string,
    private readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      this.out = (this.out + chunk.toString()).slice(-64_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const killOnExit = () => this.signalGroup('SIGKILL');
    process.once('exit', killOnExit);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        process.off('exit', killOnExit);
        this.exitInfo = signal ?? `exit ${code}`;
        resolve(this.exitInfo);
      }),
    );
  }

  /** Spawns `command` and resolves once its output has a line matching `readyLine` (rejects if it exits first). */
  static async start(
    what: string,
    command: string,
    args: string[],
    readyLine: RegExp,
    options: Pick<SpawnOptions, 'uid' | 'gid' | 'env' | 'cwd'> = {},
    timeoutMs = 30_000,
  ): Promise<ChildServer> {
    const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new ChildServer(what, child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        server.signalGroup('SIGKILL');
        reject(new Error(`${what} did not start within ${timeoutMs} ms:\n${server.output}`));
      }, timeoutMs);
      const onData = () => {
        if (!readyLine.test(server.out)) return;
        done();
        resolve();
      };
      const onError = (error: Error) => {
        done();
        reject(new Error(`${what} could not be started (${command}): ${error.message}`));
      };
      const onExit = () => {
        done();
        reject(new Error(`${what} exited during start (${server.exitInfo}):\n${server.output}`));
      };
      const done = () => {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stderr?.off('data', onData);
        child.off('error', onError);
        child.off('exit', onExit);
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('error', onError);
      child.once('exit', onExit);
    });
    return server;
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** The last 64 kB the server wrote (stdout and stderr). */
  get output(): string {
    return this.out;
  }

  /** Sends `signal` to the server (only the main process) and resolves once it has exited. */
  async stop(signal: NodeJS.Signals): Promise<void> {
    if (!this.running) return;
    this.child.kill(signal);
    await this.exited;
  }

  /** SIGKILL to the server and every process of its group (a crash: no shutdown at all). */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.signalGroup('SIGKILL');
    await this.exited;
  }

  private signalGroup(signal: NodeJS.Signals): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // the group is gone already
    }
  }
}
