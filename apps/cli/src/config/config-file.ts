import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { type CliConfig, configOf, EMPTY_CONFIG } from './cli-config';

/** `--config`, else `BERTH_CONFIG`, else `~/.config/berth/config` (Argo CD's is ~/.config/argocd/config). */
export function configPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag || env['BERTH_CONFIG'] || join(homedir(), '.config', 'berth', 'config');
}

export async function readConfig(path: string): Promise<CliConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_CONFIG;
    throw new Error(`cannot read the config file ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return configOf(parse(text));
  } catch (error) {
    throw new Error(
      `the config file ${path} is not valid YAML (${(error as Error).message}): fix or delete it`,
      { cause: error },
    );
  }
}

/**
 * Writes the file with mode 0600 (it holds tokens), through a temporary file and a rename, so a crash
 * never leaves half a config behind.
 */
export async function writeConfig(path: string, config: CliConfig): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, stringify(config), { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}
