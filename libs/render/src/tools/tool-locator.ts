import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { RenderError } from '../render.error';

const execFileAsync = promisify(execFile);

/** How to run kustomize: the standalone binary, or `kubectl kustomize` (no `edit` subcommand). */
export interface KustomizeCommand {
  command: string;
  /** Arguments placed before the kustomization directory (`['build']` or `['kustomize']`). */
  buildArgs: string[];
  standalone: boolean;
}

export interface ToolPaths {
  helm?: string;
  kubectl?: string;
  kustomize?: KustomizeCommand;
  /** The jsonnet interpreter (Debian's `jsonnet`, C++). */
  jsonnet?: string;
  /** util-linux `prlimit`, to cap a tool's memory (jsonnet); tools run without the cap when it is missing. */
  prlimit?: string;
}

export interface ToolVersions {
  helm: string;
  kustomize: string;
  kubectl: string;
  jsonnet: string;
}

export interface FindToolsOptions {
  env?: NodeJS.ProcessEnv;
  /** Directory holding the project's pinned binaries; default `<repo root>/.tools/bin`. */
  toolsDir?: string;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The checkout root: the nearest ancestor of the working directory that has `.tools/bin`. */
export function defaultToolsDir(start: string = process.cwd()): string | undefined {
  let dir = start;
  for (let depth = 0; depth < 32; depth++) {
    const candidate = join(dir, '.tools', 'bin');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Finds helm, kubectl, kustomize and jsonnet. Order: the `HELM_PATH` / `KUBECTL_PATH` /
 * `KUSTOMIZE_PATH` / `JSONNET_BIN_PATH` environment variables (not `JSONNET_PATH`: jsonnet reads that
 * one as its library path), then the project's pinned `.tools/bin` (what `npm run tools` installs,
 * so renders match CI and the golden files), then `PATH`. `.tools` wins over `PATH` on purpose:
 * a machine's older kubectl embeds an older kustomize whose output differs.
 * Without a standalone kustomize, kustomize is `kubectl kustomize`.
 */
export function findTools(options: FindToolsOptions = {}): ToolPaths {
  const env = options.env ?? process.env;
  const toolsDir = options.toolsDir ?? defaultToolsDir();
  const locate = (name: string, envVar: string): string | undefined => {
    const fromEnv = env[envVar];
    if (fromEnv) {
      if (!isExecutable(fromEnv)) {
        throw new RenderError(
          'tool-not-found',
          `${envVar}=${fromEnv} is not an executable file; fix or unset it`,
        );
      }
      return fromEnv;
    }
    if (toolsDir) {
      const pinned = join(toolsDir, name);
      if (isExecutable(pinned)) return pinned;
    }
    return onPath(name, env);
  };
  const helm = locate('helm', 'HELM_PATH');
  const kubectl = locate('kubectl', 'KUBECTL_PATH');
  const kustomizeBinary = locate('kustomize', 'KUSTOMIZE_PATH');
  let kustomize: KustomizeCommand | undefined;
  if (kustomizeBinary) kustomize = { command: kustomizeBinary, buildArgs: ['build'], standalone: true };
  else if (kubectl) kustomize = { command: kubectl, buildArgs: ['kustomize'], standalone: false };
  const jsonnet = locate('jsonnet', 'JSONNET_BIN_PATH');
  const prlimit = onPath('prlimit', env) ?? ['/usr/bin/prlimit', '/bin/prlimit'].find(isExecutable);
  return { helm, kubectl, kustomize, jsonnet, prlimit };
}

async function firstLine(command: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, args, { timeout: 20_000 });
    return stdout.trim().split('\n')[0] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

async function probeVersions(tools: ToolPaths): Promise<ToolVersions> {
  const helm = tools.helm
    ? await firstLine(tools.helm, ['version', '--template', '{{.Version}}'])
    : 'missing';
  let kubectl = 'missing';
  let embeddedKustomize = 'missing';
  if (tools.kubectl) {
    try {
      const { stdout } = await execFileAsync(tools.kubectl, ['version', '--client', '-o', 'json'], {
        timeout: 20_000,
      });
      const parsed = JSON.parse(stdout) as {
        clientVersion?: { gitVersion?: string };
        kustomizeVersion?: string;
      };
      kubectl = parsed.clientVersion?.gitVersion ?? 'unknown';
      embeddedKustomize = parsed.kustomizeVersion ?? 'unknown';
    } catch {
      kubectl = 'unknown';
    }
  }
  let kustomize = 'missing';
  if (tools.kustomize?.standalone) kustomize = await firstLine(tools.kustomize.command, ['version']);
  else if (tools.kustomize) kustomize = embeddedKustomize;
  // "Jsonnet commandline interpreter v0.18.0"
  const jsonnet = tools.jsonnet
    ? (/v\d+\.\d+\.\d+\S*/.exec(await firstLine(tools.jsonnet, ['--version']))?.[0] ?? 'unknown')
    : 'missing';
  return { helm, kustomize, kubectl, jsonnet };
}

const versionCache = new Map<string, Promise<ToolVersions>>();

/**
 * Versions of the tools `findTools` picks, probed once per process (each probe is a process
 * start). They go into /readyz and into the manifest cache key, so a tool upgrade re-renders.
 */
export function toolVersions(tools: ToolPaths = findTools()): Promise<ToolVersions> {
  const key = JSON.stringify(tools);
  let cached = versionCache.get(key);
  if (!cached) {
    cached = probeVersions(tools);
    versionCache.set(key, cached);
  }
  return cached;
}
