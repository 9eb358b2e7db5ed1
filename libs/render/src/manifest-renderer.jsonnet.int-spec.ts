import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GitMirrorCache, runTool } from '@berth/sources';
import { GitFixtureRepo } from '@berth/sources/testing/git-fixture-repo';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryManifestCache } from './manifest/manifest-cache.port';
import { ManifestRenderer, type RenderRequest } from './manifest-renderer';
import { RenderError } from './render.error';
import type { ApplicationSourceDirectory } from './source.types';
import { golden, renderTestdataDir, toYamlStream } from './testing/golden-file';
import { findTools } from './tools/tool-locator';

// Needs the jsonnet binary (Debian: apt-get install jsonnet; .ci/run installs it).
const tools = findTools();
const jsonnet = tools.jsonnet!;
const SENTINEL = 'JSONNET-OUTSIDE-SENTINEL';
let root: string;
let outsideFile: string;
let app: GitFixtureRepo;
let sha: string;
let renderer: ManifestRenderer;

const CONFIG_MAP = (data: string) =>
  `{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'leak' }, data: { leak: ${data} } }\n`;

const GUESTBOOK: ApplicationSourceDirectory['jsonnet'] = {
  extVars: [
    { name: 'environment', value: 'prod' },
    { name: 'revision', value: '$ARGOCD_APP_NAME-${ARGOCD_APP_SOURCE_PATH}' },
    { name: 'scale', value: '1 + 2', code: true },
  ],
  tlas: [
    { name: 'replicas', value: '2', code: true },
    { name: 'tier', value: 'web' },
  ],
  libs: ['vendor/lib'],
};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-jsonnet-it-'));
  // A file outside every tree: no render may ever print it.
  outsideFile = join(root, 'secret.txt');
  await writeFile(outsideFile, SENTINEL);
  app = await GitFixtureRepo.create(root, 'app');
  await app.commitDir(join(renderTestdataDir(), 'jsonnet'), '.');
  const deep = '../'.repeat(24) + outsideFile.replace(/^\//, '');
  sha = await app.commit({
    'attacks/absolute/app.jsonnet': CONFIG_MAP(`importstr '${outsideFile}'`),
    'attacks/device/app.jsonnet': CONFIG_MAP(`importstr '/dev/zero'`),
    'attacks/traversal/app.jsonnet': CONFIG_MAP(`importstr '${deep}'`),
    'attacks/parent/app.jsonnet': CONFIG_MAP(`importstr '../../../secret.txt'`),
    'attacks/nested/app.jsonnet': `local hop = import 'hop.libsonnet';\n${CONFIG_MAP('hop.leak')}`,
    'attacks/nested/hop.libsonnet': `{ leak: importstr '${outsideFile}' }\n`,
    'attacks/code/app.jsonnet': `function(leak='') ${CONFIG_MAP('leak + std.extVar("x")')}`,
    'attacks/in-repo/app.jsonnet': CONFIG_MAP(`importstr '../../guestbook/banner.txt'`),
    'attacks/in-repo-link/app.jsonnet': CONFIG_MAP(`importstr 'linked/banner.txt'`),
    'attacks/in-repo-link/linked': { symlink: '../../guestbook' },
    'bad/not-object/app.jsonnet': `'just a string'\n`,
    'bad/no-kind/app.jsonnet': `[{ apiVersion: 'v1', metadata: { name: 'x' } }]\n`,
    'bad/runtime/app.jsonnet': `{ a: error 'boom from the program' }\n`,
    'bad/syntax/app.jsonnet': `local f = 'b'; { a: import f }\n`,
    'bad/memory/app.jsonnet': `std.length(std.makeArray(200000000, function(i) [i]))\n`,
    'bad/missing-import/app.jsonnet': `import 'nowhere.libsonnet'\n`,
  });
  const git = new GitMirrorCache({ cacheDir: join(root, 'cache'), workDir: root, allowFileUrls: true });
  renderer = new ManifestRenderer({ git, cache: new InMemoryManifestCache(), tools });
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function request(path: string, directory?: ApplicationSourceDirectory): RenderRequest {
  return {
    appName: 'guestbook',
    namespace: 'web',
    hardRefresh: true,
    source: { repoURL: app.fileUrl, targetRevision: 'main', path, ...(directory ? { directory } : {}) },
  };
}

async function renderError(req: RenderRequest): Promise<RenderError> {
  const err = await renderer.render(req).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof RenderError)) throw new Error(`expected a RenderError, got: ${String(err)}`);
  expect(err.message).not.toContain(SENTINEL);
  return err;
}

