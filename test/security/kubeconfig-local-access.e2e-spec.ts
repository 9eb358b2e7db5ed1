import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ClustersRepository } from '@berth/event-store';
import { SecretBox } from '@berth/infra';
import { InClusterResolver, KubeCluster, RefusedClusterError, RegisteredClusterResolver } from '@berth/kube';
import { startSandboxCluster, sandboxKubeconfig, type SandboxCluster } from '@berth/sandbox-cluster';
import { startTestScheduler, type TestScheduler } from '../scheduler/scheduler-harness';
import { issuesOf } from '../testing/api-answer';

// A kubeconfig is not only an address and a credential: client-node also runs the command of a
// user's `exec` (or `auth-provider`), reads the files it names (`token-file`, `client-key`,
// `certificate-authority`) and sends the token it read to the server. Through POST /api/v1/clusters
// (no authentication yet) that was command execution and file theft on the scheduler and workers.

const KEY = randomBytes(32).toString('base64');

function kubeconfig(server: string, user: Record<string, unknown>, cluster: Record<string, unknown> = {}) {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server, 'insecure-skip-tls-verify': true, ...cluster } }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'ctx',
  });
}

describe('local access through a registered kubeconfig', () => {
  let scheduler: TestScheduler;
  let http: TestScheduler['http'];
  let sandbox: SandboxCluster;
  let dir: string;
  let previousKey: string | undefined;

  /** A user whose exec plugin touches `marker`, then prints the sandbox's real token. */
  const execUser = (marker: string) => ({
    exec: {
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: 'sh',
      args: [
        '-c',
        `touch ${marker}; echo '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"sandbox"}}'`,
      ],
    },
  });

  beforeAll(async () => {
    previousKey = process.env['BERTH_SECRET_KEY'];
    process.env['BERTH_SECRET_KEY'] = KEY;
    dir = await mkdtemp(join(tmpdir(), 'berth-kubeconfig-'));
    sandbox = await startSandboxCluster({ port: 0 });
    scheduler = await startTestScheduler();
    ({ http } = scheduler);
  });
  afterAll(async () => {
    await scheduler.close();
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
    if (previousKey === undefined) delete process.env['BERTH_SECRET_KEY'];
    else process.env['BERTH_SECRET_KEY'] = previousKey;
  });

  it('command execution: a kubeconfig whose user runs exec is refused with 400 naming users[0].user.exec, and the command never runs', async () => {
    const marker = join(dir, 'exec-ran');
    const res = await http
      .post('/api/v1/clusters')
      .send({ name: 'exec', kubeconfig: kubeconfig(sandbox.url, execUser(marker)) });
    expect(existsSync(marker)).toBe(false);
    expect(res.status).toBe(400);
    expect(issuesOf(res)).toEqual([
      expect.objectContaining({
        field: 'kubeconfig.users[0].user.exec',
        message: expect.stringMatching(/runs a command/),
      }),
    ]);
  });

  it('file theft: a kubeconfig whose token-file names a file on the scheduler is refused with 400, so the file is never read and sent', async () => {
    const stolen = join(dir, 'service-account-token');
    await writeFile(stolen, 'sandbox'); // the token the sandbox accepts: reading it would register the cluster
    const res = await http
      .post('/api/v1/clusters')
      .send({ name: 'token-file', kubeconfig: kubeconfig(sandbox.url, { 'token-file': stolen }) });
    expect(res.status).toBe(400);
    expect(issuesOf(res)).toEqual([
      expect.objectContaining({
        field: 'kubeconfig.users[0].user.token-file',
        message: expect.stringMatching(/reads a file/),
      }),
    ]);
  });

  it.each([
    ['users[0].user.auth-provider', { 'auth-provider': { name: 'oidc', config: { 'id-token': 'x' } } }, {}],
    ['users[0].user.client-key', { 'client-key': '/etc/shadow', 'client-certificate': '/etc/hostname' }, {}],
    [
      'clusters[0].cluster.certificate-authority',
      { token: 'sandbox' },
      { 'certificate-authority': '/etc/hostname' },
    ],
    ['clusters[0].cluster.proxy-url', { token: 'sandbox' }, { 'proxy-url': 'http://169.254.169.254:80' }],
  ])(
    'local access: a kubeconfig with %s is refused with 400 naming it, and nothing is stored',
    async (field, user, cluster) => {
      const res = await http
        .post('/api/v1/clusters')
        .send({ name: 'local', kubeconfig: kubeconfig(sandbox.url, user, cluster) });
      expect(res.status).toBe(400);
      expect(issuesOf(res).map((i: { field: string }) => i.field)).toContain(`kubeconfig.${field}`);
      expect(await scheduler.db.dataSource.query(`SELECT name FROM clusters WHERE name = 'local'`)).toEqual(
        [],
      );
    },
  );

  it("stored kubeconfig: only the current context's cluster and user are kept, so an exec user elsewhere in the file is never stored", async () => {
    const marker = join(dir, 'other-exec-ran');
    const text = stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'sandbox', cluster: { server: sandbox.url, 'insecure-skip-tls-verify': true } }],
      users: [
        { name: 'laptop', user: execUser(marker) },
        { name: 'ci', user: { token: 'sandbox' } },
      ],
      contexts: [
        { name: 'laptop', context: { cluster: 'sandbox', user: 'laptop' } },
        { name: 'ci', context: { cluster: 'sandbox', user: 'ci' } },
      ],
      'current-context': 'ci',
    });
    const res = await http.post('/api/v1/clusters').send({ name: 'ci', kubeconfig: text });
    expect(res.status).toBe(200);
    const [row] = await scheduler.db.dataSource.query<Array<{ sealed_config: string }>>(
      `SELECT sealed_config FROM clusters WHERE name = 'ci'`,
    );
    const stored = new SecretBox(KEY).open(row!.sealed_config);
    expect(stored).not.toContain('exec');
    expect(stored).not.toContain('laptop');
    expect(existsSync(marker)).toBe(false);
  });

  it('command execution at connect time: a worker refuses a stored kubeconfig with exec (stored before the check existed) and never runs it', async () => {
    const marker = join(dir, 'worker-exec-ran');
    const box = new SecretBox(KEY);
    const server = sandbox.url.replace('127.0.0.1', 'localhost'); // servers are unique; "ci" has the other spelling
    await scheduler.db.dataSource.query(
      `INSERT INTO clusters (name, server, auth_type, sealed_config, connection_state) VALUES ('legacy-exec', $1, 'kubeconfig', $2, '{}'::jsonb)`,
      [server, box.seal(kubeconfig(server, execUser(marker)))],
    );
    const inCluster = new InClusterResolver(
      KubeCluster.fromKubeconfig(sandboxKubeconfig(sandbox.url, 'sandbox')),
    );
    const resolver = new RegisteredClusterResolver(
      new ClustersRepository(scheduler.db.dataSource),
      box,
      inCluster,
    );
    await expect(
      resolver
        .forDestination({ name: 'legacy-exec' })
        .then((cluster) => cluster.discovery.forGroup('', 'Namespace')),
    ).rejects.toBeInstanceOf(RefusedClusterError);
    expect(existsSync(marker)).toBe(false);
  });
});
