import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ConfigManagementPlugin } from '@berth/domain';
import { GitMirrorCache } from '@berth/sources';
import { GitFixtureRepo } from '@berth/sources/testing/git-fixture-repo';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { InMemoryManifestCache } from './manifest/manifest-cache.port';
import { ManifestRenderer, type RenderRequest } from './manifest-renderer';
import { RenderError } from './render.error';
import { loadConfigManagementPlugins, PluginConfigError } from './renderers/plugin/plugin-config.loader';
import { pluginParameterAnnouncements } from './renderers/plugin/plugin.renderer';
import type { ApplicationSource, KubernetesObject } from './source.types';
import { findTools } from './tools/tool-locator';

// Config management plugins (Argo CD v2 ConfigManagementPlugin) declared in a directory, run by the
// renderer with sh on a real Git repository.
const tools = findTools();
let root: string;
let app: GitFixtureRepo;
let sha: string;
let plugins: ConfigManagementPlugin[];

/** A generate command printing one ConfigMap whose data are shell expansions. */
function configMapCommand(name: string, data: Record<string, string>): string[] {
  const lines = Object.entries(data)
    .map(([key, value]) => `  ${key}: "${value}"`)
    .join('\n');
  return [
    'sh',
    '-c',
    `cat <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n${lines}\nEOF`,
  ];
}

function pluginFile(name: string, spec: Record<string, unknown>): string {
  return stringify({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ConfigManagementPlugin',
    metadata: { name },
    spec,
  });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-plugin-it-'));
  const dir = join(root, 'plugins');
  await mkdir(join(dir, 'nested'), { recursive: true });
  await writeFile(
    join(dir, 'nix.yaml'),
    pluginFile('nix', {
      version: 'v1',
      // init writes into the copy; generate reads it back: both run in the app directory of one copy.
      init: { command: ['sh', '-c'], args: ['echo "from-init" > init.txt; touch ../touched-by-plugin'] },
      generate: {
        command: configMapCommand('nix', {
          app: '$ARGOCD_APP_NAME',
          namespace: '$ARGOCD_APP_NAMESPACE',
          revision: '$ARGOCD_APP_REVISION_SHORT',
          path: '$ARGOCD_APP_SOURCE_PATH',
          foo: '$ARGOCD_ENV_FOO',
          mode: '$PARAM_MODE',
          first: '$PARAM_FILES_0',
          tag: '$PARAM_VALUES_IMAGE_TAG',
          init: '$(cat init.txt)',
          secret: '${BERTH_PLUGIN_TEST_SECRET:-absent}',
          pwd: '$(basename $(pwd))',
        }),
      },
      discover: { find: { command: ['sh', '-c', 'test -f flake.nix && echo found'] } },
      parameters: {
        static: [{ name: 'mode', string: 'slow', title: 'How fast' }],
        dynamic: {
          command: ['sh', '-c', 'echo "[{\\"name\\": \\"files\\", \\"array\\": [\\"$(ls | head -1)\\"]}]"'],
        },
      },
    }),
  );
  // The sidecar layout: <dir>/<plugin>/plugin.yaml.
  await writeFile(
    join(dir, 'nested', 'plugin.yaml'),
    pluginFile('tanka', {
      generate: { command: configMapCommand('tanka', { kind: 'tanka' }) },
      discover: { fileName: './jsonnetfile.json' },
    }),
  );
  await writeFile(
    join(dir, 'cue.yaml'),
    pluginFile('cue', {
      generate: { command: configMapCommand('cue', { kind: 'cue' }) },
      discover: { find: { glob: '**/*.cue' } },
    }),
  );
  await writeFile(join(dir, 'script.yaml'), pluginFile('script', { generate: { command: ['./render.sh'] } }));
  await writeFile(
    join(dir, 'script-exec.yaml'),
    pluginFile('script-exec', { generate: { command: ['./render.sh'] }, preserveFileMode: true }),
  );
  await writeFile(join(dir, 'slow.yaml'), pluginFile('slow', { generate: { command: ['sleep', '30'] } }));
  await writeFile(join(dir, 'chatty.yaml'), pluginFile('chatty', { generate: { command: ['yes'] } }));
  await writeFile(
    join(dir, 'failing.yaml'),
    pluginFile('failing', { generate: { command: ['sh', '-c', 'echo nope >&2; exit 3'] } }),
  );
  plugins = await loadConfigManagementPlugins(dir);

  app = await GitFixtureRepo.create(root, 'app');
  await app.commit({
    'nix/flake.nix': '{ }\n',
    'nix/deployment.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: must-not-render\n',
    'tanka/jsonnetfile.json': '{}\n',
    'tanka/main.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: guessed-directory\n',
    'cue/deep/schema/app.cue': 'package app\n',
    'plain/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n',
    'script/render.sh': '#!/bin/sh\necho "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-script"\n',
  });
  await chmod(join(app.workDir, 'script/render.sh'), 0o755);
  sha = await app.commit({}, 'make render.sh executable');
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function renderer(
  options: { plugins?: ConfigManagementPlugin[]; renderTimeoutMs?: number; maxOutputBytes?: number } = {},
) {
  const git = new GitMirrorCache({ cacheDir: join(root, 'cache'), workDir: root, allowFileUrls: true });
  return new ManifestRenderer({
    git,
    cache: new InMemoryManifestCache(),
    tools,
    plugins: plugins,
    ...options,
  });
}

function request(path: string, extra: Partial<ApplicationSource> = {}): RenderRequest {
  return {
    appName: 'flakes',
    namespace: 'nix-ns',
    hardRefresh: true,
    source: { repoURL: app.fileUrl, targetRevision: 'main', path, ...extra },
  };
}

async function renderError(using: ManifestRenderer, req: RenderRequest): Promise<RenderError> {
  const err = await using.render(req).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof RenderError)) throw new Error(`expected a RenderError, got: ${String(err)}`);
  return err;
}

