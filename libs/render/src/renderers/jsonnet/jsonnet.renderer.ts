import { isJsonnetIdentifier } from '@berth/domain';
import { excessiveYamlNesting, isSourceError, runTool } from '@berth/sources';
import { relative, sep } from 'node:path';
import { isKubernetesObject, unpackLists } from '../../manifest/manifest-parser';
import { RenderError, throwAsRenderError } from '../../render.error';
import { resolveInside } from '../../safety/path-guard';
import type { ApplicationSourceJsonnet, KubernetesObject } from '../../source.types';
import { envsubst, type BuildEnvEntry } from '../build-environment';
import { JsonnetWorkspace, type JsonnetVariable } from './jsonnet-workspace';

/** How Jsonnet sources of a directory render run (ManifestRenderer fills it in). */
export interface JsonnetRenderContext {
  /** The jsonnet interpreter; undefined when it is not installed. */
  jsonnet: string | undefined;
  /** `prlimit`, to cap jsonnet's memory; without it only the time and output limits apply. */
  prlimit?: string;
  /** The repository tree the app directory is in. */
  treeRoot: string;
  /** Argo CD's build environment: `$ARGOCD_APP_NAME` ... in variable values are replaced. */
  env: readonly BuildEnvEntry[];
  timeoutMs: number;
  maxOutputBytes: number;
  /** Address space for one jsonnet run. Default 1 GiB. */
  maxMemoryBytes?: number;
  workDir?: string;
}

const FIELD = 'spec.source.directory.jsonnet';
const DEFAULT_MEMORY = 1024 * 1024 * 1024;

function relPath(root: string, path: string): string {
  return relative(root, path).split(sep).join('/') || '.';
}

/** The variables of `spec.source.directory.jsonnet`, names checked and values substituted. */
function variablesOf(
  jsonnet: ApplicationSourceJsonnet | undefined,
  kind: 'extVars' | 'tlas',
  env: readonly BuildEnvEntry[],
): JsonnetVariable[] {
  return (jsonnet?.[kind] ?? []).map((variable, i) => {
    const field = `${FIELD}.${kind}[${i}]`;
    if (!isJsonnetIdentifier(variable.name)) {
      throw new RenderError(
        'invalid-argument',
        `${field}.name "${variable.name}" is not a Jsonnet identifier (letters, digits and "_", not starting with a digit)`,
        `${field}.name`,
      );
    }
    return {
      name: variable.name,
      value: envsubst(env, variable.value ?? ''),
      code: variable.code === true,
      field,
    };
  });
}

/**
 * Prepares the Jsonnet files of a directory source for evaluation: `libs` resolved inside the
 * repository, the variables, and the confined workspace (JsonnetWorkspace). Dispose it after use.
 */
export async function prepareJsonnet(
  appDir: string,
  files: readonly string[],
  jsonnet: ApplicationSourceJsonnet | undefined,
  context: JsonnetRenderContext,
): Promise<JsonnetWorkspace> {
  if (!context.jsonnet) {
    throw new RenderError(
      'tool-not-found',
      'jsonnet was not found; install it (Debian: apt-get install jsonnet) or set JSONNET_BIN_PATH',
    );
  }
  const libs: string[] = [];
  for (const [i, lib] of (jsonnet?.libs ?? []).entries()) {
    // Argo CD: library paths are relative to the repository root, not to the app directory.
    libs.push(await resolveInside(context.treeRoot, context.treeRoot, lib, `${FIELD}.libs[${i}]`));
  }
  return JsonnetWorkspace.create({
    treeRoot: context.treeRoot,
    appDir,
    files,
    libs,
    extVars: variablesOf(jsonnet, 'extVars', context.env),
    tlas: variablesOf(jsonnet, 'tlas', context.env),
    ...(context.workDir ? { workDir: context.workDir } : {}),
  });
}

/**
 * Evaluates one `.jsonnet` file as Argo CD does (`vm.EvaluateFile`): the library paths are the app
 * directory and `libs`, the variables come from files, and flags end with `--`. jsonnet runs with an
 * empty environment (no `JSONNET_PATH`), in the workspace, under the time, output and memory limits.
 */
export async function evaluateJsonnet(
  workspace: JsonnetWorkspace,
  file: string,
  context: JsonnetRenderContext,
): Promise<KubernetesObject[]> {
  const shown = relPath(context.treeRoot, file);
  const args = [...workspace.arguments, '--', workspace.place(file)];
  const memory = context.maxMemoryBytes ?? DEFAULT_MEMORY;
  const [command, commandArgs] = context.prlimit
    ? [context.prlimit, [`--as=${memory}`, '--', context.jsonnet!, ...args]]
    : [context.jsonnet!, args];
  let stdout: string;
  try {
    ({ stdout } = await runTool(command, commandArgs, {
      cwd: workspace.dir,
      env: { PATH: '' },
      timeoutMs: context.timeoutMs,
      maxOutputBytes: context.maxOutputBytes,
      label: `jsonnet ${shown}`,
    }));
  } catch (err) {
    if (!isSourceError(err, 'tool-failed')) throwAsRenderError(err);
    const message = workspace.showPaths(err.message);
    throw new RenderError(
      'tool-failed',
      /memory allocation error/.test(message)
        ? `jsonnet ${shown} needed more than ${memory} bytes of memory and was stopped; simplify the program`
        : message,
      'spec.source.path',
    );
  }
  return jsonnetOutputObjects(stdout, shown);
}

/**
 * The objects of a Jsonnet program's output, as Argo CD reads it: an array of objects (null entries
 * skipped) or a single object; `List` kinds are unpacked like any manifest. Anything else (a string, a
 * number, an object without apiVersion and kind) is an error naming the file.
 */
export function jsonnetOutputObjects(output: string, file: string): KubernetesObject[] {
  const tooDeep = excessiveYamlNesting(output, `jsonnet ${file}`);
  if (tooDeep) throw new RenderError('manifest-too-complex', tooDeep, 'spec.source.path');
  let value: unknown;
  try {
    value = JSON.parse(output);
  } catch (err) {
    throw new RenderError('invalid-manifest', `jsonnet ${file} did not print JSON`, 'spec.source.path', {
      cause: err,
    });
  }
  const values = Array.isArray(value) ? (value as unknown[]) : [value];
  const objects: KubernetesObject[] = [];
  for (const [i, item] of values.entries()) {
    if (item === null && Array.isArray(value)) continue;
    if (!isKubernetesObject(item)) {
      const what = Array.isArray(value) ? `element ${i} of its array` : 'its result';
      throw new RenderError(
        'invalid-manifest',
        `${file}: ${what} is not a Kubernetes object (no apiVersion and kind); a Jsonnet source evaluates to an object or an array of objects`,
        'spec.source.path',
      );
    }
    objects.push(item);
  }
  return unpackLists(objects);
}
