import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RenderError } from '../render.error';
import type { ApplicationSource, SourceType } from '../source.types';

export const KUSTOMIZATION_FILE_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

/**
 * Picks how to render a source, as Argo CD's repo-server does: an explicit `helm`,
 * `kustomize` or `directory` block wins (more than one is an error); otherwise the files at
 * the top of `path` decide: a kustomization file -> Kustomize, `Chart.yaml` -> Helm, else
 * Directory. (Argo CD's discovery lets a kustomization win when both exist.)
 */
export function detectSourceType(source: ApplicationSource, appDir: string): SourceType {
  const explicit: SourceType[] = [];
  if (source.helm) explicit.push('Helm');
  if (source.kustomize) explicit.push('Kustomize');
  if (source.directory) explicit.push('Directory');
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
