import type { KubeObject } from '../diff/kube-object';
import { HELM_HOOK_WEIGHT_ANNOTATION, HOOK_ANNOTATION } from './hook';

export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
/** Pause between waves so controllers can react (ARGOCD_SYNC_WAVE_DELAY default). */
export const SYNC_WAVE_DELAY_MS = 2000;

/** The resource's wave: its sync-wave annotation, else a Helm hook's weight, else 0 (as gitops-engine; unparsable -> 0). */
export function syncWave(obj: KubeObject): number {
  const ann = obj.metadata.annotations ?? {};
  const text =
    ann[SYNC_WAVE_ANNOTATION] ?? (HOOK_ANNOTATION in ann ? undefined : ann[HELM_HOOK_WEIGHT_ANNOTATION]);
  if (text === undefined) return 0;
  const n = Number(text.trim());
  return Number.isInteger(n) ? n : 0;
}
