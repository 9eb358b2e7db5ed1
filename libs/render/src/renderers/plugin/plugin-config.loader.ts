import {
  formatIssue,
  pluginFullName,
  validateConfigManagementPlugin,
  type ConfigManagementPlugin,
} from '@berth/domain';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseYamlDocuments } from '../../manifest/manifest-parser';

/** The operator's plugin files could not be read as config management plugins; one line per problem. */
export class PluginConfigError extends Error {
  override readonly name = 'PluginConfigError';

  constructor(readonly problems: string[]) {
    super(
      `BERTH_PLUGINS_DIR: invalid config management plugins:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

/** `<dir>/*.yaml`, `<dir>/*.yml` and `<dir>/<plugin>/plugin.yaml` (the sidecar's layout), in name order. */
async function pluginFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  )) {
    const path = join(dir, entry.name);
    if (entry.isFile() && /\.ya?ml$/i.test(entry.name)) files.push(path);
    else if (entry.isDirectory() && (await stat(join(path, 'plugin.yaml')).catch(() => undefined))?.isFile())
      files.push(join(path, 'plugin.yaml'));
  }
  return files;
}

/**
 * Reads the config management plugins an operator declared in `dir` (BERTH_PLUGINS_DIR): one
 * `ConfigManagementPlugin` per file, checked field by field; two plugins with the same
 * `<name>-<version>` are refused. Every problem of every file is reported at once.
 */
export async function loadConfigManagementPlugins(dir: string): Promise<ConfigManagementPlugin[]> {
  const problems: string[] = [];
  const plugins: ConfigManagementPlugin[] = [];
  let files: string[];
  try {
    files = await pluginFiles(dir);
  } catch (err) {
    throw new PluginConfigError([
      `${dir}: cannot list the plugins directory (${(err as NodeJS.ErrnoException).code ?? String(err)}); set BERTH_PLUGINS_DIR to a readable directory`,
    ]);
  }
  const seen = new Map<string, string>();
  for (const file of files) {
    let documents;
    try {
      documents = parseYamlDocuments(await readFile(file, 'utf8'), file);
    } catch (err) {
      problems.push((err as Error).message);
      continue;
    }
    if (documents.length !== 1) {
      problems.push(
        `${file}: holds ${documents.length} documents; write one ConfigManagementPlugin per file`,
      );
      continue;
    }
    const result = validateConfigManagementPlugin(documents[0]!.value);
    if (!result.ok) {
      problems.push(...result.errors.map((issue) => `${file}: ${formatIssue(issue)}`));
      continue;
    }
    const name = pluginFullName(result.plugin);
    const other = seen.get(name);
    if (other) {
      problems.push(
        `${file}: plugin "${name}" is also declared in ${other}; give each plugin its own name or version`,
      );
      continue;
    }
    seen.set(name, file);
    plugins.push(result.plugin);
  }
  if (problems.length > 0) throw new PluginConfigError(problems);
  return plugins.sort((a, b) => (pluginFullName(a) < pluginFullName(b) ? -1 : 1));
}
