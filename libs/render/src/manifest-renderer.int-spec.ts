import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GitMirrorCache } from '@berth/sources';
import { GitFixtureRepo } from '@berth/sources/testing/git-fixture-repo';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryManifestCache } from './manifest/manifest-cache.port';
import { ManifestRenderer, type RenderRequest } from './manifest-renderer';
import { RenderError } from './render.error';
import type { ApplicationSource } from './source.types';
import { golden, renderTestdataDir, toYamlStream } from './testing/golden-file';
import { findTools } from './tools/tool-locator';

// Needs the pinned helm and kubectl: run `node scripts/install-tools.mjs` first.
let root: string;
let app: GitFixtureRepo;
let config: GitFixtureRepo;
let escaping: GitFixtureRepo;
let git: GitMirrorCache;
let renderer: ManifestRenderer;

beforeAll(async () => {
  const testdata = renderTestdataDir();
  root = await mkdtemp(join(tmpdir(), 'berth-render-it-'));
  app = await GitFixtureRepo.create(root, 'app');
  for (const dir of ['k8s-manifests', 'argocd-apps', 'plain', 'web-chart'])
    await app.commitDir(join(testdata, dir), dir);
  await app.commit({
    'web-chart/values-link.yaml': { symlink: 'values.yaml' },
    'secrets/db.yaml': 'password: hunter2\n',
  });
  config = await GitFixtureRepo.create(root, 'config');
  await config.commitDir(join(testdata, 'config-repo'), '.');
  escaping = await GitFixtureRepo.create(root, 'escaping');
  await escaping.commitDir(join(testdata, 'plain'), 'plain');
  await escaping.commit({ 'plain/passwd.yaml': { symlink: '/etc/passwd' } });
  git = new GitMirrorCache({ cacheDir: join(root, 'cache'), workDir: root, allowFileUrls: true });
  renderer = new ManifestRenderer({ git, cache: new InMemoryManifestCache(), tools: findTools() });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

// Tables are built before the repos exist: sources name them APP/CONFIG, swapped in at render time.
function source(path: string, extra: Partial<ApplicationSource> = {}): ApplicationSource {
  return { repoURL: 'APP', targetRevision: 'main', path, ...extra };
}

function urls(request: RenderRequest): RenderRequest {
  const swap = (s: ApplicationSource): ApplicationSource => ({
    ...s,
    repoURL: s.repoURL === 'APP' ? app.fileUrl : s.repoURL === 'CONFIG' ? config.fileUrl : s.repoURL,
  });
  return { ...request, source: request.source && swap(request.source), sources: request.sources?.map(swap) };
}

async function renderError(request: RenderRequest): Promise<RenderError> {
  const err = await renderer.render(urls({ ...request, hardRefresh: true })).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof RenderError)) throw new Error(`expected a RenderError, got: ${String(err)}`);
  return err;
}

const goldenCases: [string, string, Omit<RenderRequest, 'appName'>][] = [
  ['directory-plain', 'Directory', { source: source('plain') }],
  ['directory-recurse', 'Directory', { source: source('plain', { directory: { recurse: true } }) }],
  [
    'directory-include-brace',
    'Directory',
    { source: source('plain', { directory: { recurse: true, include: '{a.yaml,sub/e.json}' } }) },
  ],
  [
    'directory-exclude-json',
    'Directory',
    { source: source('plain', { directory: { recurse: true, exclude: '*.json' } }) },
  ],
  ['kustomize-dev', 'Kustomize', { source: source('k8s-manifests/overlays/dev') }],
  ['kustomize-staging', 'Kustomize', { source: source('k8s-manifests/overlays/staging') }],
  ['kustomize-prod', 'Kustomize', { source: source('k8s-manifests/overlays/prod') }],
  [
    'kustomize-prod-options',
    'Kustomize',
    {
      source: source('k8s-manifests/overlays/prod', {
        kustomize: {
          images: ['myregistry.io/api=registry.example.com/api:9.9.9'],
          namePrefix: 'team-',
          commonLabels: { team: 'payments' },
          commonAnnotations: { 'berth.dev/owner': 'payments' },
          namespace: 'payments',
          replicas: [{ name: 'api', count: 3 }],
        },
      }),
    },
  ],
  [
    'helm-app-of-apps-dev',
    'Helm',
    { source: source('argocd-apps/apps', { helm: { valueFiles: ['values-dev.yaml'] } }) },
  ],
  [
    'helm-app-of-apps-prod',
    'Helm',
    { source: source('argocd-apps/apps', { helm: { valueFiles: ['values-prod.yaml'] } }) },
  ],
  [
    'helm-web-options',
    'Helm',
    {
      namespace: 'shop',
      kubeVersion: '1.34.0',
      apiVersions: ['policy.example.com/v1'],
      source: source('web-chart', {
        helm: {
          releaseName: 'storefront',
          valueFiles: ['values-link.yaml', 'missing.yaml'],
          ignoreMissingValueFiles: true,
          values: 'replicas: 4\n',
          parameters: [
            { name: 'image.tag', value: '3.1' },
            { name: 'debug', value: 'true', forceString: true },
          ],
        },
      }),
    },
  ],
  [
    'multi-source-ref-values',
    'Helm',
    {
      namespace: 'staging',
      sources: [
        source('web-chart', { helm: { valueFiles: ['$values/envs/values-staging.yaml'] } }),
        { repoURL: 'CONFIG', targetRevision: 'main', ref: 'values' },
      ],
    },
  ],
];

