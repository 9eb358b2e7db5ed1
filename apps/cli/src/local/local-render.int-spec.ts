import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ApplicationSource } from '@berth/domain';
import type { Application, AppSource } from '../format/application';
import { CliError } from '../http/cli-error';
import { localDirectory } from './local-directory';
import { missingTool, renderLocal } from './local-render';

let root: string;

async function tree(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(root, name);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

const app = (source: Partial<ApplicationSource>, extra: Partial<Application['spec']> = {}): Application => ({
  metadata: { name: 'web' },
  spec: {
    project: 'default',
    // The API's Application is Argo CD's: every source option, which the CLI's type only partly names.
    source: {
      repoURL: 'https://git.example.com/apps.git',
      path: 'web',
      targetRevision: 'main',
      ...source,
    } as AppSource,
    destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' },
    ...extra,
  },
});

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  a: "1"\n`;

const render = async (application: Application, dir: string, repoRoot?: string) =>
  renderLocal(application, await localDirectory(dir, repoRoot), `--local ${dir}`);

const refusal = async (promise: Promise<unknown>): Promise<string> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CliError);
  return (error as CliError).lines.join('\n');
};

beforeAll(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'berth-local-render-')));
  await writeFile(join(root, 'outside.yaml'), cm('from-outside'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('renderLocal', () => {
  it("renders a directory with the app's directory options", async () => {
    const dir = await tree('plain', { 'a.yaml': cm('a'), 'sub/b.yaml': cm('b'), 'skip.yaml': cm('skip') });
    const objects = await render(app({ directory: { recurse: true, exclude: 'skip.yaml' } }), dir);
    expect(objects.map((o) => o.metadata.name)).toEqual(['a', 'b']);
  });

  it("renders a Helm chart with the app's values, parameters and release name, with the real helm", async () => {
    const dir = await tree('chart', {
      'Chart.yaml': 'apiVersion: v2\nname: demo\nversion: 0.1.0\n',
      'values.yaml': 'color: blue\nsize: S\n',
      'values-prod.yaml': 'size: L\n',
      'templates/cm.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-settings\n  namespace: {{ .Release.Namespace }}\ndata:\n  color: {{ .Values.color }}\n  size: {{ .Values.size }}\n',
    });
    const [settings] = await render(
      app({
        helm: {
          releaseName: 'shop',
          valueFiles: ['values-prod.yaml'],
          parameters: [{ name: 'color', value: 'green' }],
        },
      }),
      dir,
    );
    expect(settings).toMatchObject({
      metadata: { name: 'shop-settings', namespace: 'shop' },
      data: { color: 'green', size: 'L' },
    });
  });

  it("renders a kustomization with the app's kustomize options, leaving the user's files as they were", async () => {
    const kustomization = 'resources:\n  - deploy.yaml\n';
    const dir = await tree('kustomize', {
      'kustomization.yaml': kustomization,
      'deploy.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ui\nspec:\n  template:\n    spec:\n      containers:\n        - name: ui\n          image: nginx:1.27\n',
    });
    const [deployment] = await render(
      app({ kustomize: { namePrefix: 'prod-', images: ['nginx:1.28'] } }),
      dir,
    );
    expect(deployment).toMatchObject({
      metadata: { name: 'prod-ui' },
      spec: { template: { spec: { containers: [{ image: 'nginx:1.28' }] } } },
    });
    expect(await readFile(join(dir, 'kustomization.yaml'), 'utf8')).toBe(kustomization);
  });

  it('refuses a directory holding a symlink that leaves it, before reading anything', async () => {
    const dir = await tree('escape', { 'a.yaml': cm('a') });
    await symlink(join(root, 'outside.yaml'), join(dir, 'b.yaml'));
    const text = await refusal(render(app({}), dir));
    expect(text).toMatch(/^--local \S+escape: symlink "b\.yaml" points outside the repository/);
    // Inside --local-repo-root the same link is fine: the root is the boundary.
    const objects = await render(app({}), dir, root);
    expect(objects.map((o) => o.metadata.name)).toEqual(['a', 'from-outside']);
  });

  it('refuses a value file that leaves DIR', async () => {
    const dir = await tree('chart-escape', {
      'Chart.yaml': 'apiVersion: v2\nname: demo\nversion: 0.1.0\n',
      'templates/cm.yaml': cm('x'),
    });
    const text = await refusal(render(app({ helm: { valueFiles: ['../outside.yaml'] } }), dir));
    expect(text).toMatch(
      /spec\.source\.helm\.valueFiles\[0\] "\.\.\/outside\.yaml" points outside the repository/,
    );
  });

  it('refuses what renders on the server only: several sources, a plugin', async () => {
    const dir = await tree('any', { 'a.yaml': cm('a') });
    const multi = app({}, { source: undefined, sources: [{ repoURL: 'a' }, { repoURL: 'b' }] });
    expect(await refusal(render(multi, dir))).toMatch(/--local renders one source; application 'web' has 2/);
    expect(await refusal(render(app({ plugin: { name: 'x' } }), dir))).toMatch(/config management plugin/);
  });
});

describe('missingTool', () => {
  it('names the tool a source type needs and how to install it', () => {
    expect(missingTool('Helm', {})?.join('\n')).toMatch(/helm was not found[\s\S]*https:\/\/helm\.sh/);
    expect(missingTool('Kustomize', {})?.join('\n')).toMatch(/neither kustomize nor kubectl was found/);
    expect(missingTool('Helm', { helm: '/usr/bin/helm' })).toBeUndefined();
    expect(missingTool('Directory', {})).toBeUndefined();
  });
});
