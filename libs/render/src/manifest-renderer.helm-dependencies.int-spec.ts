import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GitMirrorCache, runTool, type GitCredentials } from '@berth/sources';
import { GitFixtureRepo } from '@berth/sources/testing/git-fixture-repo';
import {
  buildHelmRepo,
  startHelmRepoServer,
  type HelmRepoServer,
} from '@berth/sources/testing/helm-repo-server';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryManifestCache } from './manifest/manifest-cache.port';
import { ManifestRenderer, type RenderRequest } from './manifest-renderer';
import { RenderError } from './render.error';
import type { KubernetesObject } from './source.types';
import { golden, renderTestdataDir, toYamlStream } from './testing/golden-file';
import { findTools } from './tools/tool-locator';

// Needs the pinned helm: run `node scripts/install-tools.mjs` first.
const tools = findTools();
const helm = tools.helm!;
const AUTH = { username: 'deps', password: 's3cret-dependency-pass' };
let root: string;
let repoDir: string;
let open: HelmRepoServer;
let locked: HelmRepoServer;
let deadUrl: string;
let app: GitFixtureRepo;
let credentials: Record<string, GitCredentials>;
let cacheDir: string;

function renderer(creds: Record<string, GitCredentials> = credentials): ManifestRenderer {
  const git = new GitMirrorCache({
    cacheDir,
    workDir: root,
    allowFileUrls: true,
    allowHttp: true,
    credentials: (url) => creds[url],
  });
  return new ManifestRenderer({ git, cache: new InMemoryManifestCache(), tools });
}

function chartYaml(
  name: string,
  dependencies: { name: string; version: string; repository: string }[],
): string {
  const deps = dependencies
    .map((d) => `  - name: ${d.name}\n    version: "${d.version}"\n    repository: "${d.repository}"\n`)
    .join('');
  return `apiVersion: v2\nname: ${name}\ntype: application\nversion: 1.0.0\ndependencies:\n${deps}`;
}

const TEMPLATE = `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-app
data:
  app: {{ .Chart.Name | quote }}
`;

/** A chart dir `apps/<name>` depending on podinfo from `repository`. */
function appChart(
  name: string,
  repository: string,
  version = '^1.0.0',
  dependency = 'podinfo',
): Record<string, string> {
  return {
    [`apps/${name}/Chart.yaml`]: chartYaml(name, [{ name: dependency, version, repository }]),
    [`apps/${name}/templates/configmap.yaml`]: TEMPLATE,
  };
}

/** `helm dependency update` of a chart in a scratch dir: the Chart.lock helm writes for it. */
async function lockFileFor(files: Record<string, string>, dir: string): Promise<string> {
  const scratch = await mkdtemp(join(root, 'lock-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(scratch, path, '..'), { recursive: true });
    await writeFile(join(scratch, path), text);
  }
  await runTool(helm, ['dependency', 'update', join(scratch, dir)], {
    env: {
      PATH: process.env.PATH,
      HOME: scratch,
      HELM_CACHE_HOME: join(scratch, '.c'),
      HELM_CONFIG_HOME: join(scratch, '.f'),
    },
    timeoutMs: 60_000,
    maxOutputBytes: 1024 * 1024,
    label: 'helm dependency update',
  });
  const lock = await readFile(join(scratch, dir, 'Chart.lock'), 'utf8');
  await rm(scratch, { recursive: true, force: true });
  return lock;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-helm-deps-it-'));
  cacheDir = join(root, 'cache');
  repoDir = join(root, 'charts');
  const testdata = renderTestdataDir();
  const podinfo = join(testdata, 'repo-chart');
  // The repository first serves podinfo 1.0.0 only: the Chart.lock written then pins it.
  await buildHelmRepo(helm, repoDir, [{ chartDir: podinfo, versions: ['1.0.0'] }]);
  open = await startHelmRepoServer({ dir: repoDir });
  locked = await startHelmRepoServer({ dir: repoDir, basicAuth: AUTH });
  const dead = await startHelmRepoServer({ dir: repoDir });
  deadUrl = dead.url;
  await dead.close();
  const lockedChart = appChart('pinned', open.url);
  const lock = await lockFileFor(lockedChart, 'apps/pinned');
  await buildHelmRepo(helm, repoDir, [{ chartDir: podinfo, versions: ['1.0.0', '1.1.0', '2.0.0'] }]);

  app = await GitFixtureRepo.create(root, 'app');
  await app.commitDir(join(testdata, 'helm-deps'), '.');
  await app.commit({
    ...appChart('remote', open.url),
    ...lockedChart,
    'apps/pinned/Chart.lock': lock,
    ...appChart('private', locked.url, '1.0.0'),
    ...appChart('named', '@charts', '2.0.0'),
    ...appChart('alias', 'alias:charts', '1.0.0'),
    ...appChart('unknown-name', '@nowhere'),
    ...appChart('dead', deadUrl),
    ...appChart('metadata', 'http://169.254.169.254/charts'),
    ...appChart('oci', 'oci://registry.example.com/charts'),
    ...appChart('missing-chart', open.url, '1.0.0', 'nginx'),
    ...appChart('no-version', open.url, '~9.0.0'),
    ...appChart('escape', 'file://../../../outside', '0.1.0', 'common'),
    ...appChart('absolute', 'file:///etc/helm-chart', '0.1.0', 'common'),
    ...appChart('not-a-chart', 'file://../web/templates', '0.1.0', 'common'),
  });
  credentials = { [locked.url]: { type: 'https', ...AUTH } };
}, 60_000);

