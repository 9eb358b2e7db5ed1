import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GitMirrorCache, HelmChartCache, type GitCredentials } from '@berth/sources';
import { GitFixtureRepo } from '@berth/sources/testing/git-fixture-repo';
import {
  buildHelmRepo,
  startHelmRepoServer,
  type HelmRepoServer,
} from '@berth/sources/testing/helm-repo-server';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryManifestCache } from './manifest/manifest-cache.port';
import { ManifestRenderer, type RenderRequest } from './manifest-renderer';
import { RenderError } from './render.error';
import type { ApplicationSource, KubernetesObject } from './source.types';
import { golden, renderTestdataDir, toYamlStream } from './testing/golden-file';
import { findTools } from './tools/tool-locator';

// Needs the pinned helm: run `node scripts/install-tools.mjs` first.
const tools = findTools();
const helm = tools.helm!;
const AUTH = { username: 'charts', password: 's3cret-chart-pass' };
let root: string;
let repoDir: string;
let open: HelmRepoServer;
let locked: HelmRepoServer;
let deadUrl: string;
let config: GitFixtureRepo;
let credentials: Record<string, GitCredentials>;
let renderer: ManifestRenderer;

function renderWith(
  options: { cacheDir?: string; creds?: Record<string, GitCredentials> } = {},
): ManifestRenderer {
  const creds = options.creds ?? credentials;
  const git = new GitMirrorCache({
    cacheDir: options.cacheDir ?? join(root, 'cache'),
    workDir: root,
    allowFileUrls: true,
    allowHttp: true,
    credentials: (url) => creds[url],
  });
  return new ManifestRenderer({ git, cache: new InMemoryManifestCache(), tools });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-helm-repo-it-'));
  repoDir = join(root, 'charts');
  const testdata = renderTestdataDir();
  await buildHelmRepo(helm, repoDir, [
    { chartDir: join(testdata, 'repo-chart'), versions: ['1.0.0', '1.1.0', '2.0.0'] },
  ]);
  open = await startHelmRepoServer({ dir: repoDir });
  locked = await startHelmRepoServer({ dir: repoDir, basicAuth: AUTH });
  const dead = await startHelmRepoServer({ dir: repoDir });
  deadUrl = dead.url;
  await dead.close();
  config = await GitFixtureRepo.create(root, 'config');
  await config.commitDir(join(testdata, 'helm-values-repo'), '.');
  credentials = { [locked.url]: { type: 'https', ...AUTH } };
  renderer = renderWith();
}, 30_000);

afterAll(async () => {
  await open?.close();
  await locked?.close();
  await rm(root, { recursive: true, force: true });
});

function chartSource(extra: Partial<ApplicationSource> = {}): ApplicationSource {
  return { repoURL: open.url, chart: 'podinfo', targetRevision: '1.0.0', ...extra };
}

async function renderError(request: RenderRequest, using = renderer): Promise<RenderError> {
  const err = await using.render({ ...request, hardRefresh: true }).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof RenderError)) throw new Error(`expected a RenderError, got: ${String(err)}`);
  return err;
}

function configMap(objects: KubernetesObject[]): Record<string, string> {
  const found = objects.find((object) => object.kind === 'ConfigMap');
  return (found?.data ?? {}) as Record<string, string>;
}

function tgzRequests(server: HelmRepoServer): string[] {
  return server.requests.filter((line) => line.includes('.tgz'));
}

