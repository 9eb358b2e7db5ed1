import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RenderError } from '../render.error';
import type { ApplicationSource, SourceType } from '../source.types';

export const KUSTOMIZATION_FILE_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

/** True when the spec says how to render the source (a tool block or a chart): nothing is guessed then. */
export function hasExplicitSourceType(source: ApplicationSource): boolean {
  return Boolean(source.helm || source.kustomize || source.directory || source.plugin || source.chart);
}

/**
 * Picks how to render a source, as Argo CD's repo-server does: an explicit `helm`,
 * `kustomize`, `directory` or `plugin` block wins (more than one is an error; a `plugin` block is
 * never guessed away from); otherwise the files at the top of `path` decide: a kustomization file ->
 * Kustomize, `Chart.yaml` -> Helm, else Directory. (Argo CD's discovery lets a kustomization win when
 * both exist.) Config management plugins that discover a source by its files are checked before this,
 * by the renderer, as Argo CD does.
 */
export function detectSourceType(source: ApplicationSource, appDir: string): SourceType {
  const explicit: SourceType[] = [];
  if (source.helm) explicit.push('Helm');
  if (source.kustomize) explicit.push('Kustomize');
  if (source.directory) explicit.push('Directory');
  if (source.plugin) explicit.push('Plugin');
  if (explicit.length > 1) {
    throw new RenderError(
      'unsupported-source',
      `spec.source sets ${explicit.map((type) => type.toLowerCase()).join(' and ')} options; keep only the one matching the source`,
      'spec.source',
    );
  }
  if (explicit[0]) return explicit[0];
  if (source.chart) return 'Helm';
  if (KUSTOMIZATION_FILE_NAMES.some((name) => existsSync(join(appDir, name)))) return 'Kustomize';
  if (existsSync(join(appDir, 'Chart.yaml'))) return 'Helm';
  return 'Directory';
}