describe('ManifestRenderer golden renders', () => {
  it.each(goldenCases)('%s', async (name, sourceType, partial) => {
    const request = urls({ appName: name, ...partial });
    const result = await renderer.render(request);
    expect(result.sourceType).toBe(sourceType);
    expect(result.revision).toBe(await app.head());
    const actual = toYamlStream(result.objects);
    expect(actual).toBe(await golden(name, actual));
  });
});

describe('ManifestRenderer cache', () => {
  it('serves the second render of the same inputs from the cache, and hardRefresh bypasses it', async () => {
    const cached = new ManifestRenderer({ git, cache: new InMemoryManifestCache() });
    const request = urls({ appName: 'cache', source: source('k8s-manifests/overlays/dev') });
    const first = await cached.render(request);
    const second = await cached.render(request);
    const third = await cached.render({ ...request, hardRefresh: true });
    expect([first.cacheHit, second.cacheHit, third.cacheHit]).toEqual([false, true, false]);
    expect(second.objects).toEqual(first.objects);
    expect(cached.counters).toMatchObject({ cacheHits: 1, cacheMisses: 2 });
  });

  it('re-renders when the options change', async () => {
    const cached = new ManifestRenderer({ git, cache: new InMemoryManifestCache() });
    await cached.render(urls({ appName: 'opts', source: source('plain') }));
    const other = await cached.render(
      urls({ appName: 'opts', source: source('plain', { directory: { recurse: true } }) }),
    );
    expect(other.cacheHit).toBe(false);
  });
});

