import type { DiffChange } from './diff-change';
import { getAt } from './field-path';
import { type KubeObject } from './kube-object';
import { cloneJson, isPlainObject } from './json-value';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const MASK = '++++++++';
const MASK_CHANGED = '+++++++++';

/**
 * Replaces every Secret `data`/`stringData` value with a mask, the way Argo CD hides secret data:
 * a key whose values are equal on both sides gets the same mask, a key that differs gets a
 * longer mask on the live side, so a change stays visible without leaking any value.
 * Non-Secret objects come back unchanged (copied).
 */
export function maskSecrets<T extends KubeObject | undefined>(
  desired: T,
  live: KubeObject | undefined,
): { desired: T; live: KubeObject | undefined } {
  const d = cloneJson(desired);
  const l = cloneJson(live);
  const subject = d ?? l;
  if (!subject || subject.kind !== 'Secret' || subject.apiVersion !== 'v1') return { desired: d, live: l };
  for (const field of ['data', 'stringData'] as const) {
    const dm = d && isPlainObject(d[field]) ? d[field] : undefined;
    const lm = l && isPlainObject(l[field]) ? l[field] : undefined;
    const keys = new Set([...Object.keys(dm ?? {}), ...Object.keys(lm ?? {})]);
    for (const key of keys) {
      const same = dm?.[key] === lm?.[key];
      if (dm && key in dm) dm[key] = MASK;
      if (lm && key in lm) lm[key] = same ? MASK : MASK_CHANGED;
    }
  }
  // The last-applied annotation carries the whole Secret in clear text (CVE-2023-40029).
  for (const obj of [d, l]) {
    const ann = obj?.metadata.annotations;
    if (ann && LAST_APPLIED in ann) ann[LAST_APPLIED] = MASK;
  }
  return { desired: d, live: l };
}

/** A change of a Secret shows the masks at its path (from the masked objects), never the values compared. */
export function maskedChange(
  change: DiffChange,
  desired: KubeObject,
  live: KubeObject | undefined,
): DiffChange {
  const pointer = change.path === '' ? [] : change.path.slice(1).split('/').map(unescapePointer);
  const out: DiffChange = { path: change.path, op: change.op };
  if ('desired' in change) out.desired = getAt(desired, pointer);
  if ('live' in change) out.live = getAt(live, pointer);
  return out;
}

function unescapePointer(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}
