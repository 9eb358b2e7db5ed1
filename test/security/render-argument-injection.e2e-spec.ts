import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  InMemoryManifestCache,
  ManifestRenderer,
  RenderError,
  findTools,
  type ApplicationSource,
  type RenderedManifests,
} from '@berth/render';
import { GitMirrorCache, HelmChartCache, SourceError } from '@berth/sources';
import { GitFixtureRepo } from '@berth/sources/testing/git-fixture-repo';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestScheduler, type TestScheduler } from '../scheduler/scheduler-harness';
import { issuesOf } from '../testing/api-answer';

// An app author controls every spec field and the repository. Whatever they write, a value never
// becomes a helm/git option, and never makes helm open a file outside the repository: the secret
// below sits beside the repository on the worker's disk, where a render must not reach it.
let root: string;
let repo: GitFixtureRepo;
let renderer: ManifestRenderer;
let secretFile: string;
let secretValues: string;
const SECRET = `top-secret-${randomBytes(6).toString('hex')}`;

const chart = {
  'chart/Chart.yaml': 'apiVersion: v2\nname: echo\nversion: 0.1.0\n',
  'chart/values.yaml': 'greeting: hello\nx: ""\n',
  'chart/templates/cm.yaml': [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: {{ .Release.Name }}',
    'data:',
    '  greeting: {{ .Values.greeting | quote }}',
    '  x: {{ .Values.x | quote }}',
    '',
  ].join('\n'),
  'chart/files/a.txt': 'a file of the repository\n',
};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-sec-args-'));
  await mkdir(join(root, 'outside'));
  secretFile = join(root, 'outside', 'secret.txt');
  secretValues = join(root, 'outside', 'secret.yaml');
  await writeFile(secretFile, SECRET);
  await writeFile(secretValues, `greeting: ${SECRET}\n`);
  repo = await GitFixtureRepo.create(root, 'charts');
  await repo.commit({
    ...chart,
    // Paths built so that a comma splits them into a repository file and an absolute path outside.
    'chart/d': 'first half\n',
    [`chart/d,greeting=${secretFile}`]: 'second half\n',
    'chart/values/a': 'x: from-repo\n',
    [`chart/values/a,${secretValues}`]: 'x: from-repo\n',
  });
  const git = new GitMirrorCache({
    cacheDir: join(root, 'cache'),
    workDir: root,
    allowFileUrls: true,
    allowHttp: true,
  });
  renderer = new ManifestRenderer({ git, cache: new InMemoryManifestCache() });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function helmSource(helm: ApplicationSource['helm']): ApplicationSource {
  return { repoURL: repo.fileUrl, targetRevision: 'main', path: 'chart', helm };
}

async function render(source: ApplicationSource): Promise<RenderedManifests | RenderError> {
  return renderer
    .render({ appName: 'echo', namespace: 'echo', source, hardRefresh: true })
    .catch((err: unknown) => {
      if (err instanceof RenderError) return err;
      throw err;
    });
}

/** The render was refused before helm ran: no manifest, no secret, the field named. */
function expectRefused(result: RenderedManifests | RenderError, field: string): RenderError {
  expect(result).toBeInstanceOf(RenderError);
  const err = result as RenderError;
  expect({ code: err.code, field: err.field }).toEqual({ code: 'invalid-argument', field });
  expect(err.message).not.toContain(SECRET);
  return err;
}

describe('argument injection into helm', () => {
  it('a helm releaseName starting with -- is refused, not read as --set-file (which put a worker file into the manifests)', async () => {
    const result = await render(helmSource({ releaseName: `--set-file=greeting=${secretFile}` }));
    const err = expectRefused(result, 'spec.source.helm.releaseName');
    expect(err.message).toMatch(/is not a Helm release name/);
  });

  it('a fileParameters name holding "=" and "," cannot smuggle a second --set-file assignment', async () => {
    const result = await render(
      helmSource({ fileParameters: [{ name: `x=${secretFile},greeting`, path: 'files/a.txt' }] }),
    );
    expectRefused(result, 'spec.source.helm.fileParameters[0].name');
  });

  it('a fileParameters path with a comma cannot split into a repository file and an absolute file outside', async () => {
    const result = await render(
      helmSource({ fileParameters: [{ name: 'x', path: `d,greeting=${secretFile}` }] }),
    );
    expectRefused(result, 'spec.source.helm.fileParameters[0].path');
  });

  it('a value file with a comma cannot make helm --values read a second, absolute file', async () => {
    const result = await render(helmSource({ valueFiles: [`values/a,${secretValues}`] }));
    expectRefused(result, 'spec.source.helm.valueFiles[0]');
  });

  it('a --set value with a comma stays one value (Argo CD escapes commas) instead of setting another key', async () => {
    const result = await render(
      helmSource({ releaseName: 'echo-prod', parameters: [{ name: 'x', value: '1,greeting=injected' }] }),
    );
    expect(result).not.toBeInstanceOf(RenderError);
    const [cm] = (result as RenderedManifests).objects;
    // The release name still reaches helm as NAME after the `--` that now ends the flags.
    expect(cm?.metadata.name).toBe('echo-prod');
    expect(cm?.['data']).toEqual({ greeting: 'hello', x: '1,greeting=injected' });
  });

  it('a chart name starting with -- is refused before helm or the network is asked', async () => {
    const charts = new HelmChartCache({
      cacheDir: join(root, 'charts'),
      helm: findTools().helm,
      allowHttp: true,
    });
    const failure = await charts
      .resolve('http://127.0.0.1:1/charts', '--repo=http://127.0.0.1:2', '1.0.0')
      .catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(SourceError);
    expect(failure).toMatchObject({ code: 'invalid-argument', field: 'spec.source.chart' });
  });
});

describe('argument injection into git', () => {
  it('a repoURL whose host starts with - (ssh -oProxyCommand=...) is refused before git runs', async () => {
    const result = await render({
      repoURL: 'ssh://-oProxyCommand=touch${IFS}/tmp/berth-pwned/x/repo.git',
      targetRevision: 'main',
      path: '.',
    });
    expect(result).toBeInstanceOf(RenderError);
    expect(result).toMatchObject({ code: 'invalid-repo-url', field: 'spec.source.repoURL' });
  });
});

describe('argument injection refused at create time', () => {
  let scheduler: TestScheduler;
  beforeAll(async () => {
    scheduler = await startTestScheduler();
  });
  afterAll(async () => {
    await scheduler?.close();
  });

  it('POST /api/v1/applications with a helm releaseName starting with -- answers 400 naming the field', async () => {
    const res = await scheduler.http.post('/api/v1/applications').send({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'echo', namespace: 'argocd' },
      spec: {
        project: 'default',
        source: {
          repoURL: 'https://git.example.com/org/charts.git',
          targetRevision: 'main',
          path: 'chart',
          helm: {
            releaseName: '--set-file=greeting=/etc/passwd',
            fileParameters: [{ name: 'x=/etc/passwd,y', path: 'files/a.txt' }],
          },
        },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'echo' },
      },
    });
    expect(res.status).toBe(400);
    const fields = issuesOf(res).map((issue) => issue.field);
    expect(fields).toEqual(['spec.source.helm.releaseName', 'spec.source.helm.fileParameters[0].name']);
  });
});
