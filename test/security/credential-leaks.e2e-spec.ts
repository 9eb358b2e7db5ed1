import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startSandboxCluster, type SandboxCluster } from '@berth/sandbox-cluster';
import { GitFixtureRepo } from '../../libs/sources/src/testing/git-fixture-repo';
import { startGitHttpServer, type GitHttpServer } from '../../libs/sources/src/testing/git-http-server';
import { generateSshKeyPair } from '../../libs/sources/src/testing/ssh-git-server';
import { BerthProcess } from './berth-process';

// Credential leaks: registering repositories and clusters, and storing a notifications config, with
// good and bad credentials of every kind, in well-formed and malformed requests. Afterwards no
// credential may be found in any of the four places people read: the answers, the processes' log
// output (the compiled scheduler and notifier at LOG_LEVEL=debug), the events, the audit log.

// Random first: a message that quotes only the start of a credential (js-yaml cuts long lines) is found too.
const secret = (kind: string) => `${randomBytes(8).toString('hex')}-${kind}`;
const REPOSITORY = { password: secret('repo-pass'), badPassword: secret('bad-repo-pass') };
const CLUSTER = {
  bearerToken: secret('bearer'),
  badBearerToken: secret('bad-bearer'),
  clientKey: randomBytes(48).toString('base64'),
};
const NOTIFICATIONS = { secret: secret('xoxb'), inlineToken: secret('xoxb-inline') };

