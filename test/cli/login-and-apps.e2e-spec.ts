import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TEST_ADMIN_PASSWORD } from '@berth/testing';
import { stat, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startTestScheduler, type TestScheduler } from '../scheduler/scheduler-harness';
import { freePort } from '../../libs/sources/src/testing/free-port';
import { BerthCli, listen } from './berth-cli';

// The built `berth` against a real scheduler (Postgres, Redis) over HTTP: login, contexts, accounts, and
// the application commands that need no worker.
let s: TestScheduler;
let url: string;
let cli: BerthCli;

beforeAll(async () => {
  s = await startTestScheduler({}, { accounts: ['alice'] });
  url = await listen(s.app);
  cli = await BerthCli.create();
}, 60_000);

afterAll(async () => {
  await cli?.close();
  await s?.close();
});

const berth = (...args: string[]) => cli.run(args);

describe('login, contexts and accounts', () => {
  it("a wrong password is refused with the server's message and exit 20; nothing is saved", async () => {
    const r = await berth('login', url, '--username', 'admin', '--password', 'wrong');
    expect(r.code).toBe(20);
    expect(r.stderr).toContain('error: login: Invalid username or password (401 Unauthenticated)');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    await expect(stat(cli.configFile)).rejects.toThrow();
  });

  it('logs in, keeps the token in a 0600 config file, and says who the token is', async () => {
    const r = await berth('login', url, '--username', 'admin', '--password', TEST_ADMIN_PASSWORD);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const host = new URL(url).host;
    expect(r.stdout).toBe(`'admin' logged in successfully\nContext '${host}' updated\n`);
    expect((await stat(cli.configFile)).mode & 0o777).toBe(0o600);
    const config = parse(await readFile(cli.configFile, 'utf8')) as {
      'current-context': string;
      contexts: Array<{ server: string }>;
      users: Array<{ 'auth-token': string }>;
    };
    expect(config['current-context']).toBe(host);
    expect(config.contexts[0]!.server).toBe(url);
    expect(config.users[0]!['auth-token']).toMatch(/^ey/);

    const who = await berth('account', 'get-user-info');
    expect(who.stdout).toBe('Logged In: true\nUsername: admin\nIssuer: berth\nGroups:\n');
    const json = await berth('account', 'get-user-info', '-o', 'json');
    expect(JSON.parse(json.stdout)).toMatchObject({ loggedIn: true, username: 'admin' });
  });

  it('generates an API key that logs in with --token into a second context, and switches contexts', async () => {
    const key = await berth(
      'account',
      'generate-token',
      '--account',
      'alice',
      '--id',
      'laptop',
      '--expires-in',
      '24h',
    );
    expect(key.code).toBe(0);
    const token = key.stdout.trim();
    expect(token).toMatch(/^ey/);

    const r = await berth('login', url, '--token', token, '--name', 'as-alice');
    expect(r.stdout).toBe(`'alice' logged in successfully\nContext 'as-alice' updated\n`);
    expect((await berth('account', 'get-user-info')).stdout).toContain('Username: alice');

    const contexts = await berth('context');
    expect(contexts.stdout.split('\n').map((l) => l.split(/\s+/).filter(Boolean))).toEqual([
      ['CURRENT', 'NAME', 'SERVER'],
      [new URL(url).host, url],
      ['*', 'as-alice', url],
      [],
    ]);
    expect((await berth('context', new URL(url).host)).stdout).toBe(
      `Switched to context '${new URL(url).host}'\n`,
    );
    expect((await berth('account', 'get-user-info')).stdout).toContain('Username: admin');
    const unknown = await berth('context', 'nope');
    expect(unknown.code).toBe(20);
    expect(unknown.stderr).toContain('no context "nope"');
  });

  it("--auth-token and --server override the context (Argo CD's global flags; --grpc-web is accepted)", async () => {
    const key = (await berth('account', 'generate-token', '--account', 'alice')).stdout.trim();
    const r = await berth('account', 'get-user-info', '--server', url, '--auth-token', key, '--grpc-web');
    expect(r.stdout).toContain('Username: alice');
  });

  it('a server that does not answer is named, with what to check, exit 11', async () => {
    const port = await freePort();
    const r = await berth('app', 'list', '--server', `http://127.0.0.1:${port}`, '--auth-token', 'x');
    expect(r.code).toBe(11);
    expect(r.stderr).toContain(
      `error: cannot reach the Berth server at http://127.0.0.1:${port}: connect ECONNREFUSED`,
    );
    expect(r.stderr).toContain('check the address');
  });

  it('an expired or unknown token is a 401 with how to log in again', async () => {
    const r = await berth('app', 'list', '--auth-token', 'not-a-token');
    expect(r.code).toBe(20);
    expect(r.stderr).toMatch(/\(401 /);
    expect(r.stderr).toContain('berth login');
  });
});

describe('applications (no worker)', () => {
  it('creates from flags; a second create with another spec needs --upsert', async () => {
    const r = await berth(
      'app',
      'create',
      'guestbook',
      '--repo',
      'https://git.example.com/apps.git',
      '--path',
      'guestbook',
      '--revision',
      'main',
      '--dest-server',
      'https://kubernetes.default.svc',
      '--dest-namespace',
      'guestbook',
      '--sync-option',
      'CreateNamespace=true',
      '--label',
      'team=web',
    );
    expect(r).toMatchObject({ code: 0, stdout: "application 'guestbook' created\n" });
    const again = await berth(
      'app',
      'create',
      'guestbook',
      '--repo',
      'https://git.example.com/apps.git',
      '--path',
      'other',
      '--dest-server',
      'https://kubernetes.default.svc',
      '--dest-namespace',
      'guestbook',
    );
    expect(again.code).toBe(20);
    expect(again.stderr).toMatch(/409/);
  });

  it('creates from an Argo CD Application YAML file (-f), several documents at once', async () => {
    const file = join(cli.home, 'apps.yaml');
    const doc = (name: string) => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${name}
  namespace: argocd
spec:
  project: default
  source: { repoURL: 'https://git.example.com/apps.git', path: ${name}, targetRevision: main }
  destination: { server: 'https://kubernetes.default.svc', namespace: ${name} }
`;
    await writeFile(file, `${doc('api')}---\n${doc('db')}`);
    const r = await berth('app', 'create', '-f', file);
    expect(r.stdout).toBe("application 'api' created\napplication 'db' created\n");
  });

  it("prints the API's problems one line per field, with the fix", async () => {
    const file = join(cli.home, 'bad.yaml');
    await writeFile(
      file,
      'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: { name: Bad_Name }\nspec: {}\n',
    );
    const r = await berth('app', 'create', '-f', file);
    expect(r.code).toBe(20);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(
      /^error: create application: Application "Bad_Name" is invalid \(\d+ problems\) \(400 Invalid\)$/,
    );
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.slice(1).every((l) => /^ {2}- [\w.[\]]+: /.test(l))).toBe(true);
    expect(r.stderr).toContain('metadata.name');
  });

  it("lists in Argo CD's columns; -o wide, name, json; -p and -l filter", async () => {
    const list = await berth('app', 'list');
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]!.split(/\s+/)).toEqual([
      'NAME',
      'CLUSTER',
      'NAMESPACE',
      'PROJECT',
      'STATUS',
      'HEALTH',
      'SYNCPOLICY',
      'CONDITIONS',
    ]);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual([
      'argocd/api',
      'argocd/db',
      'argocd/guestbook',
    ]);
    expect(lines[3]!.split(/\s+/)).toEqual([
      'argocd/guestbook',
      'https://kubernetes.default.svc',
      'guestbook',
      'default',
      'Unknown',
      'Unknown',
      'Manual',
      '<none>',
    ]);
    const wide = (await berth('app', 'list', '-o', 'wide')).stdout.trim().split('\n');
    expect(wide[0]!.split(/\s+/).slice(-3)).toEqual(['REPO', 'PATH', 'TARGET']);
    expect(wide[3]!.split(/\s+/).slice(-3)).toEqual([
      'https://git.example.com/apps.git',
      'guestbook',
      'main',
    ]);
    expect((await berth('app', 'list', '-o', 'name', '-l', 'team=web')).stdout).toBe('argocd/guestbook\n');
    expect((await berth('app', 'list', '-o', 'name', '-p', 'other')).stdout).toBe('');
    const json = JSON.parse((await berth('app', 'list', '-o', 'json')).stdout) as Array<{
      metadata: { name: string };
    }>;
    expect(json.map((a) => a.metadata.name)).toEqual(['api', 'db', 'guestbook']);
    const bad = await berth('app', 'list', '-o', 'table');
    expect(bad.code).toBe(20);
    expect(bad.stderr).toContain('use one of wide, json, yaml, name');
  });

  it("gets an app in Argo CD's layout, or as JSON/YAML", async () => {
    const r = await berth('app', 'get', 'guestbook');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      [
        'Name:               argocd/guestbook',
        'Project:            default',
        'Server:             https://kubernetes.default.svc',
        'Namespace:          guestbook',
        `URL:                ${url}/applications/guestbook`,
        'Source:',
        '- Repo:             https://git.example.com/apps.git',
        '  Target:           main',
        '  Path:             guestbook',
        'SyncWindow:         Sync Allowed',
        'Sync Policy:        Manual',
        'Sync Status:        Unknown',
        'Health Status:      Unknown',
      ].join('\n'),
    );
    expect(r.stdout).toMatch(/^GROUP\s+KIND\s+NAMESPACE\s+NAME\s+STATUS\s+HEALTH\s+HOOK\s+MESSAGE$/m);
    const yaml = parse((await berth('app', 'get', 'guestbook', '-o', 'yaml')).stdout) as {
      spec: { source: { path: string } };
    };
    expect(yaml.spec.source.path).toBe('guestbook');
    const missing = await berth('app', 'get', 'nope');
    expect(missing.code).toBe(20);
    expect(missing.stderr).toMatch(/^error: application nope: .*\(404 NotFound\)\n$/);
  });

  it('deletes with -y (--cascade=false keeps the resources); without -y and no terminal it refuses', async () => {
    const refused = await berth('app', 'delete', 'db');
    expect(refused.code).toBe(20);
    expect(refused.stderr).toContain('pass -y');
    const r = await berth('app', 'delete', 'db', '--cascade=false', '-y');
    expect(r).toMatchObject({ code: 0, stdout: "application 'db' deleted\n" });
    expect((await berth('app', 'list', '-o', 'name')).stdout).not.toContain('argocd/db\n');
  });

  it('update-password changes it and logs in again with the new one; logout forgets the token', async () => {
    const r = await berth(
      'account',
      'update-password',
      '--current-password',
      TEST_ADMIN_PASSWORD,
      '--new-password',
      'n3w-Passw0rd!',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Password updated');
    expect((await berth('account', 'get-user-info')).stdout).toContain('Username: admin');
    const out = await berth('logout');
    expect(out.stdout).toBe(`Logged out from '${new URL(url).host}'\n`);
    const after = await berth('app', 'list');
    expect(after.code).toBe(20);
    expect(after.stderr).toContain('not logged in to');
  });
});
