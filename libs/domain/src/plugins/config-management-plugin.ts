import {
  boolean,
  checkObject,
  isPlainObject,
  listOf,
  object,
  quote,
  string,
  stringMap,
  type FieldCheck,
} from '../application/field-checks';
import { childPath, IssueCollector, type Issue } from '../application/validation-issue';

/**
 * Argo CD's v2 config management plugin (`ConfigManagementPlugin`, the sidecar's plugin.yaml), as an
 * operator declares it for Berth: a file in the plugins directory (BERTH_PLUGINS_DIR). Commands come from
 * the operator only, never from an Application.
 */
export interface PluginCommand {
  command: string[];
  args?: string[];
}

export interface PluginParameterAnnouncement {
  name: string;
  title?: string;
  tooltip?: string;
  required?: boolean;
  itemType?: string;
  collectionType?: string;
  string?: string;
  array?: string[];
  map?: Record<string, string>;
}

export interface ConfigManagementPlugin {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: 'ConfigManagementPlugin';
  metadata: { name: string };
  spec: {
    version?: string;
    init?: PluginCommand;
    generate: PluginCommand;
    discover?: { fileName?: string; find?: { glob?: string; command?: string[] } };
    parameters?: { static?: PluginParameterAnnouncement[]; dynamic?: PluginCommand };
    preserveFileMode?: boolean;
  };
}

/** `<metadata.name>-<spec.version>`, or `<metadata.name>` without a version: what `spec.source.plugin.name` names. */
export function pluginFullName(plugin: ConfigManagementPlugin): string {
  return plugin.spec.version ? `${plugin.metadata.name}-${plugin.spec.version}` : plugin.metadata.name;
}

const PLUGIN_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

const nonEmptyArgv: FieldCheck = (value, path, issues) => {
  listOf(string())(value, path, issues);
  if (Array.isArray(value) && value.length === 0)
    issues.error(path, 'is empty', 'give the program to run and its arguments, e.g. [sh, -c]');
};

const command = object({
  fields: { command: nonEmptyArgv, args: listOf(string()) },
  required: { command: 'give the program to run, e.g. [sh, -c]' },
});

const announcement = object({
  fields: {
    name: string(),
    title: string(),
    tooltip: string(),
    required: boolean,
    itemType: string(),
    collectionType: string((text, path, issues) => {
      if (!['', 'string', 'array', 'map'].includes(text))
        issues.error(path, `${quote(text)} is not a collection type`, 'use string, array or map');
    }),
    string: string(),
    array: listOf(string()),
    map: stringMap,
  },
  required: { name: 'name the parameter' },
});

const pluginShape = {
  fields: {
    apiVersion: string((text, path, issues) => {
      if (text !== 'argoproj.io/v1alpha1')
        issues.error(path, `expected "argoproj.io/v1alpha1", got ${quote(text)}`, 'use argoproj.io/v1alpha1');
    }),
    kind: string((text, path, issues) => {
      if (text !== 'ConfigManagementPlugin')
        issues.error(path, `expected "ConfigManagementPlugin", got ${quote(text)}`);
    }),
    metadata: object({
      fields: {
        name: string((text, path, issues) => {
          if (!PLUGIN_NAME.test(text))
            issues.error(
              path,
              `${quote(text)} is not a plugin name`,
              'use lowercase letters, digits, "-" and "."',
            );
        }),
      },
      required: { name: 'name the plugin' },
    }),
    spec: object({
      fields: {
        version: string((text, path, issues) => {
          if (!VERSION.test(text))
            issues.error(
              path,
              `${quote(text)} is not a version`,
              'use letters, digits, ".", "_" and "-", e.g. v1.0',
            );
        }),
        init: command,
        generate: command,
        discover: object({
          fields: {
            fileName: string(),
            find: object({ fields: { glob: string(), command: nonEmptyArgv } }),
          },
        }),
        parameters: object({ fields: { static: listOf(announcement), dynamic: command } }),
        preserveFileMode: boolean,
        provideGitCreds: boolean,
        lockRepo: boolean,
      },
      required: { generate: 'give the command that prints the manifests' },
      rules: (spec, path, issues) => {
        if (spec.provideGitCreds === true)
          issues.error(
            childPath(path, 'provideGitCreds'),
            'is not supported: Berth never hands repository credentials to a plugin',
            'remove it; a plugin that needs other repositories reads them with its own credentials',
          );
      },
    }),
  },
  required: {
    apiVersion: 'set apiVersion: argoproj.io/v1alpha1',
    kind: 'set kind: ConfigManagementPlugin',
    metadata: 'set metadata.name',
    spec: 'set spec.generate',
  },
};

export type ConfigManagementPluginResult =
  | { ok: true; plugin: ConfigManagementPlugin; warnings: Issue[] }
  | { ok: false; errors: Issue[]; warnings: Issue[] };

/** Checks a parsed plugin.yaml; every problem at once, with its field path. */
export function validateConfigManagementPlugin(input: unknown): ConfigManagementPluginResult {
  const issues = new IssueCollector();
  checkObject(input, '', issues, pluginShape);
  if (issues.errors.length > 0 || !isPlainObject(input))
    return { ok: false, errors: issues.errors, warnings: issues.warnings };
  return { ok: true, plugin: input as unknown as ConfigManagementPlugin, warnings: issues.warnings };
}

/**
 * The Application check that needs the configured plugins: every `plugin.name` a source gives names one
 * of them (`<name>-<version>` or `<name>`), and a `plugin` block needs at least one plugin configured.
 */
export function checkPluginNames(
  sources: readonly { path: string; source: unknown }[],
  configured: readonly string[],
  issues: IssueCollector,
): void {
  const listed = configured.length > 0 ? configured.map((name) => quote(name)).join(', ') : undefined;
  for (const { path, source } of sources) {
    if (!isPlainObject(source) || !isPlainObject(source.plugin)) continue;
    const name = source.plugin.name;
    const namePath = childPath(childPath(path, 'plugin'), 'name');
    if (listed === undefined) {
      issues.error(
        childPath(path, 'plugin'),
        'no config management plugin is configured on this Berth',
        'ask the operator to declare the plugin (BERTH_PLUGINS_DIR), or render the source with helm, kustomize or directory',
      );
    } else if (typeof name === 'string' && name !== '' && !configured.includes(name)) {
      issues.error(namePath, `${quote(name)} is not a configured plugin`, `use one of ${listed}`);
    }
  }
}
