import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GitFixtureRepo } from '@berth/sources/testing/git-fixture-repo';
import { startSandboxCluster, type SandboxCluster } from '@berth/sandbox-cluster';
import { TEST_ADMIN_PASSWORD } from '@berth/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestScheduler, type TestScheduler } from '../scheduler/scheduler-harness';
import { BerthCli, listen } from './berth-cli';

// repo, cluster, proj, audit, app events, notifications and completion through the built `berth` against a
// real scheduler (Postgres, Redis), a Git repository and the sandbox cluster's API server.
let root: string;
let s: TestScheduler;
let sandbox: SandboxCluster;
let repo: GitFixtureRepo;
let kubeconfig: string;
let cli: BerthCli;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-cli-reg-'));
  repo = await GitFixtureRepo.create(root, 'apps');
  await repo.commit({ 'web/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n' });
  sandbox = await startSandboxCluster({ port: 0 });
  kubeconfig = join(root, 'kubeconfig');
  await sandbox.writeKubeconfig(kubeconfig);
  s = await startTestScheduler({
    BERTH_ALLOW_FILE_REPOS: 'true',
    BERTH_DATA_DIR: join(root, 'scheduler'),
    BERTH_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
  });
  const url = await listen(s.app);
  cli = await BerthCli.create();
  const login = await cli.run(['login', url, '--username', 'admin', '--password', TEST_ADMIN_PASSWORD]);
  if (login.code !== 0) throw new Error(login.stderr);
}, 60_000);