describe('ManifestRenderer refusals', () => {
  it("shows kustomize's own reason for the article's prod overlay", async () => {
    const err = await renderError({ appName: 'x', source: source('k8s-manifests/overlays/prod-as-written') });
    expect(err.code).toBe('tool-failed');
    expect(err.message).toMatch(/kubectl kustomize failed: .*no matches for Id ConfigMap.*api-config/s);
    expect(err.message).not.toContain('# Warning');
  });

  const valueFileCases: [string, string, string][] = [
    ['a ../ escape', '../../secrets/db.yaml', 'outside the repository'],
    ['a deep ../ escape', '../../../../etc/passwd', 'outside the repository'],
    ['an absolute path', '/etc/passwd', 'absolute path'],
    ['a remote URL', 'https://example.com/values.yaml', 'remote URL'],
    ['an unknown $ref', '$other/values.yaml', 'no source in spec.sources has ref: other'],
  ];
  it.each(valueFileCases)('refuses %s in helm valueFiles', async (_name, valueFile, message) => {
    const err = await renderError({
      appName: 'x',
      source: source('web-chart', { helm: { valueFiles: ['values.yaml', valueFile] } }),
    });
    expect(err.code).toBe('value-file-refused');
    expect(err.field).toBe('spec.source.helm.valueFiles[1]');
    expect(err.message).toMatch(new RegExp(message));
  });

  it('refuses a value file reaching another directory of the repository only when it leaves the repo', async () => {
    const result = await renderer.render(
      urls({
        appName: 'inside',
        source: source('web-chart', { helm: { valueFiles: ['../web-chart/values.yaml'] } }),
      }),
    );
    expect(result.objects.length).toBeGreaterThan(0);
  });

  it('reports a missing value file', async () => {
    const err = await renderError({
      appName: 'x',
      source: source('web-chart', { helm: { valueFiles: ['nope.yaml'] } }),
    });
    expect(err.code).toBe('value-file-missing');
  });

  it('refuses a repository with a symlink leaving it, in directory mode', async () => {
    const err = await renderError({ appName: 'x', source: { repoURL: escaping.fileUrl, path: 'plain' } });
    expect(err.code).toBe('symlink-escape');
    expect(err.message).toContain('plain/passwd.yaml');
  });

  it('refuses such a repository as a $values ref source, and when kustomize options edit a copy of it', async () => {
    const asRef = await renderError({
      appName: 'x',
      sources: [
        source('web-chart', { helm: { valueFiles: ['$values/plain/a.yaml'] } }),
        { repoURL: escaping.fileUrl, targetRevision: 'main', ref: 'values' },
      ],
    });
    expect(asRef.code).toBe('symlink-escape');
    const edited = await renderError({
      appName: 'x',
      source: { repoURL: escaping.fileUrl, path: 'plain', kustomize: { namePrefix: 'x-' } },
    });
    expect(edited.code).toBe('symlink-escape');
  });

  it('refuses a path outside the repository', async () => {
    const err = await renderError({ appName: 'x', source: source('../..') });
    expect(err.code).toBe('path-escape');
    expect(err.field).toBe('spec.source.path');
  });

  it('reports a path that does not exist', async () => {
    const err = await renderError({ appName: 'x', source: source('no/such/dir') });
    expect(err.code).toBe('path-not-found');
  });

  it('stops a render over the output limit', async () => {
    const small = new ManifestRenderer({ git, maxOutputBytes: 200 });
    const err = await small
      .render(urls({ appName: 'x', source: source('argocd-apps/apps') }))
      .catch((e: unknown) => e);
    expect((err as RenderError).code).toBe('output-too-large');
  });

  it('stops a render over the time limit', async () => {
    const slow = new ManifestRenderer({ git, renderTimeoutMs: 1 });
    const err = await slow
      .render(urls({ appName: 'x', source: source('k8s-manifests/overlays/dev') }))
      .catch((e: unknown) => e);
    expect((err as RenderError).code).toBe('render-timeout');
  });
});

describe("manifest-generate-paths reuse (Argo CD's SetNewRevisionManifests)", () => {
  it("reuses the previous commit's manifests when the app's files did not change, renders when they did", async () => {
    const mono = await GitFixtureRepo.create(root, 'mono');
    const cm = (name: string, value: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  v: "${value}"\n`;
    const first = await mono.commit({
      'apps/api/cm.yaml': cm('api', '1'),
      'apps/web/cm.yaml': cm('web', '1'),
    });
    const monoRenderer = new ManifestRenderer({ git, cache: new InMemoryManifestCache() });
    const request = (previousRevision?: string): RenderRequest => ({
      appName: 'api',
      source: { repoURL: mono.fileUrl, targetRevision: 'main', path: 'apps/api' },
      ...(previousRevision
        ? {
            reuseWhenUnchanged: {
              previousRevision,
              unchanged: (files: string[]) => !files.some((f) => f.startsWith('apps/api/')),
            },
          }
        : {}),
    });
    expect((await monoRenderer.render(request())).revision).toBe(first);

    // Another app's commit: same objects, new revision, no tool run.
    const second = await mono.commit({ 'apps/web/cm.yaml': cm('web', '2') });
    const rendersBefore = monoRenderer.counters.renders;
    const reused = await monoRenderer.render(request(first));
    expect(reused).toMatchObject({ revision: second, cacheHit: true });
    expect(reused.objects).toEqual([expect.objectContaining({ data: { v: '1' } })]);
    expect(monoRenderer.counters.renders).toBe(rendersBefore);

    // This app's commit: rendered again.
    const third = await mono.commit({ 'apps/api/cm.yaml': cm('api', '3') });
    const rendered = await monoRenderer.render(request(second));
    expect(rendered).toMatchObject({ revision: third, cacheHit: false });
    expect(rendered.objects).toEqual([expect.objectContaining({ data: { v: '3' } })]);
    expect(await git.changedFiles(mono.fileUrl, first, third)).toEqual([
      'apps/api/cm.yaml',
      'apps/web/cm.yaml',
    ]);
  });
});
