import type { KubeObject, PrinterColumn } from '../api/resource-type';
import { isPlainObject } from '../store/object-utils';

/**
 * A CRD's additionalPrinterColumns as the apiextensions table convertor fills them: the JSONPath's first
 * result, `<none>`-free (an absent value is an empty cell, null in the Table), a `date` column shown as an age.
 */
export function printerColumnValue(
  column: PrinterColumn,
  obj: KubeObject,
  age: (timestamp: string) => string,
): unknown {
  const found = evaluate(column.jsonPath, obj);
  if (found === undefined || found === null) return null;
  if (column.type === 'date' && typeof found === 'string') return age(found);
  if (column.type === 'integer' || column.type === 'number' || column.type === 'boolean') return found;
  return typeof found === 'string' ? found : JSON.stringify(found);
}

/**
 * The JSONPath subset CRD columns use: `.spec.replicas`, `.items[0].name`, and a filter
 * `.status.conditions[?(@.type=="Ready")].status` (first match).
 */
function evaluate(path: string, obj: unknown): unknown {
  const steps =
    path
      .replace(/^\{?\$?/, '')
      .replace(/\}$/, '')
      .match(/\.[^.[]+|\[[^\]]*\]/g) ?? [];
  let current: unknown = obj;
  for (const step of steps) {
    if (current === undefined || current === null) return undefined;
    if (step.startsWith('.')) {
      current = isPlainObject(current) ? current[step.slice(1)] : undefined;
      continue;
    }
    const inner = step.slice(1, -1);
    const filter = /^\?\(@\.([\w.-]+)\s*==\s*["']?([^"']*)["']?\)$/.exec(inner);
    if (filter && Array.isArray(current)) {
      const [, field, expected] = filter;
      current = current.find((item) => isPlainObject(item) && String(item[field!]) === expected);
    } else if (/^\d+$/.test(inner) && Array.isArray(current)) {
      current = current[Number(inner)];
    } else if (/^['"].*['"]$/.test(inner) && isPlainObject(current)) {
      current = current[inner.slice(1, -1)];
    } else return undefined;
  }
  return current;
}
