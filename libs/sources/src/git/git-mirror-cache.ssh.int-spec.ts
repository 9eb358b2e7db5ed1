import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '@berth/testing';
import type { Stats } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SourceError } from '../source.error';
import { freePort } from '../testing/free-port';
import { GitFixtureRepo } from '../testing/git-fixture-repo';
import {
  generateSshKeyPair,
  sshdAvailable,
  startSshGitServer,
  type SshGitServer,
  type SshKeyPair,
} from '../testing/ssh-git-server';
import type { GitCredentials } from './git-credentials';
import { GitMirrorCache } from './git-mirror-cache';

const haveSshd = sshdAvailable();
if (!haveSshd) {
  console.warn(
    'git-mirror-cache.ssh.int-spec: /usr/sbin/sshd is missing, Git over SSH tests are skipped; install it with "apt-get install -y openssh-server"',
  );
}
const describeSsh = haveSshd ? describe : describe.skip;

let root: string;
let repo: GitFixtureRepo;
let server: SshGitServer;
let clientKey: SshKeyPair;
let otherKey: SshKeyPair;
const shas: Record<string, string> = {};

async function rejection(promise: Promise<unknown>): Promise<SourceError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SourceError);
  return err as SourceError;
}

/** The base64 body of an OpenSSH private key, line by line: none of it may leak. */
function keyLines(privateKey: string): string[] {
  return privateKey.split('\n').filter((line) => line && !line.startsWith('-----'));
}

function expectNoKeyIn(text: string, key: SshKeyPair): void {
  for (const line of keyLines(key.privateKey)) expect(text).not.toContain(line);
}

function cache(credentials: GitCredentials, workDir?: string): GitMirrorCache {
  return new GitMirrorCache({
    cacheDir: join(root, `cache-${Math.random().toString(36).slice(2)}`),
    credentials: () => credentials,
    networkTimeoutMs: 15_000,
    workDir,
  });
}

type SshCredentials = Extract<GitCredentials, { type: 'ssh' }>;

function goodCredentials(): SshCredentials {
  return { type: 'ssh', privateKey: clientKey.privateKey, knownHosts: server.knownHostsLine };
}

beforeAll(async () => {
  if (!haveSshd) return;
  root = await mkdtemp(join(tmpdir(), 'berth-git-ssh-it-'));
  [clientKey, otherKey] = await Promise.all([
    generateSshKeyPair('berth-client'),
    generateSshKeyPair('other'),
  ]);
  repo = await GitFixtureRepo.create(root, 'app');
  shas.first = await repo.commit({ 'README.md': 'one\n', 'deploy/cm.yaml': 'kind: ConfigMap\n' }, 'first');
  await repo.tag('v1.0.0');
  shas.main = await repo.commit({ 'README.md': 'two\n' }, 'second');
  server = await startSshGitServer({ root, authorizedKey: clientKey.publicKey });
});