describe('Jsonnet directory sources (the jsonnet binary)', () => {
  it('renders top-level arguments, external variables, libs and importstr (golden)', async () => {
    const result = await renderer.render(request('guestbook', { jsonnet: GUESTBOOK }));
    expect(result.sourceType).toBe('Directory');
    const actual = toYamlStream(result.objects);
    expect(actual).toBe(await golden('jsonnet-guestbook', actual));
  });

  it('equals what the jsonnet command prints for the same program run on the checkout', async () => {
    const { stdout } = await runTool(
      jsonnet,
      [
        '-J',
        'guestbook',
        '-J',
        'vendor/lib',
        '--ext-str',
        'environment=prod',
        '--ext-str',
        'revision=guestbook-guestbook',
        '--ext-code',
        'scale=1 + 2',
        '--tla-code',
        'replicas=2',
        '--tla-str',
        'tier=web',
        'guestbook/guestbook.jsonnet',
      ],
      { cwd: app.workDir, timeoutMs: 30_000, maxOutputBytes: 1024 * 1024, label: 'jsonnet' },
    );
    const reference = (JSON.parse(stdout) as unknown[]).filter((item) => item !== null);
    const result = await renderer.render(request('guestbook', { jsonnet: GUESTBOOK }));
    expect(result.objects).toEqual(reference);
  });

  it('substitutes the build environment in variable values', async () => {
    const result = await renderer.render(
      request('guestbook', {
        jsonnet: {
          ...GUESTBOOK,
          extVars: [
            { name: 'environment', value: '$ARGOCD_APP_NAMESPACE' },
            { name: 'revision', value: '${ARGOCD_APP_REVISION_SHORT}' },
            { name: 'scale', value: '1', code: true },
          ],
        },
      }),
    );
    const deployment = result.objects.find((o) => o.kind === 'Deployment') as unknown as {
      spec: { template: { metadata: { labels: Record<string, string> } } };
    };
    expect(deployment.spec.template.metadata.labels).toMatchObject({
      environment: 'web',
      revision: sha.slice(0, 7),
    });
  });

  it('reads a single object, ignores .libsonnet files and unpacks List kinds, in path order with YAML', async () => {
    const single = await renderer.render(request('single'));
    expect(single.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ConfigMap/single',
      'Service/single',
    ]);
    const list = await renderer.render(request('list'));
    expect(list.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ConfigMap/from-list-a',
      'ConfigMap/from-list-b',
    ]);
  });

  it('leaves out .jsonnet files that exclude names', async () => {
    const result = await renderer.render(request('single', { exclude: '*.jsonnet' }));
    expect(result.objects.map((o) => o.kind)).toEqual(['Service']);
  });

  it('reads files of the same repository through relative paths and in-repo symlinks', async () => {
    for (const path of ['attacks/in-repo', 'attacks/in-repo-link']) {
      const result = await renderer.render(request(path));
      expect(result.objects[0]?.data).toEqual({ leak: 'Welcome to the guestbook\n' });
    }
  });

  it('lets code values import through the library paths', async () => {
    const result = await renderer.render(
      request('attacks/code', {
        jsonnet: {
          tlas: [{ name: 'leak', value: "(import 'labels.libsonnet').common('a', 'b').tier", code: true }],
          extVars: [{ name: 'x', value: '' }],
          libs: ['vendor/lib'],
        },
      }),
    );
    expect(result.objects[0]?.data).toEqual({ leak: 'b' });
  });

  it.each<[string, string, string]>([
    ['attacks/absolute', 'path-escape', 'is an absolute path'],
    ['attacks/device', 'path-escape', 'importstr "/dev/zero" is an absolute path'],
    ['attacks/traversal', 'path-escape', 'leaves the repository'],
    ['attacks/parent', 'path-escape', 'leaves the repository'],
    ['attacks/nested', 'path-escape', 'attacks/nested/hop.libsonnet:1: importstr'],
  ])('refuses %s before jsonnet runs (%s)', async (path, code, text) => {
    const err = await renderError(request(path));
    expect(err.code).toBe(code);
    expect(err.message).toContain(text);
  });

  it.each<[string, Partial<NonNullable<ApplicationSourceDirectory['jsonnet']>>, string]>([
    [
      'a top-level argument of code',
      { tlas: [{ name: 'leak', value: "importstr 'OUTSIDE'", code: true }] },
      'spec.source.directory.jsonnet.tlas[0].value:1: importstr',
    ],
    [
      'an external variable of code',
      { extVars: [{ name: 'x', value: "importstr '../../../../secret.txt'", code: true }] },
      'spec.source.directory.jsonnet.extVars[0].value:1: importstr "../../../../secret.txt" leaves the repository',
    ],
  ])('refuses %s that reads outside the repository', async (_what, options, text) => {
    // Tables are built before the files exist: OUTSIDE is the file outside the tree.
    const jsonnetOptions = JSON.parse(
      JSON.stringify(options).replace('OUTSIDE', outsideFile),
    ) as typeof options;
    const err = await renderError(
      request('attacks/code', { jsonnet: { extVars: [{ name: 'x', value: '' }], ...jsonnetOptions } }),
    );
    expect(err.code).toBe('path-escape');
    expect(err.message).toContain(text);
  });

  it('refuses libs outside the repository and variable names that are not identifiers', async () => {
    const libs = await renderError(request('single', { jsonnet: { libs: ['../..'] } }));
    expect(libs.code).toBe('path-escape');
    expect(libs.field).toBe('spec.source.directory.jsonnet.libs[0]');
    const name = await renderError(
      request('single', { jsonnet: { extVars: [{ name: '--ext-str=x', value: 'y' }] } }),
    );
    expect(name.code).toBe('invalid-argument');
    expect(name.field).toBe('spec.source.directory.jsonnet.extVars[0].name');
  });

  it.each<[string, string, RegExp]>([
    ['bad/not-object', 'invalid-manifest', /app\.jsonnet: its result is not a Kubernetes object/],
    ['bad/no-kind', 'invalid-manifest', /element 0 of its array is not a Kubernetes object/],
    ['bad/runtime', 'tool-failed', /boom from the program[\s\S]*bad\/runtime\/app\.jsonnet:1/],
    [
      'bad/syntax',
      'invalid-manifest',
      /bad\/syntax\/app\.jsonnet:1: import must be followed by a string literal/,
    ],
    ['bad/missing-import', 'tool-failed', /couldn't open import "nowhere.libsonnet"/],
  ])('reports %s (%s) naming the file', async (path, code, text) => {
    const err = await renderError(request(path));
    expect(err.code).toBe(code);
    expect(err.message).toMatch(text);
    expect(err.message).not.toContain('berth-jsonnet-');
  });

  it('stops a program over the memory limit', async () => {
    expect(tools.prlimit).toBeDefined();
    const err = await renderError(request('bad/memory'));
    expect(err.code).toBe('tool-failed');
    expect(err.message).toContain('needed more than 1073741824 bytes of memory');
  }, 60_000);

  it('leaves no workspace behind', async () => {
    const left = (await readdir(root)).filter((name) => name.startsWith('berth-jsonnet-'));
    expect(left).toEqual([]);
  });
});
