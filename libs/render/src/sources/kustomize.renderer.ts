import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseToolOutput } from '../manifest/manifest-parser';
import { RenderError } from '../render.error';
import type { ApplicationSourceKustomize, KubernetesObject } from '../source.types';
import type { KustomizeCommand } from '../tools/tool-locator';
import { runTool } from '../tools/run-tool';
import { applyKustomizeOptions } from './kustomization.editor';
import { KUSTOMIZATION_FILE_NAMES } from './source-type.detector';

export interface KustomizeRenderOptions {
  kustomize: KustomizeCommand | undefined;
  timeoutMs: number;
  maxOutputBytes: number;
}

/**
 * Runs `kustomize build` (or `kubectl kustomize`) on `appDir`, after writing the spec's
 * kustomize options into its kustomization file. With options (`hasKustomizeOverrides`),
 * `appDir` must be inside a private, throwaway tree (GitMirrorCache.withTree), since the file
 * is edited in place; without, a shared read-only tree (withSharedTree) is fine.
 * A failing build reports kustomize's own reason.
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
  const fileName = KUSTOMIZATION_FILE_NAMES.find((name) => existsSync(join(appDir, name)));
  if (!fileName) {
    throw new RenderError(
      'path-not-found',
      'spec.source.path has no kustomization.yaml, kustomization.yml or Kustomization file',
      'spec.source.path',
    );
  }
  if (options && hasKustomizeOverrides(options)) {
    const path = join(appDir, fileName);
    await writeFile(path, applyKustomizeOptions(await readFile(path, 'utf8'), options));
  }
  const label = run.kustomize.standalone ? 'kustomize build' : 'kubectl kustomize';
  const { stdout } = await runTool(run.kustomize.command, [...run.kustomize.buildArgs, appDir], {
    cwd: appDir,
    timeoutMs: run.timeoutMs,
    maxOutputBytes: run.maxOutputBytes,
    label,
  });
  return parseToolOutput(stdout, label);
}

/** True when rendering edits the kustomization file, so the tree must be a private copy. */
export function hasKustomizeOverrides(options: ApplicationSourceKustomize): boolean {
  return Boolean(
    options.images?.length ||
    options.namePrefix ||
    options.nameSuffix ||
    options.namespace ||
    options.replicas?.length ||
    Object.keys(options.commonLabels ?? {}).length ||
    Object.keys(options.commonAnnotations ?? {}).length,
  );
}