describe('charts from a Helm repository', () => {
  it('renders a pinned version with the chart value file, inline values and parameters (golden)', async () => {
    const result = await renderer.render({
      appName: 'podinfo',
      namespace: 'web',
      source: chartSource({
        helm: {
          valueFiles: ['values-prod.yaml'],
          valuesObject: { service: { port: 8080 } },
          parameters: [{ name: 'image.tag', value: '6.1.0' }],
        },
      }),
    });
    expect(result.sourceType).toBe('Helm');
    expect(result.revision).toBe('1.0.0');
    expect(result.revisions).toEqual(['1.0.0']);
    const actual = toYamlStream(result.objects);
    expect(actual).toBe(await golden('helm-repo-chart-prod', actual));
  });

  const constraints: [string, string][] = [
    ['1.0.0', '1.0.0'],
    ['1.*', '1.1.0'],
    ['>=1.0.0 <2.0.0', '1.1.0'],
    ['^1.0.0', '1.1.0'],
    ['*', '2.0.0'],
    ['', '2.0.0'],
  ];
  it.each(constraints)(
    'resolves targetRevision "%s" to chart version %s and renders it',
    async (targetRevision, version) => {
      const result = await renderer.render({ appName: 'c', source: chartSource({ targetRevision }) });
      expect(result.revision).toBe(version);
      expect(configMap(result.objects).chartVersion).toBe(version);
    },
  );

  it('renders the chart with a $values file from a Git repository (multi-source, golden)', async () => {
    const result = await renderer.render({
      appName: 'podinfo-prod',
      namespace: 'prod',
      sources: [
        chartSource({ targetRevision: '2.0.0', helm: { valueFiles: ['$values/envs/podinfo-prod.yaml'] } }),
        { repoURL: config.fileUrl, targetRevision: 'main', ref: 'values' },
      ],
    });
    expect(result.revisions).toEqual(['2.0.0', await config.head()]);
    expect(result.revision).toBe('2.0.0');
    expect(configMap(result.objects).message).toBe('hello from the Git config repo');
    const actual = toYamlStream(result.objects);
    expect(actual).toBe(await golden('multi-source-helm-repo-values', actual));
  });

  it('pulls a chart version once and keeps it on disk across renderers', async () => {
    const cacheDir = join(root, 'pull-once');
    const before = tgzRequests(open).length;
    const source = chartSource({ targetRevision: '1.1.0' });
    await renderWith({ cacheDir }).render({ appName: 'a', source, hardRefresh: true });
    await renderWith({ cacheDir }).render({ appName: 'b', source, hardRefresh: true });
    expect(tgzRequests(open).slice(before)).toEqual(['GET /podinfo-1.1.0.tgz']);
  });

  it('serves the same inputs from the manifest cache', async () => {
    const request = { appName: 'cached', source: chartSource({ targetRevision: '1.*' }) };
    const cached = renderWith({ cacheDir: join(root, 'manifest-cache') });
    const first = await cached.render(request);
    const second = await cached.render(request);
    expect([first.cacheHit, second.cacheHit]).toEqual([false, true]);
    expect(second.revision).toBe('1.1.0');
  });

  it('refuses a value file leaving the pulled chart', async () => {
    const err = await renderError({
      appName: 'x',
      source: chartSource({ helm: { valueFiles: ['../../../../etc/passwd'] } }),
    });
    expect(err.code).toBe('value-file-refused');
    expect(err.field).toBe('spec.source.helm.valueFiles[0]');
  });
});

describe('Helm repository with basic auth', () => {
  it('renders with the repository credentials, sent on every request', async () => {
    const result = await renderer.render({
      appName: 'private',
      source: chartSource({ repoURL: locked.url, targetRevision: '1.1.0' }),
    });
    expect(result.revision).toBe('1.1.0');
    expect(locked.requests).toEqual(expect.arrayContaining(['GET /index.yaml', 'GET /podinfo-1.1.0.tgz']));
    expect(locked.requests.filter((line) => line.endsWith(' 401'))).toEqual([]);
  });

  it('says credentials are needed when there are none', async () => {
    const err = await renderError(
      { appName: 'x', source: chartSource({ repoURL: locked.url }) },
      renderWith({ creds: {} }),
    );
    expect(err.code).toBe('auth-failed');
    expect(err.field).toBe('spec.source.repoURL');
    expect(err.message).toContain('needs credentials');
  });

  it('says the credentials were refused, without showing them', async () => {
    const wrong = {
      [locked.url]: { type: 'https' as const, username: 'charts', password: 'wrong-pass-123' },
    };
    const err = await renderError(
      { appName: 'x', source: chartSource({ repoURL: locked.url }) },
      renderWith({ creds: wrong }),
    );
    expect(err.code).toBe('auth-failed');
    expect(err.message).toContain('refused the repository credentials');
    expect(err.message).not.toContain('wrong-pass-123');
  });

  it('sends the credentials to another chart host only with helm.passCredentials', async () => {
    // The index is on one host, the archives on another that wants the same credentials.
    const archives = await startHelmRepoServer({ dir: repoDir, basicAuth: AUTH });
    const indexDir = join(root, 'split-index');
    await mkdir(indexDir, { recursive: true });
    const index = (await readFile(join(repoDir, 'index.yaml'), 'utf8')).replace(
      /- (podinfo-[\d.]+\.tgz)/g,
      `- ${archives.url}/$1`,
    );
    await writeFile(join(indexDir, 'index.yaml'), index);
    const front = await startHelmRepoServer({ dir: indexDir, basicAuth: AUTH });
    try {
      const creds = { [front.url]: { type: 'https' as const, ...AUTH } };
      const source = chartSource({ repoURL: front.url, targetRevision: '1.1.0' });
      const err = await renderError(
        { appName: 'x', source },
        renderWith({ cacheDir: join(root, 'split-1'), creds }),
      );
      expect(err.code).toBe('auth-failed');
      expect(err.message).toContain('helm.passCredentials');
      const result = await renderWith({ cacheDir: join(root, 'split-2'), creds }).render({
        appName: 'x',
        source: { ...source, helm: { passCredentials: true } },
      });
      expect(result.revision).toBe('1.1.0');
      expect(archives.requests).toEqual(['GET /podinfo-1.1.0.tgz 401', 'GET /podinfo-1.1.0.tgz']);
    } finally {
      await archives.close();
      await front.close();
    }
  });

  it("classifies helm's refused pull as auth-failed and keeps nothing on disk", async () => {
    // A pull straight from a version (as after a cached resolve) without credentials.
    const charts = new HelmChartCache({ cacheDir: join(root, 'refused'), helm, allowHttp: true });
    const err = await charts.pull(locked.url, 'podinfo', '1.0.0').catch((e: unknown) => e);
    expect((err as RenderError).code).toBe('auth-failed');
    expect(existsSync(charts.chartDir(locked.url, 'podinfo', '1.0.0'))).toBe(false);
  });
});