afterAll(async () => {
  await cli?.close();
  await s?.close();
  await sandbox?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

const berth = (...args: string[]) => cli.run(args);

describe('repositories and clusters', () => {
  it('adds, lists and removes a repository', async () => {
    expect(await berth('repo', 'add', repo.fileUrl)).toMatchObject({
      code: 0,
      stdout: `Repository '${repo.fileUrl}' added\n`,
    });
    const list = (await berth('repo', 'list')).stdout.trim().split('\n');
    expect(list[0]!.split(/\s+/)).toEqual(['TYPE', 'NAME', 'REPO', 'CREDS', 'STATUS', 'MESSAGE', 'PROJECT']);
    expect(list[1]).toMatch(
      new RegExp(`^git\\s+${repo.fileUrl.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\s+false\\s+Successful`),
    );
    expect((await berth('repo', 'list', '-o', 'url')).stdout).toBe(`${repo.fileUrl}\n`);
    expect((await berth('repo', 'rm', repo.fileUrl)).stdout).toBe(`Repository '${repo.fileUrl}' removed\n`);
    const missing = await berth('repo', 'add', 'file:///nowhere/at/all.git');
    expect(missing.code).toBe(20);
    expect(missing.stderr).toMatch(/^error: add repository file:\/\/\/nowhere\/at\/all.git: /);
  });

  it('adds a cluster from a kubeconfig, checks a --context exists, lists and removes it', async () => {
    const bad = await berth('cluster', 'add', 'sandbox', '--kubeconfig', kubeconfig, '--context', 'nope');
    expect(bad.code).toBe(20);
    expect(bad.stderr).toContain('no context "nope"');
    const r = await berth('cluster', 'add', 'sandbox', '--kubeconfig', kubeconfig);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Cluster 'https?:\/\/127\.0\.0\.1:\d+' added\n$/);
    const list = (await berth('cluster', 'list')).stdout.trim().split('\n');
    expect(list[0]!.split(/\s+/)).toEqual(['SERVER', 'NAME', 'VERSION', 'STATUS', 'MESSAGE', 'PROJECT']);
    expect(list.some((l) => /\ssandbox\s/.test(l))).toBe(true);
    expect((await berth('cluster', 'rm', 'sandbox')).stdout).toBe("Cluster 'sandbox' removed\n");
  });
});

describe('projects', () => {
  it('creates, adds a source and a destination, gets, lists, shows windows, deletes', async () => {
    const created = await berth(
      'proj',
      'create',
      'web',
      '--description',
      'the web team',
      '-d',
      'https://kubernetes.default.svc,web',
    );
    expect(created).toMatchObject({ code: 0, stdout: "project 'web' created\n" });
    expect((await berth('proj', 'add-source', 'web', repo.fileUrl)).stdout).toBe(
      `source repository '${repo.fileUrl}' added to project 'web'\n`,
    );
    expect(
      (await berth('proj', 'add-destination', 'web', 'https://kubernetes.default.svc', 'web-2')).code,
    ).toBe(0);
    const get = (await berth('proj', 'get', 'web')).stdout;
    expect(get).toContain('Name:               web');
    expect(get).toContain('Description:        the web team');
    expect(get).toContain(
      'Destinations:       https://kubernetes.default.svc,web\n                    https://kubernetes.default.svc,web-2',
    );
    expect(get).toContain(`Repositories:       ${repo.fileUrl}`);
    const list = (await berth('proj', 'list', '-o', 'name')).stdout;
    expect(list).toBe('default\nweb\n');
    const windows = await berth('proj', 'windows', 'list', 'web');
    expect(windows.stdout.trim().split(/\s+/).slice(0, 3)).toEqual(['ID', 'STATUS', 'KIND']);
    expect((await berth('proj', 'delete', 'web')).stdout).toBe("project 'web' deleted\n");
  });
});

describe('audit, events, notifications, completion', () => {
  it('shows the audit log as a table or JSON, filtered', async () => {
    const table = (await berth('audit', '--since', '1h')).stdout.trim().split('\n');
    expect(table[0]!.split(/\s+/)).toEqual(['TIME', 'ACTOR', 'APPLICATION', 'TYPE', 'SUMMARY']);
    expect(table.some((l) => /\sadmin\s+ProjectCreated\s/.test(l))).toBe(true);
    const json = JSON.parse((await berth('audit', '--type', 'ProjectDeleted', '-o', 'json')).stdout) as {
      items: Array<{ event_type: string; actor: string }>;
    };
    expect(json.items.map((i) => [i.event_type, i.actor])).toEqual([['ProjectDeleted', 'admin']]);
    const bad = await berth('audit', '--since', 'yesterday');
    expect(bad.code).toBe(20);
    expect(bad.stderr).toContain('--since yesterday: not a duration');
  });

  it("prints an app's event stream", async () => {
    await berth(
      'app',
      'create',
      'cm',
      '--repo',
      repo.fileUrl,
      '--path',
      'web',
      '--dest-server',
      'https://kubernetes.default.svc',
      '--dest-namespace',
      'cm',
    );
    const events = (await berth('app', 'events', 'cm')).stdout.trim().split('\n');
    expect(events[0]!.split(/\s+/)).toEqual(['POSITION', 'TIME', 'TYPE', 'ACTOR', 'DATA']);
    expect(events[1]).toMatch(/\sApplicationCreated\s+admin\s/);
  });

  it('says where notification deliveries are served when no notifier is named', async () => {
    const r = await berth('notifications', 'deliveries');
    expect(r.code).toBe(20);
    expect(r.stderr).toContain('pass --notifier http://host:port');
  });

  it('prints completion scripts for bash, zsh and fish; refuses other shells', async () => {
    for (const shell of ['bash', 'zsh', 'fish'])
      expect((await berth('completion', shell)).stdout).toContain('berth');
    expect((await berth('completion', 'bash')).stdout).toContain('"app sync") echo "');
    const bad = await berth('completion', 'tcsh');
    expect(bad.code).toBe(20);
    expect(bad.stderr).toContain('use bash, zsh or fish');
  });

  it('has an example in the help of every command', async () => {
    for (const command of [
      ['login'],
      ['app', 'sync'],
      ['app', 'wait'],
      ['repo', 'add'],
      ['proj', 'windows', 'list'],
      ['audit'],
    ]) {
      const help = await berth(...command, '--help');
      expect(help.stdout).toContain('Examples:\n  berth ');
    }
  });
});
