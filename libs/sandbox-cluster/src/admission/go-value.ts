import { isPlainObject } from '../store/object-utils';

/**
 * A bad value as apimachinery 1.34 prints it in a field error (`field.Error.ErrorBody`): numbers and
 * booleans bare, strings quoted, null as `null`, anything else as Go's `json.Marshal` of the value.
 * Go marshals maps with sorted keys and structs in field order; the sandbox holds only the JSON, so
 * objects keep the order they arrived in, except the few struct shapes it knows (label selectors).
 */
export function goValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return goJson(value);
}

/** Go's `json.Marshal`: no spaces, `<`, `>` and `&` escaped as in Go's HTML-safe encoder. */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/** A `*metav1.LabelSelector` as Go marshals it: matchLabels (sorted keys) before matchExpressions, empty ones omitted. */
export function labelSelectorJson(selector: unknown): string {
  if (!isPlainObject(selector)) return 'null';
  const out: Record<string, unknown> = {};
  const labels = selector['matchLabels'];
  if (isPlainObject(labels) && Object.keys(labels).length > 0) out['matchLabels'] = sortedMap(labels);
  const expressions = selector['matchExpressions'];
  if (Array.isArray(expressions) && expressions.length > 0) {
    out['matchExpressions'] = expressions.map((e: unknown) => {
      const r = isPlainObject(e) ? e : {};
      const values = r['values'];
      return {
        key: r['key'] ?? '',
        operator: r['operator'] ?? '',
        ...(Array.isArray(values) && values.length > 0 ? { values } : {}),
      };
    });
  }
  return goJson(out);
}

/** A Go `map[string]T` marshals with its keys sorted. */
export function sortedMap(map: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(map)
      .sort()
      .map((k) => [k, map[k]]),
  );
}