const names = (objects: KubernetesObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`);

describe('config management plugins', () => {
  it('loads plugin files and the sidecar layout, sorted by name', () => {
    expect(plugins.map((p) => `${p.metadata.name}${p.spec.version ? `-${p.spec.version}` : ''}`)).toEqual([
      'chatty',
      'cue',
      'failing',
      'nix-v1',
      'script',
      'script-exec',
      'slow',
      'tanka',
    ]);
  });

  it("runs a named plugin's init and generate in a copy, with Argo CD's environment, env and parameters", async () => {
    process.env.BERTH_PLUGIN_TEST_SECRET = 'worker-secret';
    try {
      const result = await renderer().render(
        request('nix', {
          plugin: {
            name: 'nix-v1',
            env: [{ name: 'FOO', value: 'bar-$ARGOCD_APP_NAME' }],
            parameters: [
              { name: 'mode', string: 'fast' },
              { name: 'files', array: ['a.yaml', 'b.yaml'] },
              { name: 'values', map: { 'image.tag': 'v2' } },
            ],
          },
        }),
      );
      expect(result.sourceType).toBe('Plugin');
      expect(result.objects).toHaveLength(1);
      expect(result.objects[0]?.data).toEqual({
        app: 'flakes',
        namespace: 'nix-ns',
        revision: sha.slice(0, 7),
        path: 'nix',
        foo: 'bar-flakes',
        mode: 'fast',
        first: 'a.yaml',
        tag: 'v2',
        init: 'from-init',
        // The worker's environment never reaches a plugin.
        secret: 'absent',
        pwd: 'nix',
      });
    } finally {
      delete process.env.BERTH_PLUGIN_TEST_SECRET;
    }
    // The shared tree is as committed: what init wrote went to the copy, which is gone.
    const trees = join(root, 'berth-shared-trees');
    for (const tree of await readdir(trees)) {
      expect(await readdir(join(trees, tree))).not.toContain('touched-by-plugin');
    }
    expect((await readdir(root)).filter((name) => name.startsWith('berth-plugin-'))).toEqual([]);
  });

  it('picks an unnamed plugin by its discovery command, and never guesses the directory', async () => {
    const result = await renderer().render(request('nix', { plugin: {} }));
    expect(names(result.objects)).toEqual(['ConfigMap/nix']);
  });

  it('discovers by fileName and find.glob without a plugin block, before guessing the type (Argo CD)', async () => {
    expect(names((await renderer().render(request('tanka'))).objects)).toEqual(['ConfigMap/tanka']);
    expect(names((await renderer().render(request('cue'))).objects)).toEqual(['ConfigMap/cue']);
    expect(names((await renderer().render(request('plain'))).objects)).toEqual(['ConfigMap/plain']);
    // An explicit directory block is not overridden by discovery.
    const directory = await renderer().render(request('tanka', { directory: { recurse: false } }));
    expect(names(directory.objects)).toEqual(['ConfigMap/guessed-directory']);
  });

  it('names an unknown plugin and lists the configured ones', async () => {
    const err = await renderError(renderer(), request('nix', { plugin: { name: 'nix' } }));
    expect(err.code).toBe('unsupported-source');
    expect(err.field).toBe('spec.source.plugin.name');
    expect(err.message).toContain(
      'configured plugins: chatty, cue, failing, nix-v1, script, script-exec, slow, tanka',
    );
  });

  it('refuses a named plugin whose discovery does not match, and an unnamed block nothing discovers', async () => {
    const named = await renderError(renderer(), request('plain', { plugin: { name: 'nix-v1' } }));
    expect(named.message).toContain('does not support this source');
    const unnamed = await renderError(renderer(), request('plain', { plugin: {} }));
    expect(unnamed.message).toContain("no config management plugin's discovery rule matches");
  });

  it('refuses a plugin source when no plugin is configured, instead of rendering the directory', async () => {
    const err = await renderError(renderer({ plugins: [] }), request('nix', { plugin: {} }));
    expect(err.code).toBe('unsupported-source');
    expect(err.message).toContain('no plugin is configured (BERTH_PLUGINS_DIR)');
  });

  it('resets file modes unless the plugin preserves them (preserveFileMode)', async () => {
    const plain = await renderError(renderer(), request('script', { plugin: { name: 'script' } }));
    expect(plain.code).toBe('tool-failed');
    const preserved = await renderer().render(request('script', { plugin: { name: 'script-exec' } }));
    expect(names(preserved.objects)).toEqual(['ConfigMap/from-script']);
  });

  it('stops a plugin at the time and output limits, and reports its own error', async () => {
    const slow = await renderError(
      renderer({ renderTimeoutMs: 500 }),
      request('plain', { plugin: { name: 'slow' } }),
    );
    expect(slow.code).toBe('render-timeout');
    expect(slow.message).toContain('plugin slow generate did not finish within 500 ms');
    const chatty = await renderError(
      renderer({ maxOutputBytes: 64 * 1024 }),
      request('plain', { plugin: { name: 'chatty' } }),
    );
    expect(chatty.code).toBe('output-too-large');
    const failing = await renderError(renderer(), request('plain', { plugin: { name: 'failing' } }));
    expect(failing.code).toBe('tool-failed');
    expect(failing.message).toContain('plugin failing generate failed: nope');
  });

  it('announces static and dynamic parameters', async () => {
    const nix = plugins.find((p) => p.metadata.name === 'nix')!;
    const git = new GitMirrorCache({ cacheDir: join(root, 'cache'), workDir: root, allowFileUrls: true });
    const announcements = await git.withSharedTree(app.fileUrl, sha, (tree) =>
      pluginParameterAnnouncements(nix, join(tree, 'nix'), undefined, {
        plugins,
        treeRoot: tree,
        env: [],
        timeoutMs: 10_000,
        maxOutputBytes: 1024 * 1024,
        workDir: root,
      }),
    );
    expect(announcements).toEqual([
      { name: 'mode', string: 'slow', title: 'How fast' },
      { name: 'files', array: ['deployment.yaml'] },
    ]);
  });
});

describe('loadConfigManagementPlugins', () => {
  it('reports every problem of every file, and duplicate names', async () => {
    const dir = await mkdtemp(join(root, 'bad-plugins-'));
    await writeFile(join(dir, 'a.yaml'), pluginFile('dup', { generate: { command: ['x'] } }));
    await writeFile(join(dir, 'b.yaml'), pluginFile('dup', { generate: { command: ['y'] } }));
    await writeFile(
      join(dir, 'c.yaml'),
      pluginFile('creds', { generate: { command: ['x'] }, provideGitCreds: true }),
    );
    await writeFile(join(dir, 'd.yml'), pluginFile('nogen', {}));
    const err = await loadConfigManagementPlugins(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PluginConfigError);
    const problems = (err as PluginConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems[0]).toContain('b.yaml: plugin "dup" is also declared in');
    expect(problems[1]).toContain('c.yaml: spec.provideGitCreds: is not supported');
    expect(problems[2]).toContain('d.yml: spec.generate: required field is missing');
    expect((err as Error).message.split('\n')[0]).toBe(
      'BERTH_PLUGINS_DIR: invalid config management plugins:',
    );
  });
});
