import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually, StopWaiting } from '@berth/testing';
import { freePort } from './free-port';

const SSHD = '/usr/sbin/sshd';
/** sshd started as root refuses to run without its privilege separation directory. */
const PRIVSEP_DIR = '/run/sshd';
const START_TIMEOUT_MS = 10_000;

const run = promisify(execFile);

export interface SshGitServerOptions {
  /** Directory holding the bare repositories; `repoUrl(name)` points at `<root>/<name>.git`. */
  root: string;
  /** The one public key (an `authorized_keys` line, e.g. the content of `id_ed25519.pub`) allowed in. */
  authorizedKey: string;
}

export interface SshGitServer {
  port: number;
  /** `ssh://<user>@127.0.0.1:<port><root>/<name>.git`, served by the normal `git-upload-pack`. */
  repoUrl(name: string): string;
  /** The server's host key as a known_hosts line (`[127.0.0.1]:<port> ssh-ed25519 AAAA...`). */
  knownHostsLine: string;
  /** Stops sshd and removes its temp files. */
  close(): Promise<void>;
}

/** An SSH key pair in OpenSSH format, as a user would paste it into a repository secret. */
export interface SshKeyPair {
  privateKey: string;
  publicKey: string;
}

/** True when this machine can run the test server (`apt-get install -y openssh-server`). */
export function sshdAvailable(): boolean {
  return existsSync(SSHD);
}

/** Makes an ed25519 key pair without a passphrase with `ssh-keygen`, in a temp dir that is removed. */
export async function generateSshKeyPair(comment = 'berth-test'): Promise<SshKeyPair> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-sshkey-'));
  try {
    const file = join(dir, 'id_ed25519');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
    return {
      privateKey: await readFile(file, 'utf8'),
      publicKey: (await readFile(`${file}.pub`, 'utf8')).trim(),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function sshdConfig(dir: string, port: number): string {
  return [
    `ListenAddress 127.0.0.1:${port}`,
    `HostKey ${join(dir, 'host_ed25519')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    // Temp files are owned by whoever runs the tests; the permission checks would refuse them.
    'StrictModes no',
    'UsePAM no',
    'UseDNS no',
    'PrintMotd no',
    // The wrong-key tests make failed logins; each must not slow down or lock out the next.
    'MaxAuthTries 6',
    'LogLevel VERBOSE',
    '',
  ].join('\n');
}

/** Starts sshd and resolves once it listens, or rejects with its log if it exits first. */
async function startSshd(dir: string, port: number): Promise<{ child: ChildProcess; log: () => string }> {
  const configFile = join(dir, 'sshd_config');
  await writeFile(configFile, sshdConfig(dir, port));
  const child = spawn(SSHD, ['-D', '-e', '-f', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    // Bounded: a long test run must not grow this without end.
    log = (log + chunk.toString('utf8')).slice(-20_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  try {
    await eventually(
      async () => {
        if (gone) throw new StopWaiting(`sshd exited before listening on 127.0.0.1:${port}: ${log.trim()}`);
        if (!/Server listening/.test(log) || !(await portAccepts(port)))
          throw new Error(`not listening yet; its log: ${log.trim()}`);
      },
      { timeout: START_TIMEOUT_MS, interval: 25, what: `sshd to listen on 127.0.0.1:${port}` },
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return { child, log: () => log };
}

/**
 * Runs a real OpenSSH server (`/usr/sbin/sshd -D -e`) on 127.0.0.1 and a free port, as the
 * current user, with a temp ed25519 host key and exactly one authorized public key. Git
 * reaches the bare repositories under `root` through the user's login shell and the normal
 * `git-upload-pack`, as it does on any self-hosted Git server. For tests of Git over SSH:
 * key auth, known_hosts checking and error classification.
 */
export async function startSshGitServer(options: SshGitServerOptions): Promise<SshGitServer> {
  if (!sshdAvailable()) {
    throw new Error(`${SSHD} is missing; install it with "apt-get install -y openssh-server"`);
  }
  if (!existsSync(PRIVSEP_DIR)) await mkdir(PRIVSEP_DIR, { recursive: true, mode: 0o755 });
  const dir = await mkdtemp(join(tmpdir(), 'berth-sshd-'));
  try {
    await run('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      '',
      '-C',
      'berth-test-host',
      '-f',
      join(dir, 'host_ed25519'),
    ]);
    await writeFile(join(dir, 'authorized_keys'), `${options.authorizedKey.trim()}\n`, { mode: 0o600 });
    const hostKey = (await readFile(join(dir, 'host_ed25519.pub'), 'utf8')).trim().split(/\s+/);
    let started: { child: ChildProcess; port: number } | undefined;
    let lastError: unknown;
    // Another process may take the probed port before sshd binds it: try a few ports.
    for (let attempt = 0; attempt < 3 && !started; attempt++) {
      const port = await freePort();
      try {
        started = { child: (await startSshd(dir, port)).child, port };
      } catch (err) {
        lastError = err;
      }
    }
    if (!started) throw lastError;
    const { child, port } = started;
    const user = userInfo().username;
    return {
      port,
      repoUrl: (name) => `ssh://${user}@127.0.0.1:${port}${options.root}/${name}.git`,
      knownHostsLine: `[127.0.0.1]:${port} ${hostKey[0]} ${hostKey[1]}`,
      close: async () => {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
          child.kill('SIGTERM');
          await exited;
        }
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