afterAll(async () => {
  await open?.close();
  await locked?.close();
  await rm(root, { recursive: true, force: true });
});

function request(path: string, extra: Partial<RenderRequest> = {}): RenderRequest {
  return { appName: 'deps', source: { repoURL: app.fileUrl, targetRevision: 'main', path }, ...extra };
}

async function renderError(using: ManifestRenderer, req: RenderRequest): Promise<RenderError> {
  const err = await using.render({ ...req, hardRefresh: true }).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof RenderError)) throw new Error(`expected a RenderError, got: ${String(err)}`);
  return err;
}

function podinfoVersion(objects: KubernetesObject[]): string | undefined {
  const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'deps-podinfo');
  return (cm?.data as Record<string, string> | undefined)?.chartVersion;
}

function tgzRequests(server: HelmRepoServer): string[] {
  return server.requests.filter((line) => line.includes('.tgz'));
}

describe('chart dependencies (helm dependency build)', () => {
  it('renders a file:// dependency inside the repository offline (golden)', async () => {
    const result = await renderer().render(request('apps/web'));
    const actual = toYamlStream(result.objects);
    expect(actual).toBe(await golden('helm-deps-file', actual));
    expect(result.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ConfigMap/deps-common',
      'Deployment/deps-web',
    ]);
  });

  it('downloads a dependency from a Helm repository, resolving its range, and keeps the build', async () => {
    const before = tgzRequests(open).length;
    const first = await renderer().render(request('apps/remote', { hardRefresh: true }));
    expect(podinfoVersion(first.objects)).toBe('1.1.0');
    expect(tgzRequests(open).length).toBe(before + 1);
    // Another renderer (a restarted worker) with the same cache dir: the built charts/ is reused.
    const again = await renderer().render(request('apps/remote', { hardRefresh: true }));
    expect(again.objects).toEqual(first.objects);
    expect(tgzRequests(open).length).toBe(before + 1);
  });

  it('builds one set of dependencies for concurrent renders of the same chart', async () => {
    await rm(join(cacheDir, 'helm-dependencies'), { recursive: true, force: true });
    const before = tgzRequests(open).length;
    const shared = renderer();
    const results = await Promise.all(
      [1, 2, 3].map(() => shared.render(request('apps/remote', { hardRefresh: true }))),
    );
    for (const result of results) expect(podinfoVersion(result.objects)).toBe('1.1.0');
    expect(tgzRequests(open).length).toBe(before + 1);
    const entries = await readdir(join(cacheDir, 'helm-dependencies'));
    expect(entries.filter((name) => !name.startsWith('.'))).toHaveLength(1);
  });

  it('uses the versions Chart.lock pins', async () => {
    const result = await renderer().render(request('apps/pinned', { hardRefresh: true }));
    expect(podinfoVersion(result.objects)).toBe('1.0.0');
  });

  it('uses the credentials registered for a private dependency repository, never on a command line', async () => {
    const result = await renderer().render(request('apps/private', { hardRefresh: true }));
    expect(podinfoVersion(result.objects)).toBe('1.0.0');
    expect(locked.requests.some((line) => line.endsWith(' 401'))).toBe(false);
    expect(tgzRequests(locked).length).toBeGreaterThan(0);
  });

  it('says which repository needs credentials and what to register', async () => {
    const err = await renderError(renderer({}), request('apps/private'));
    expect(err.code).toBe('auth-failed');
    expect(err.message).toContain(
      `the Helm repository "${locked.url}" of dependency "podinfo" of apps/private/Chart.yaml`,
    );
    expect(err.message).toContain('register it as a Helm repository with its username and password');
  });

  it('resolves @name and alias:name to the registered Helm repositories', async () => {
    const helmRepositories = [{ name: 'charts', url: locked.url }];
    const named = await renderer().render(request('apps/named', { hardRefresh: true, helmRepositories }));
    expect(podinfoVersion(named.objects)).toBe('2.0.0');
    const alias = await renderer().render(request('apps/alias', { hardRefresh: true, helmRepositories }));
    expect(podinfoVersion(alias.objects)).toBe('1.0.0');
  });

  it('names an unregistered @name repository and lists the registered ones', async () => {
    const err = await renderError(
      renderer(),
      request('apps/unknown-name', { helmRepositories: [{ name: 'charts', url: open.url }] }),
    );
    expect(err.code).toBe('not-found');
    expect(err.message).toContain('no Helm repository named "nowhere" is registered');
    expect(err.message).toContain('(registered: charts)');
    expect(err.message).toContain('register it (type helm, name nowhere)');
  });

  it('reports an unreachable dependency repository as retryable, naming it', async () => {
    const err = await renderError(renderer(), request('apps/dead'));
    expect(err.code).toBe('unreachable');
    expect(err.retryable).toBe(true);
    expect(err.message).toContain(
      `the Helm repository "${deadUrl}" of dependency "podinfo" of apps/dead/Chart.yaml did not answer`,
    );
  });

  it('applies the outbound policy to dependency repositories', async () => {
    const err = await renderError(renderer(), request('apps/metadata'));
    expect(err.code).toBe('outbound-refused');
    expect(err.message).toContain('169.254.169.254');
  });

  it('names an unknown dependency chart and a version range nothing matches', async () => {
    const missing = await renderError(renderer(), request('apps/missing-chart'));
    expect(missing.code).toBe('not-found');
    expect(missing.message).toContain(
      'chart "nginx" (dependency "nginx" of apps/missing-chart/Chart.yaml) is not in the Helm repository',
    );
    const range = await renderError(renderer(), request('apps/no-version'));
    expect(range.code).toBe('revision-not-found');
    expect(range.message).toContain('version "~9.0.0" of dependency "podinfo"');
    expect(range.message).toContain('2.0.0, 1.1.0, 1.0.0');
  });

  it('refuses OCI dependencies (not supported yet)', async () => {
    const err = await renderError(renderer(), request('apps/oci'));
    expect(err.code).toBe('invalid-repo-url');
    expect(err.message).toContain('OCI registry');
  });

  it.each([
    ['escape', 'path-escape', 'points outside the repository'],
    ['absolute', 'path-escape', 'points outside the repository'],
    ['not-a-chart', 'path-not-found', 'is not a chart directory'],
  ])('refuses the file:// dependency of apps/%s (%s)', async (name, code, text) => {
    const err = await renderError(renderer(), request(`apps/${name}`));
    expect(err.code).toBe(code);
    expect(err.message).toContain(`apps/${name}/Chart.yaml dependency "common"`);
    expect(err.message).toContain(text);
  });

  it('leaves the shared tree as committed (helm writes only to its own copy)', async () => {
    await renderer().render(request('apps/web', { hardRefresh: true }));
    const trees = join(root, 'berth-shared-trees');
    const kept = await readdir(trees);
    expect(kept.length).toBeGreaterThan(0);
    for (const tree of kept) {
      expect(existsSync(join(trees, tree, 'apps/web/charts'))).toBe(false);
      expect(existsSync(join(trees, tree, 'apps/web/Chart.lock'))).toBe(false);
    }
  });
});