describe('credential leaks into answers, logs, events and the audit log', () => {
  let root: string;
  let git: GitHttpServer;
  let sandbox: SandboxCluster;
  let scheduler: BerthProcess;
  let notifier: BerthProcess;
  let sshKey: string;
  const answers: string[] = [];

  /** Where a credential must never be found, read once every request has been made. */
  const sinks = async (): Promise<Record<string, string>> => ({
    'error answers': answers.join('\n'),
    'log lines': `${scheduler.output}\n${notifier.output}`,
    events: JSON.stringify([
      ...(await scheduler.db.dataSource.query<unknown[]>(
        `SELECT stream_id, data::text, metadata::text FROM events`,
      )),
      ...(await notifier.db.dataSource.query<unknown[]>(
        `SELECT stream_id, data::text, metadata::text FROM events`,
      )),
    ]),
    'audit log': JSON.stringify(await scheduler.db.dataSource.query(`SELECT * FROM audit_log`)),
  });

  /** "<what> in <sink>" for each credential found: each whole, and its first 12 characters. */
  const leaks = async (credentials: Record<string, string>) => {
    const found: string[] = [];
    for (const [sink, text] of Object.entries(await sinks()))
      for (const [what, value] of Object.entries(credentials))
        if (text.includes(value) || text.includes(value.slice(0, 12))) found.push(`${what} in ${sink}`);
    return found;
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-leaks-'));
    const repo = await GitFixtureRepo.create(root, 'deploy');
    await repo.commit({ 'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' });
    git = await startGitHttpServer({
      projectRoot: root,
      basicAuth: { username: 'ci', password: REPOSITORY.password },
    });
    sandbox = await startSandboxCluster({ port: 0, token: CLUSTER.bearerToken });
    sshKey = (await generateSshKeyPair()).privateKey;
    scheduler = await BerthProcess.start('scheduler', {
      BERTH_SECRET_KEY: randomBytes(32).toString('base64'),
      BERTH_ALLOW_HTTP_REPOS: 'true',
      BERTH_DATA_DIR: root,
    });
    notifier = await BerthProcess.start('notifier', {
      NOTIFICATIONS_CONFIG: join(root, 'no-such-notifications.yaml'),
      BERTH_NOTIFICATIONS_SECRET_SLACK_TOKEN: NOTIFICATIONS.secret,
    });

    const record = async (proc: BerthProcess, method: string, path: string, body?: string, headers = {}) => {
      const res = await proc.send(method, path, body, headers);
      answers.push(`${method} ${path} -> ${res.status} ${res.text}`);
      return res;
    };
    const post = (path: string, body: unknown) =>
      record(scheduler, 'POST', path, typeof body === 'string' ? body : JSON.stringify(body));
    const url = git.repoUrl('deploy');
    const kubeconfig = (user: Record<string, unknown>) =>
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: sandbox.url, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'u', user }],
        contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'ctx',
      });
    const clientCert = randomBytes(48).toString('base64');

    // Repository passwords: good, bad, inside the URL, with a NUL, in malformed JSON, mistyped.
    expect(
      (await post('/api/v1/repositories', { repo: url, username: 'ci', password: REPOSITORY.badPassword }))
        .status,
    ).toBe(400);
    expect(
      (await post('/api/v1/repositories', { repo: url, username: 'ci', password: REPOSITORY.password }))
        .status,
    ).toBe(200);
    await post('/api/v1/repositories', { repo: url.replace('://', `://ci:${REPOSITORY.password}@`) });
    await post('/api/v1/repositories', {
      repo: `${url}x`,
      username: 'ci',
      password: `${REPOSITORY.badPassword}\u0000`,
    });
    await post('/api/v1/repositories', `{"repo": "${url}", "password": ${REPOSITORY.badPassword}}`);
    await post('/api/v1/repositories', { repo: `${url}y`, password: [REPOSITORY.badPassword] });
    // SSH keys: a server that is not there, a misspelt field, a NUL.
    await post('/api/v1/repositories', {
      repo: 'ssh://git@127.0.0.1:9/x.git',
      sshPrivateKey: sshKey,
      insecureIgnoreHostKey: true,
    });
    await post('/api/v1/repositories', { repo: 'ssh://git@127.0.0.1:9/y.git', sshPrivatekey: sshKey });
    await post('/api/v1/repositories', {
      repo: 'ssh://git@127.0.0.1:9/z.git',
      sshPrivateKey: `${sshKey}\u0000`,
    });
    // Bearer tokens: good, bad, with a NUL, inside a kubeconfig that does not parse.
    expect(
      (
        await post('/api/v1/clusters', {
          name: 'bad',
          server: sandbox.url,
          bearerToken: CLUSTER.badBearerToken,
          insecure: true,
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await post('/api/v1/clusters', {
          name: 'good',
          server: sandbox.url,
          bearerToken: CLUSTER.bearerToken,
          insecure: true,
        })
      ).status,
    ).toBe(200);
    await post('/api/v1/clusters', {
      name: 'nul',
      server: sandbox.url,
      bearerToken: `${CLUSTER.badBearerToken}\u0000`,
    });
    await post('/api/v1/clusters', {
      name: 'userinfo',
      server: sandbox.url.replace('://', `://admin:${CLUSTER.badBearerToken}@`),
      bearerToken: 'x',
      insecure: true,
    });
    await post('/api/v1/clusters', {
      name: 'broken',
      kubeconfig: `apiVersion: v1\nusers:\n- name: u\n  user:\n    token: ${CLUSTER.badBearerToken}\n   bad: indent\n`,
    });
    // Kubeconfig client keys: malformed YAML around one, a mistyped one, a well-formed one (same server: 409 or 200).
    await post('/api/v1/clusters', {
      name: 'broken-key',
      kubeconfig: `users:\n- name: u\n  user:\n    client-key-data: ${CLUSTER.clientKey}\n   token: x\n`,
    });
    await post('/api/v1/clusters', {
      name: 'typed-key',
      kubeconfig: kubeconfig({ 'client-key-data': [CLUSTER.clientKey] }),
    });
    await post('/api/v1/clusters?upsert=true', {
      name: 'good',
      kubeconfig: kubeconfig({
        token: CLUSTER.bearerToken,
        'client-certificate-data': clientCert,
        'client-key-data': CLUSTER.clientKey,
      }),
    });
    await record(scheduler, 'GET', '/api/v1/clusters/good?refresh=true');
    await record(scheduler, 'GET', '/api/v1/clusters');
    await record(scheduler, 'GET', '/api/v1/repositories');

    // Notification secrets: referenced ($slack-token) in a bad and a good config, and a token written
    // inline next to a YAML syntax error.
    const put = (yaml: string) =>
      record(notifier, 'PUT', '/api/v1/notifications/config', yaml, { 'content-type': 'application/yaml' });
    await put(
      stringify({
        kind: 'ConfigMap',
        data: {
          'service.slack': 'token: $slack-token\napiURL: not a url\n',
          'template.x': 'message: "{{ .app.metadata.name "',
        },
      }),
    );
    await put(
      stringify({
        kind: 'ConfigMap',
        data: { 'service.slack': 'token: $slack-token\n', 'template.x': 'message: hi\n' },
      }),
    );
    await put(
      `kind: ConfigMap\ndata:\n  service.slack: {token: ${NOTIFICATIONS.inlineToken}\n  trigger.x: x\n`,
    );
    await record(notifier, 'GET', '/api/v1/notifications/config');
  }, 120_000);

  afterAll(async () => {
    await scheduler?.stop();
    await notifier?.stop();
    await scheduler?.db.drop();
    await notifier?.db.drop();
    await git?.close();
    await sandbox?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('credential leaks of repositories: no repo password or SSH key, good or bad, appears in an answer, a log line, an event or the audit log', async () => {
    expect(answers.length).toBeGreaterThan(20);
    const sshLines = sshKey
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length >= 20 && !l.startsWith('-----'));
    expect(
      await leaks({
        ...REPOSITORY,
        ...Object.fromEntries(sshLines.map((line, i) => [`SSH key line ${i + 1}`, line])),
      }),
    ).toEqual([]);
  });

  it('credential leaks of clusters: no bearer token or kubeconfig client key, good or bad, appears in an answer, a log line, an event or the audit log', async () => {
    expect(await leaks(CLUSTER)).toEqual([]);
  });

  it('credential leaks of notifications: neither a $secret value nor a token written inline in the config appears in an answer, a log line, an event or the audit log', async () => {
    expect(await leaks(NOTIFICATIONS)).toEqual([]);
  });
});
