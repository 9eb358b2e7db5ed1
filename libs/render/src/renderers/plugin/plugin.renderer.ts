import {
  pluginFullName,
  type ApplicationSourcePlugin,
  type ConfigManagementPlugin,
  type PluginCommand,
  type PluginParameterAnnouncement,
} from '@berth/domain';
import { copyTree, isSourceError, runTool } from '@berth/sources';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseToolOutput } from '../../manifest/manifest-parser';
import { RenderError, throwAsRenderError } from '../../render.error';
import type { KubernetesObject } from '../../source.types';
import type { BuildEnvEntry } from '../build-environment';
import { discoveryRule, matchesFilePattern } from './plugin-discovery';
import { pluginEnvironment } from './plugin-environment';

/** How a plugin source renders (ManifestRenderer fills it in). */
export interface PluginRenderContext {
  /** The operator's plugins (loadConfigManagementPlugins), sorted by name. */
  plugins: readonly ConfigManagementPlugin[];
  /** The repository tree the app directory is in: the plugin gets a copy of all of it. */
  treeRoot: string;
  env: readonly BuildEnvEntry[];
  /** Per command (init, generate, discovery, parameters); the process is killed after it. */
  timeoutMs: number;
  /** Per command's standard output. */
  maxOutputBytes: number;
  workDir?: string;
}

const FIELD = 'spec.source.plugin';

function configured(plugins: readonly ConfigManagementPlugin[]): string {
  return plugins.length === 0
    ? 'no plugin is configured (BERTH_PLUGINS_DIR)'
    : `configured plugins: ${plugins.map(pluginFullName).join(', ')}`;
}

/**
 * A plugin render's private copy of the repository (Argo CD sends the sidecar a tar of it): the
 * commands run in the app's directory there and may write anything, in the copy only. Files lose
 * their mode bits unless the plugin has `preserveFileMode` (Argo CD: nothing of the repository is
 * executable by default).
 */
class PluginWorkspace {
  private constructor(
    readonly dir: string,
    readonly appDir: string,
  ) {}

