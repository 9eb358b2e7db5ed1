import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { GitFixtureRepo } from '@berth/sources/testing/git-fixture-repo';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { WorkerProcess } from '../e2e/worker-process';
import { guestbook, under } from '../worker/worker-harness';
import { type CliStack, startCliStack } from './cli-stack';

// `berth app diff NAME --local DIR` through the built `berth`: DIR rendered on the user's machine with the
// app's source options, compared on the client with the live objects of GET .../managed-resources, against a
// real scheduler, a worker process, Git and the sandbox cluster.
let root: string;
let repo: GitFixtureRepo;
let worker: WorkerProcess;

/** A Helm chart whose ConfigMap shows values the app's spec overrides (a value file, a parameter). */
const chart = (defaults = 'color: blue\nsize: S\nbuild: "1"\n') => ({
  'Chart.yaml': 'apiVersion: v2\nname: shop\nversion: 0.1.0\n',
  'values.yaml': defaults,
  'values-prod.yaml': 'size: L\n',
  'templates/settings.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-settings
data:
  color: {{ .Values.color | quote }}
  size: {{ .Values.size | quote }}
  build: {{ .Values.build | quote }}
`,
});

/** Writes files (null: none) under a fresh directory of the test's temp dir; returns it. */
async function localDir(name: string, files: Record<string, string | null>): Promise<string> {
  const dir = join(root, 'local', name);
  for (const [path, text] of Object.entries(files)) {
    if (text === null) continue;
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

let stack: CliStack;

beforeAll(async () => {
  stack = await startCliStack({
    name: 'local',
    files: { ...under('web', guestbook()), ...under('shop', chart()) },
    env: { REFRESH_INTERVAL_SECONDS: '2', REFRESH_JITTER_SECONDS: '0' },
  });
  ({ root, repo, worker } = stack);
}, 120_000);

afterAll(() => stack?.stop(), 60_000);

const berth = (...args: string[]) => stack.berth(...args);

const synced = async (name: string) => {
  const r = await berth('app', 'sync', name, '--timeout', '60');
  if (r.code !== 0)
    throw new Error(`sync ${name} exited ${r.code}:\n${r.stdout}\n${r.stderr}\n${worker.log()}`);
};

const headers = (stdout: string) => stdout.match(/^===== .* ======$/gm) ?? [];

describe('berth app diff --local', () => {
  it('exits 0 with no output when DIR renders what the cluster has (DIR alone, or inside --local-repo-root)', async () => {
    const created = await berth(
      'app',
      'create',
      'web',
      '--repo',
      repo.fileUrl,
      '--path',
      'web',
      '--dest-server',
      'https://kubernetes.default.svc',
      '--dest-namespace',
      'web',
      '--sync-option',
      'CreateNamespace=true',
    );
    expect(created.code).toBe(0);
    await synced('web');

    const same = await localDir('same', guestbook());
    expect(await berth('app', 'diff', 'web', '--local', same)).toEqual({ code: 0, stdout: '', stderr: '' });
    // A checkout of the whole repository: DIR is the app's path in it.
    const checkout = await localDir('checkout', { ...under('web', guestbook()), 'README.md': 'apps\n' });
    const inRoot = await berth(
      'app',
      'diff',
      'web',
      '--local',
      join(checkout, 'web'),
      '--local-repo-root',
      checkout,
    );
    expect(inRoot).toEqual({ code: 0, stdout: '', stderr: '' });
    // A Secret DIR renders is left out, with a warning: the server masks live Secret values.
    const withSecret = await localDir('with-secret', {
      ...guestbook(),
      'secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: s3cr3t\n',
    });
    expect(await berth('app', 'diff', 'web', '--local', withSecret)).toEqual({
      code: 0,
      stdout: '',
      stderr: 'warning: Secret db is left out of a local diff (the server masks Secret values)\n',
    });
  }, 120_000);

  it('exits 1 with a changed ConfigMap value, a new object and one DIR no longer renders; the cluster is untouched', async () => {
    const files = {
      ...guestbook('nginx:1.27', 'bonjour'),
      'extra.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: guestbook-extra\ndata:\n  added: "yes"\n',
      'service.yaml': null,
    };
    const r = await berth('app', 'diff', 'web', '--local', await localDir('changed', files));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(headers(r.stdout)).toEqual([
      '===== /ConfigMap web/guestbook-config ======',
      '===== /ConfigMap web/guestbook-extra ======',
      '===== /Service web/guestbook-ui ======',
    ]);
    const section = (header: string) => r.stdout.split(/^(?======)/m).find((part) => part.includes(header))!;
    // Changed: only the value moves (the tracking id and the server's metadata are normalized alike).
    const config = section('guestbook-config')
      .split('\n')
      .filter((l) => /^[-+]/.test(l));
    expect(config).toEqual(['-  greeting: hello', '+  greeting: bonjour']);
    // New: all of it added, in the destination namespace, with the app's tracking id.
    expect(section('guestbook-extra')).toMatch(/^\+ {2}added: yes$/m);
    expect(section('guestbook-extra')).toMatch(/^\+ {2}namespace: web$/m);
    expect(section('guestbook-extra')).toMatch(/tracking-id: web:\/ConfigMap:web\/guestbook-extra$/m);
    expect(section('guestbook-extra')).not.toMatch(/^-/m);
    // No longer rendered: the live Service, all of it removed.
    expect(section('/Service')).toMatch(/^- {2}name: guestbook-ui$/m);
    expect(section('/Service')).not.toMatch(/^\+/m);

    // --exit-code=false prints the same and exits 0; nothing was applied (the cluster still matches Git).
    const quiet = await berth(
      'app',
      'diff',
      'web',
      '--local',
      join(root, 'local', 'changed'),
      '--exit-code=false',
    );
    expect(quiet).toMatchObject({ code: 0, stdout: r.stdout });
    expect(await berth('app', 'diff', 'web')).toMatchObject({ code: 0, stdout: '' });
  }, 120_000);

  it("renders a Helm chart with the app's options (value file, parameter, release name) and ignoreDifferences", async () => {
    const manifest = join(root, 'shop.yaml');
    await writeFile(
      manifest,
      `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: shop
spec:
  project: default
  source:
    repoURL: ${repo.fileUrl}
    path: shop
    targetRevision: main
    helm:
      releaseName: store
      valueFiles: [values-prod.yaml]
      parameters:
        - { name: color, value: green }
  destination:
    server: https://kubernetes.default.svc
    namespace: web
  ignoreDifferences:
    - kind: ConfigMap
      jsonPointers: [/data/build]
`,
    );
    const created = await berth('app', 'create', '-f', manifest);
    expect(created.code).toBe(0);
    await synced('shop');
    const live = await berth('app', 'manifests', 'shop', '--source', 'live');
    expect(live.stdout).toMatch(/^ {2}color: green$/m);

    // The same chart: equal only if the value file, the parameter and the release name were applied here too.
    expect(await berth('app', 'diff', 'shop', '--local', await localDir('chart-same', chart()))).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
    // New defaults: `color` is still the parameter's, `size` the value file's; `build` changes but is ignored.
    const changed = await localDir('chart-changed', {
      ...chart('color: red\nsize: M\nbuild: "2"\nextra: x\n'),
      'templates/settings.yaml': `${chart()['templates/settings.yaml']}  extra: {{ .Values.extra | quote }}\n`,
    });
    const r = await berth('app', 'diff', 'shop', '--local', changed);
    expect(r.code).toBe(1);
    expect(headers(r.stdout)).toEqual(['===== /ConfigMap web/store-settings ======']);
    expect(r.stdout.split('\n').filter((l) => /^[-+]/.test(l))).toEqual(['+  extra: x']);
  }, 120_000);

  it('refuses a DIR holding a symlink that leaves it: nothing is rendered from outside', async () => {
    const outside = await localDir('outside', {
      'leaked.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: leaked\ndata:\n  secret: s3cr3t\n',
    });
    const dir = await localDir('escape', guestbook());
    await symlink(join(outside, 'leaked.yaml'), join(dir, 'leaked.yaml'));
    const r = await berth('app', 'diff', 'web', '--local', dir);
    expect(r.code).toBe(20);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `error: --local ${dir}: symlink "leaked.yaml" points outside the repository (to "${join(outside, 'leaked.yaml')}"); replace it with a file or a link inside the repository\n`,
    );
    expect(r.stderr).not.toContain('s3cr3t');
  }, 60_000);

  it('refuses flags that do not go together and a DIR that is not a directory, in one line naming the flag', async () => {
    const dir = join(root, 'local', 'same');
    expect(await berth('app', 'diff', 'web', '--local', dir, '--revision', 'main')).toMatchObject({
      code: 20,
      stdout: '',
      stderr: expect.stringMatching(/^error: --local and --revision cannot be combined: [^\n]*\n$/),
    });
    const missing = join(root, 'no-such-dir');
    expect(await berth('app', 'diff', 'web', '--local', missing)).toMatchObject({
      code: 20,
      stderr: expect.stringMatching(/^error: --local \S+no-such-dir: no such directory[^\n]*\n$/),
    });
    expect(await berth('app', 'diff', 'web', '--local', join(dir, 'config.yaml'))).toMatchObject({
      code: 20,
      stderr: expect.stringMatching(/^error: --local \S+config\.yaml: not a directory[^\n]*\n$/),
    });
  }, 60_000);
});
