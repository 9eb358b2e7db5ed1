import type { KubeObject } from '../diff/kube-object';
import { HELM_HOOK_WEIGHT_ANNOTATION } from './hook';

export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
/** Pause between waves so controllers can react (ARGOCD_SYNC_WAVE_DELAY default). */
export const SYNC_WAVE_DELAY_MS = 2000;

/**
 * The resource's wave, as gitops-engine's syncwaves.Wave: its sync-wave annotation when that parses as an
 * integer, else Helm's hook weight (whatever hook annotation it has, Argo CD's included), else 0.
 */
export function syncWave(obj: KubeObject): number {
  const ann = obj.metadata.annotations ?? {};
  return parseGoInt(ann[SYNC_WAVE_ANNOTATION]) ?? parseGoInt(ann[HELM_HOOK_WEIGHT_ANNOTATION]) ?? 0;
}

/** Go's strconv.Atoi: an optional sign and decimal digits, nothing else (no spaces, no exponent). */
function parseGoInt(text: string | undefined): number | undefined {
  if (text === undefined || !/^[+-]?\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}
