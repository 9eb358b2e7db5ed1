import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, loadConfig, type BerthConfig } from './berth-config';
import { parseConfigFile } from './config-file';

type Env = Record<string, string | undefined>;

/** The command line every process that reads BerthConfig takes. */
export interface ProcessArgs {
  /** `--config FILE` (or `--config=FILE`). */
  configFile: string | undefined;
  help: boolean;
  /** Why the command line was refused, with the fix. */
  error: string | undefined;
}

export const PROCESS_ARGS_USAGE = '[--config FILE] [--help]';

/** Reads `--config FILE` and `--help`; anything else is refused (a mistyped flag must not be ignored). */
export function parseProcessArgs(argv: readonly string[]): ProcessArgs {
  const args: ProcessArgs = { configFile: undefined, help: false, error: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg === '--config') {
      const file = argv[i + 1];
      if (file === undefined || file === '' || file.startsWith('-')) {
        args.error = '--config needs a file: --config berth.yaml';
        return args;
      }
      args.configFile = file;
      i++;
    } else if (arg.startsWith('--config=') && arg.length > '--config='.length) {
      args.configFile = arg.slice('--config='.length);
    } else {
      args.error = `unknown argument ${JSON.stringify(arg)}: the only ones are ${PROCESS_ARGS_USAGE} (settings come from the environment and berth.yaml)`;
      return args;
    }
  }
  return args;
}

export interface SettingsSources {
  /** `--config FILE` from the command line, if given. */
  configFile?: string | undefined;
  env?: Env;
  /** Where a relative file path and the default `./berth.yaml` are looked up. */
  cwd?: string;
}

export interface BerthSettings {
  config: BerthConfig;
  /** The file's settings with the environment over them: what the process's own checks read (LOG_LEVEL). */
  env: Env;
  /** The absolute path of the `berth.yaml` read, if any. */
  file: string | undefined;
  /** Advice for the operator (a file holding secrets that others may read); no values in it. */
  warnings: string[];
}

/**
 * BerthConfig from a `berth.yaml` and the environment, the environment winning (a variable that is set
 * and not empty replaces the file's value). The file is `--config FILE`, else `BERTH_SERVER_CONFIG`, else
 * `./berth.yaml` when it exists. Throws ConfigError with one line per problem: an unreadable file, an
 * unknown key, a value of the wrong type, and every problem `loadConfig` finds, named by the file key
 * when the value came from the file.
 */
export function loadBerthSettings(sources: SettingsSources = {}): BerthSettings {
  const env = sources.env ?? process.env;
  const cwd = sources.cwd ?? process.cwd();
  const explicit = sources.configFile ?? (env['BERTH_SERVER_CONFIG'] || undefined);
  const source = sources.configFile ? '--config' : 'BERTH_SERVER_CONFIG';
  const file = explicit
    ? resolve(cwd, explicit)
    : existsSync(resolve(cwd, 'berth.yaml'))
      ? resolve(cwd, 'berth.yaml')
      : undefined;
  const problems: string[] = [];
  const warnings: string[] = [];
  let fromFile: ReturnType<typeof parseConfigFile> | undefined;
  if (file) {
    let text: string | undefined;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT'
          ? 'no such file'
          : code === 'EACCES'
            ? 'permission denied'
            : code === 'EISDIR'
              ? 'a directory'
              : String(code);
      problems.push(
        explicit
          ? `${source} ${explicit}: cannot read ${file} (${why}); give an existing berth.yaml (berth.yaml.example lists every key)`
          : `${file}: cannot read it (${why}); fix it or remove it`,
      );
    }
    if (text !== undefined) {
      fromFile = parseConfigFile(text, file, problems);
      const mode = statSync(file).mode & 0o777;
      if (fromFile.secretKeys.length > 0 && (mode & 0o077) !== 0) {
        warnings.push(
          `${file} holds secrets (${fromFile.secretKeys.join(', ')}) and others may read it (mode ${mode.toString(8)}): chmod 600 ${file}`,
        );
      }
    }
  }
  const merged: Env = { ...fromFile?.env };
  for (const [key, value] of Object.entries(env)) if (nonEmpty(value)) merged[key] = value;
  // Every problem at once: the file's own, then those of the values (a bad one from the file named by
  // the file's key: that is where the fix goes).
  try {
    const config = loadConfig(merged);
    if (problems.length > 0) throw new ConfigError(problems);
    return { config, env: merged, file, warnings };
  } catch (error) {
    if (!(error instanceof ConfigError) || error.problems === problems) throw error;
    const named = error.problems.map((problem) => {
      const variable = /^([A-Z][A-Z0-9_]*):/.exec(problem)?.[1];
      const key = variable && !nonEmpty(env[variable]) ? fromFile?.keyOf.get(variable) : undefined;
      return key ? `${file}: ${key} (${variable})${problem.slice(variable?.length ?? 0)}` : problem;
    });
    throw new ConfigError([...problems, ...named]);
  }
}

function nonEmpty(value: string | undefined): boolean {
  return value !== undefined && value !== '';
}
