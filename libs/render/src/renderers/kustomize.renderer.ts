import { runTool } from '@berth/sources';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseToolOutput } from '../manifest/manifest-parser';
import { RenderError, throwAsRenderError } from '../render.error';
import type { ApplicationSourceKustomize, KubernetesObject } from '../source.types';
import { resolveInside } from '../safety/path-guard';
import type { KustomizeCommand } from '../tools/tool-locator';
import type { BuildEnvEntry } from './build-environment';
import { applyKustomizeOptions } from './kustomization.editor';
import { KustomizeWorkspace, type RemoteBases } from './kustomize-workspace';
import { KUSTOMIZATION_FILE_NAMES } from './source-type.detector';

export interface KustomizeRenderOptions {
  kustomize: KustomizeCommand | undefined;
  timeoutMs: number;
  maxOutputBytes: number;
  /** The repository tree `appDir` is in: nothing the build loads may leave it. */
  treeRoot: string;
  /** Where the per-render workspace goes (never the data dir). Default the OS temp dir. */
  workDir?: string;
  /** Remote bases the project permits, fetched through Berth's repository layer; none when absent. */
  remoteBases?: RemoteBases;
  /** Argo CD's build environment (images, labels, annotations with commonAnnotationsEnvsubst). */
  env?: readonly BuildEnvEntry[];
  /** The installed kustomize's version (`v5.7.1`): `kustomize.version` must name it. */
  kustomizeVersion?: string;
}

/**
 * kustomize runs with no `git` on its PATH and its HTTP(S) proxy set to a closed local port: the
 * kustomization graph was walked and every remote reference refused or replaced by a local copy
 * (kustomization-graph.ts), so a clone or a fetch kustomize still tried would come from a field the
 * walk does not know, and fails instead of reaching the network (169.254.169.254) or the worker's disk.
 */
function isolatedEnv(home: string): NodeJS.ProcessEnv {
  const closed = 'http://127.0.0.1:9';
  return {
    PATH: '',
    HOME: home,
    HTTP_PROXY: closed,
    HTTPS_PROXY: closed,
    http_proxy: closed,
    https_proxy: closed,
  };
}

/**
 * Runs `kustomize build` (or `kubectl kustomize`) on a per-render workspace holding only the
 * kustomization graph of `appDir` (KustomizeWorkspace), after writing the spec's kustomize options into
 * its kustomization file there. The load restrictor stays at kustomize's default (root only); no
 * `--enable-helm`, no plugins. A failing build reports kustomize's own reason.
 */
export async function renderKustomize(
  appDir: string,
  options: ApplicationSourceKustomize | undefined,
  run: KustomizeRenderOptions,
): Promise<KubernetesObject[]> {
  if (!run.kustomize) {
    throw new RenderError(
      'tool-not-found',
      'neither kustomize nor kubectl was found; run `npm run tools` or set KUSTOMIZE_PATH / KUBECTL_PATH',
    );
  }
  if (!KUSTOMIZATION_FILE_NAMES.some((name) => existsSync(join(appDir, name)))) {
    throw new RenderError(
      'path-not-found',
      'spec.source.path has no kustomization.yaml, kustomization.yml or Kustomization file',
      'spec.source.path',
    );
  }
  assertKustomizeVersion(options?.version, run.kustomizeVersion);
  const fileName = KUSTOMIZATION_FILE_NAMES.find((name) => existsSync(join(appDir, name)))!;
  let edited: string | undefined;
  if (options && hasKustomizeOverrides(options)) {
    const components = await foundComponents(appDir, run.treeRoot, options);
    edited = applyKustomizeOptions(await readFile(join(appDir, fileName), 'utf8'), options, {
      env: run.env ?? [],
      components,
    });
  }
  const workspace = await KustomizeWorkspace.create(run.workDir, run.remoteBases);
  try {
    const dir = await workspace.prepare(appDir, run.treeRoot, edited);
    const label = run.kustomize.standalone ? 'kustomize build' : 'kubectl kustomize';
    const { stdout } = await runTool(run.kustomize.command, [...run.kustomize.buildArgs, dir], {
      cwd: dir,
      env: isolatedEnv(workspace.dir),
      timeoutMs: run.timeoutMs,
      maxOutputBytes: run.maxOutputBytes,
      label,
    }).catch(throwAsRenderError);
    return parseToolOutput(stdout, label);
  } finally {
    await workspace.dispose();
  }
}

/** True when rendering edits the kustomization file. */
export function hasKustomizeOverrides(options: ApplicationSourceKustomize): boolean {
  return Boolean(
    options.images?.length ||
    options.namePrefix ||
    options.nameSuffix ||
    options.namespace ||
    options.replicas?.length ||
    Object.keys(options.commonLabels ?? {}).length ||
    Object.keys(options.commonAnnotations ?? {}).length ||
    options.patches?.length ||
    options.components?.length,
  );
}

/**
 * Argo CD picks a kustomize binary by `version` among those its operator configured; a worker has one
 * kustomize, so a version naming another one is refused rather than silently built with this one.
 */
function assertKustomizeVersion(wanted: string | undefined, installed: string | undefined): void {
  // An installed version that could not be read ("unknown") is not held against the spec.
  if (!wanted || !installed || !/^v?\d/.test(installed)) return;
  const normalize = (version: string) => version.replace(/^v/, '');
  if (normalize(wanted) === normalize(installed)) return;
  throw new RenderError(
    'unsupported-source',
    `spec.source.kustomize.version "${wanted}" is not installed: this worker builds with kustomize ${installed}; remove version or set it to ${installed}`,
    'spec.source.kustomize.version',
  );
}

/**
 * The spec's components that exist (Argo CD's ignoreMissingComponents leaves the others out; without
 * it a missing one is refused here, naming it). Each resolves inside the repository, from the app.
 */
async function foundComponents(
  appDir: string,
  treeRoot: string,
  options: ApplicationSourceKustomize,
): Promise<string[]> {
  const found: string[] = [];
  for (const [i, component] of (options.components ?? []).entries()) {
    const field = `spec.source.kustomize.components[${i}]`;
    const dir = await resolveInside(treeRoot, appDir, component, field);
    if ((await stat(dir).catch(() => undefined))?.isDirectory()) found.push(component);
    else if (!options.ignoreMissingComponents)
      throw new RenderError(
        'path-not-found',
        `${field} "${component}" is not a directory at this revision; fix the path or set ignoreMissingComponents`,
        field,
      );
  }
  return found;
}