  static async create(
    appDir: string,
    context: PluginRenderContext,
    preserveFileMode: boolean,
  ): Promise<PluginWorkspace> {
    const dir = await mkdtemp(join(context.workDir ?? tmpdir(), 'berth-plugin-'));
    try {
      const repo = join(dir, 'repo');
      await copyTree(context.treeRoot, repo, {
        hardLink: false,
        limits: { maxFiles: 100_000, what: 'the repository' },
        ...(preserveFileMode ? {} : { fileMode: 0o644 }),
      });
      const copy = join(repo, relative(context.treeRoot, appDir));
      await mkdir(copy, { recursive: true });
      await mkdir(join(dir, 'home'), { recursive: true });
      return new PluginWorkspace(dir, copy);
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  dispose(): Promise<void> {
    return rm(this.dir, { recursive: true, force: true });
  }
}

/** One command of a plugin, in the workspace's app directory, with the plugin environment only. */
async function runPluginCommand(
  plugin: ConfigManagementPlugin,
  what: string,
  command: PluginCommand | { command: string[]; args?: string[] },
  workspace: PluginWorkspace,
  env: Record<string, string>,
  context: PluginRenderContext,
): Promise<string> {
  const [program, ...rest] = command.command;
  const label = `plugin ${pluginFullName(plugin)} ${what}`;
  try {
    const { stdout } = await runTool(program!, [...rest, ...(command.args ?? [])], {
      cwd: workspace.appDir,
      // Never the worker's own environment (it holds Berth's secrets): PATH to find the plugin's
      // tools, a HOME of its own, and Argo CD's plugin environment.
      env: {
        PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
        HOME: join(workspace.dir, 'home'),
        ...env,
      },
      timeoutMs: context.timeoutMs,
      maxOutputBytes: context.maxOutputBytes,
      label,
    });
    return stdout;
  } catch (err) {
    if (isSourceError(err, 'tool-failed'))
      throw new RenderError('tool-failed', err.message.split(`${workspace.dir}/repo/`).join(''), FIELD);
    return throwAsRenderError(err);
  }
}

/** Whether `plugin`'s discovery matches the source; `undefined` when it has none. */
async function discovers(
  plugin: ConfigManagementPlugin,
  appDir: string,
  context: PluginRenderContext,
  command: (find: string[]) => Promise<string>,
): Promise<boolean | undefined> {
  const rule = discoveryRule(plugin);
  switch (rule.kind) {
    case 'none':
      return undefined;
    case 'command':
      return (await command(rule.command).catch(() => '')).trim() !== '';
    default:
      return matchesFilePattern(rule, appDir, context.treeRoot);
  }
}

/**
 * The plugin Argo CD would use for a source (its DetectConfigManagementPlugin): the named one, which
 * must exist and, if it has discovery rules, match; without a name, the first plugin (by name) whose
 * discovery matches. There is no falling back to helm, kustomize or a directory: no plugin, no render.
 */
async function selectPlugin(
  source: ApplicationSourcePlugin | undefined,
  appDir: string,
  context: PluginRenderContext,
  command: (plugin: ConfigManagementPlugin, find: string[]) => Promise<string>,
): Promise<ConfigManagementPlugin> {
  const name = source?.name;
  if (name) {
    const plugin = context.plugins.find((candidate) => pluginFullName(candidate) === name);
    if (!plugin)
      throw new RenderError(
        'unsupported-source',
        `${FIELD}.name "${name}" is not a configured config management plugin; ${configured(context.plugins)}`,
        `${FIELD}.name`,
      );
    if ((await discovers(plugin, appDir, context, (find) => command(plugin, find))) === false)
      throw new RenderError(
        'unsupported-source',
        `plugin "${name}" does not support this source: its discovery rule does not match spec.source.path`,
        `${FIELD}.name`,
      );
    return plugin;
  }
  for (const plugin of context.plugins) {
    if (await discovers(plugin, appDir, context, (find) => command(plugin, find))) return plugin;
  }
  throw new RenderError(
    'unsupported-source',
    `no config management plugin's discovery rule matches spec.source.path; name the plugin in ${FIELD}.name (${configured(context.plugins)})`,
    FIELD,
  );
}

/**
 * Renders a source with a config management plugin (Argo CD's v2 sidecar plugin, run by the worker):
 * the plugin is selected (selectPlugin), then its `init` and `generate` commands run in a private copy
 * of the repository with the time and output limits, and `generate`'s standard output is the
 * manifests (a YAML or JSON stream).
 */
export async function renderPlugin(
  appDir: string,
  source: ApplicationSourcePlugin | undefined,
  context: PluginRenderContext,
): Promise<{ plugin: string; objects: KubernetesObject[] }> {
  const env = pluginEnvironment(context.env, source);
  const workspaces = new Map<boolean, PluginWorkspace>();
  const workspaceFor = async (plugin: ConfigManagementPlugin): Promise<PluginWorkspace> => {
    const preserve = plugin.spec.preserveFileMode === true;
    let workspace = workspaces.get(preserve);
    if (!workspace) {
      workspace = await PluginWorkspace.create(appDir, context, preserve);
      workspaces.set(preserve, workspace);
    }
    return workspace;
  };
  try {
    const plugin = await selectPlugin(source, appDir, context, async (candidate, find) =>
      runPluginCommand(
        candidate,
        'discovery',
        { command: find },
        await workspaceFor(candidate),
        env,
        context,
      ),
    );
    // A discovery command may have written to its copy: the render gets a fresh one.
    for (const workspace of workspaces.values()) await workspace.dispose();
    workspaces.clear();
    const workspace = await workspaceFor(plugin);
    if (plugin.spec.init) await runPluginCommand(plugin, 'init', plugin.spec.init, workspace, env, context);
    const stdout = await runPluginCommand(plugin, 'generate', plugin.spec.generate, workspace, env, context);
    return {
      plugin: pluginFullName(plugin),
      objects: parseToolOutput(stdout, `plugin ${pluginFullName(plugin)} generate`),
    };
  } finally {
    for (const workspace of workspaces.values()) await workspace.dispose();
  }
}

/**
 * Argo CD's parameter announcements of a plugin for a source (what its UI shows on the Parameters tab):
 * the static ones, then those the `parameters.dynamic` command prints (a JSON list of the same shape),
 * run like `generate`. They are only announcements: a plugin gets the values an Application sets.
 */
export async function pluginParameterAnnouncements(
  plugin: ConfigManagementPlugin,
  appDir: string,
  source: ApplicationSourcePlugin | undefined,
  context: PluginRenderContext,
): Promise<PluginParameterAnnouncement[]> {
  const announcements = [...(plugin.spec.parameters?.static ?? [])];
  const dynamic = plugin.spec.parameters?.dynamic;
  if (!dynamic) return announcements;
  const workspace = await PluginWorkspace.create(appDir, context, plugin.spec.preserveFileMode === true);
  try {
    const stdout = await runPluginCommand(
      plugin,
      'parameters',
      dynamic,
      workspace,
      pluginEnvironment(context.env, source),
      context,
    );
    let parsed: unknown;
    try {
      parsed = JSON.parse(stdout);
    } catch {
      parsed = undefined;
    }
    const valid =
      Array.isArray(parsed) &&
      parsed.every(
        (item) =>
          typeof item === 'object' && item !== null && typeof (item as { name?: unknown }).name === 'string',
      );
    if (!valid)
      throw new RenderError(
        'invalid-manifest',
        `plugin ${pluginFullName(plugin)} parameters.dynamic did not print a JSON list of parameter announcements (each with a name)`,
        FIELD,
      );
    return [...announcements, ...(parsed as PluginParameterAnnouncement[])];
  } finally {
    await workspace.dispose();
  }
}
