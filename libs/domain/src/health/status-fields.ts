import { type KubeObject } from '../diff/kube-object';
import { isPlainObject } from '../diff/json-value';

/** Readers for loosely typed live objects: absent or mistyped fields read as their zero value. */
export function field(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const p of path) cur = isPlainObject(cur) ? cur[p] : undefined;
  return cur;
}

export function num(obj: unknown, ...path: string[]): number {
  const v = field(obj, ...path);
  return typeof v === 'number'
    ? v
    : typeof v === 'string' && v.trim() !== '' && !isNaN(Number(v))
      ? Number(v)
      : 0;
}

export function optNum(obj: unknown, ...path: string[]): number | undefined {
  const v = field(obj, ...path);
  return v === undefined || v === null ? undefined : num(obj, ...path);
}

export function str(obj: unknown, ...path: string[]): string {
  const v = field(obj, ...path);
  return typeof v === 'string' ? v : '';
}

export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  /** metav1.Condition's generation the condition was set for; absent on older condition types. */
  observedGeneration?: number;
}

export function conditions(obj: KubeObject | unknown, ...path: string[]): Condition[] {
  const list = field(obj, ...(path.length ? path : ['status', 'conditions']));
  if (!Array.isArray(list)) return [];
  return list.filter(isPlainObject).map((c) => {
    const observedGeneration = optNum(c, 'observedGeneration');
    return {
      type: str(c, 'type'),
      status: str(c, 'status'),
      reason: str(c, 'reason'),
      message: str(c, 'message'),
      ...(observedGeneration !== undefined ? { observedGeneration } : {}),
    };
  });
}

export function generation(obj: KubeObject): number {
  return num(obj, 'metadata', 'generation');
}
