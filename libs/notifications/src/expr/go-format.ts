import { GoDuration, GoTime } from './go-time';

/**
 * Go `fmt.Sprintf("%v", v)` for JSON-shaped values: how Argo CD turns an `oncePer` result into a state key
 * (nil -> `<nil>`, 3 -> `3`, lists `[a b]`, maps `map[k:v]` with sorted keys).
 */
export function formatGoValue(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return formatGoFloat(value);
  if (value instanceof GoDuration) return value.String();
  if (value instanceof GoTime) return value.String();
  if (Array.isArray(value)) return `[${value.map(formatGoValue).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${k}:${formatGoValue((value as Record<string, unknown>)[k])}`);
    return `map[${entries.join(' ')}]`;
  }
  return typeof value === 'bigint' ? value.toString() : `<${typeof value}>`;
}

/** Go's %v of a float64: shortest representation, exponent form from 1e21 (`1e+21`) and below 1e-4. */
function formatGoFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  const abs = Math.abs(n);
  if (abs !== 0 && (abs >= 1e21 || abs < 1e-4)) {
    const [mantissa, exponent] = n.toExponential().split('e') as [string, string];
    const sign = exponent.startsWith('-') ? '-' : '+';
    const digits = exponent.replace(/^[+-]/, '').padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  return String(n);
}