describe('Helm repository errors', () => {
  it('names spec.source.chart and lists the charts for an unknown chart', async () => {
    const err = await renderError({ appName: 'x', source: chartSource({ chart: 'podinf' }) });
    expect(err.code).toBe('not-found');
    expect(err.field).toBe('spec.source.chart');
    expect(err.message).toContain('1 chart(s): podinfo');
  });

  it('names spec.source.targetRevision and lists the versions when none matches', async () => {
    const err = await renderError({ appName: 'x', source: chartSource({ targetRevision: '3.x' }) });
    expect(err.code).toBe('revision-not-found');
    expect(err.field).toBe('spec.source.targetRevision');
    expect(err.message).toContain('available versions: 2.0.0, 1.1.0, 1.0.0');
  });

  it('reports an unreachable repository as retryable', async () => {
    const err = await renderError({ appName: 'x', source: chartSource({ repoURL: deadUrl }) });
    expect(err.code).toBe('unreachable');
    expect(err.retryable).toBe(true);
    expect(err.field).toBe('spec.source.repoURL');
  });

  it('reports a URL that is not a Helm repository', async () => {
    const err = await renderError({
      appName: 'x',
      source: chartSource({ repoURL: `${open.url}/nothing-here` }),
    });
    expect(err.code).toBe('not-found');
    expect(err.message).toContain('has no index.yaml');
  });

  it('reports an index entry whose archive is missing', async () => {
    const broken = join(root, 'broken-charts');
    await cp(repoDir, broken, { recursive: true });
    await rm(join(broken, 'podinfo-1.0.0.tgz'));
    const server = await startHelmRepoServer({ dir: broken });
    try {
      const err = await renderError({ appName: 'x', source: chartSource({ repoURL: server.url }) });
      expect(err.code).toBe('not-found');
      expect(err.field).toBe('spec.source.chart');
      expect(err.message).toContain('"podinfo" 1.0.0 could not be downloaded');
    } finally {
      await server.close();
    }
  });

  it('refuses an index.yaml over the size limit', async () => {
    const small = new HelmChartCache({
      cacheDir: join(root, 'small'),
      helm,
      allowHttp: true,
      maxIndexBytes: 100,
    });
    const err = await small.resolve(open.url, 'podinfo', '1.0.0').catch((e: unknown) => e);
    expect((err as RenderError).code).toBe('output-too-large');
    expect((err as RenderError).field).toBe('spec.source.repoURL');
  });

  it('refuses plain http unless allowed', async () => {
    const strict = new HelmChartCache({ cacheDir: join(root, 'strict'), helm });
    const err = await strict.resolve(open.url, 'podinfo', '1.0.0').catch((e: unknown) => e);
    expect((err as RenderError).code).toBe('invalid-repo-url');
  });
});

describe('index.yaml cache', () => {
  it('reuses the index for its TTL, then fetches it again', async () => {
    let now = 0;
    const charts = new HelmChartCache({
      cacheDir: join(root, 'ttl'),
      helm,
      allowHttp: true,
      indexTtlMs: 1000,
      now: () => now,
    });
    const server = await startHelmRepoServer({ dir: repoDir });
    try {
      await charts.resolve(server.url, 'podinfo', '1.0.0');
      now = 999;
      await charts.resolve(server.url, 'podinfo', '2.0.0');
      expect(server.requests).toEqual(['GET /index.yaml']);
      now = 1000;
      await charts.resolve(server.url, 'podinfo', '2.0.0');
      expect(server.requests).toEqual(['GET /index.yaml', 'GET /index.yaml']);
    } finally {
      await server.close();
    }
  });
});