afterAll(async () => {
  if (!haveSshd) return;
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

describeSsh('GitMirrorCache over SSH (real sshd)', () => {
  it('lists refs, resolves revisions and reads trees with the right key and known_hosts', async () => {
    const mirrors = cache(goodCredentials());
    const refs = await mirrors.lsRemote(server.repoUrl('app'));
    expect(refs.head).toBe('refs/heads/main');
    expect(refs.refs).toContainEqual({ name: 'refs/heads/main', sha: shas.main });

    const tagged = await mirrors.resolveRevision(server.repoUrl('app'), 'v1.0.0');
    expect(tagged).toEqual({ sha: shas.first, ref: 'refs/tags/v1.0.0' });
    const short = await mirrors.resolveRevision(server.repoUrl('app'), shas.first!.slice(0, 8));
    expect(short.sha).toBe(shas.first);

    const content = await mirrors.withTree(server.repoUrl('app'), shas.first!, (dir) =>
      Promise.all([readFile(join(dir, 'README.md'), 'utf8'), readFile(join(dir, 'deploy/cm.yaml'), 'utf8')]),
    );
    expect(content).toEqual(['one\n', 'kind: ConfigMap\n']);
  });

  it('accepts a key pasted with CRLF line ends and no final newline', async () => {
    const pasted = clientKey.privateKey.trimEnd().replace(/\n/g, '\r\n');
    const refs = await cache({ ...goodCredentials(), privateKey: pasted }).lsRemote(server.repoUrl('app'));
    expect(refs.refs).toContainEqual({ name: 'refs/heads/main', sha: shas.main });
  });

  it('refuses a key the server does not accept with auth-failed, without showing the key', async () => {
    const credentials: GitCredentials = {
      type: 'ssh',
      privateKey: otherKey.privateKey,
      knownHosts: server.knownHostsLine,
    };
    const err = await rejection(cache(credentials).lsRemote(server.repoUrl('app')));
    expect(err.code).toBe('auth-failed');
    expect(err.field).toBe('spec.source.repoURL');
    expect(err.message).toMatch(/permission denied \(publickey/i);
    expect(err.retryable).toBe(false);
    expectNoKeyIn(`${err.message}\n${String(err.stack)}`, otherKey);
    expectNoKeyIn(err.message, clientKey);
  });

  it('refuses a server whose host key is not in known_hosts, saying how to fix it', async () => {
    const credentials: GitCredentials = { type: 'ssh', privateKey: clientKey.privateKey };
    const err = await rejection(cache(credentials).lsRemote(server.repoUrl('app')));
    expect(err.code).toBe('auth-failed');
    expect(err.message).toMatch(/host key verification failed/i);
    expect(err.message).toMatch(/known_hosts/);
    expect(err.message).toMatch(/insecureIgnoreHostKey/);
    expectNoKeyIn(err.message, clientKey);
  });

  it('refuses a server whose host key differs from the known_hosts entry', async () => {
    const impostor = otherKey.publicKey.split(/\s+/).slice(0, 2).join(' ');
    const credentials: GitCredentials = {
      type: 'ssh',
      privateKey: clientKey.privateKey,
      knownHosts: `[127.0.0.1]:${server.port} ${impostor}\n`,
    };
    const err = await rejection(cache(credentials).lsRemote(server.repoUrl('app')));
    expect(err.code).toBe('auth-failed');
    expect(err.message).toMatch(/host key verification failed/i);
    expect(err.message).toMatch(/has changed/i);
    expect(err.message).not.toMatch(/berth-ssh-/);
  });

  it('accepts any host key with insecureIgnoreHostKey', async () => {
    const mirrors = cache({ type: 'ssh', privateKey: clientKey.privateKey, insecureIgnoreHostKey: true });
    const resolved = await mirrors.resolveRevision(server.repoUrl('app'), 'main');
    expect(resolved.sha).toBe(shas.main);
    const readme = await mirrors.withTree(server.repoUrl('app'), resolved.sha, (dir) =>
      readFile(join(dir, 'README.md'), 'utf8'),
    );
    expect(readme).toBe('two\n');
  });

  it('reports a closed port as unreachable (retryable)', async () => {
    const url = `ssh://git@127.0.0.1:${await freePort()}${root}/app.git`;
    const err = await rejection(cache(goodCredentials()).lsRemote(url));
    expect(err.code).toBe('unreachable');
    expect(err.retryable).toBe(true);
  });

  it('reports a missing repository as not-found', async () => {
    const err = await rejection(cache(goodCredentials()).lsRemote(server.repoUrl('missing')));
    expect(err.code).toBe('not-found');
  });

  it('writes the private key to a 0600 file only while git runs, and removes it after success and failure', async () => {
    const watched = join(root, 'work-watch');
    await mkdir(watched, { recursive: true });
    const seen: { stats: Stats; content: string }[] = [];
    let done = false;
    const command = cache(goodCredentials(), watched)
      .lsRemote(server.repoUrl('app'))
      .finally(() => (done = true));
    // ssh needs tens of milliseconds to connect: the key file is there for that long. Look every 2 ms
    // until it is seen or git is done (then the assertions below say it was never seen).
    await eventually(
      async () => {
        for (const entry of await readdir(watched)) {
          const keyFile = join(watched, entry, 'id');
          const stats = await stat(keyFile).catch(() => undefined);
          if (stats) seen.push({ stats, content: await readFile(keyFile, 'utf8').catch(() => '') });
        }
        expect(done || seen.length > 0).toBe(true);
      },
      { timeout: 15_000, interval: 2, what: 'the key file to appear while git runs' },
    );
    await command;
    expect(seen).toHaveLength(1);
    expect(seen[0]!.stats.mode & 0o777).toBe(0o600);
    expect(seen[0]!.content.trim()).toBe(clientKey.privateKey.trim());
    expect(await readdir(watched)).toEqual([]);

    const refused = cache({ ...goodCredentials(), privateKey: otherKey.privateKey }, watched);
    await rejection(refused.lsRemote(server.repoUrl('app')));
    await rejection(refused.fetch(server.repoUrl('app')));
    expect(await readdir(watched)).toEqual([]);
  });
});
