import type { JqPathEvaluator, JsonPath } from '@berth/domain';
import { raw } from 'jq-wasm';
import { JqPathError } from './jq-path.error';

/**
 * Adapter for the domain's JqPathEvaluator port on jq-wasm (jq compiled to WebAssembly, no binary).
 * `paths(obj, expr)` is jq's `[path(expr)]`: the concrete paths an ignoreDifferences
 * jqPathExpressions entry selects, e.g. `.spec.template.spec.containers[] | select(.name == "app") | .image`.
 */
export class JqWasmPathEvaluator implements JqPathEvaluator {
  async paths(obj: unknown, expression: string): Promise<JsonPath[]> {
    if (typeof obj !== 'object' || obj === null) return [];
    let output: string;
    try {
      output = await raw(obj, `[path(${expression})]`, ['-c']);
    } catch (err) {
      throw new JqPathError(
        `ignoreDifferences jqPathExpressions entry "${expression}" is not a valid jq path expression: ${redact((err as Error).message)}. ` +
          'Write an expression that selects fields, for example .spec.replicas or .spec.template.spec.containers[] | select(.name == "app") | .image',
      );
    }
    const parsed = JSON.parse(output.trim() || '[]') as unknown;
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (p): p is JsonPath =>
        Array.isArray(p) && p.every((s) => typeof s === 'string' || typeof s === 'number'),
    );
  }
}

/** jq run-time errors quote the values they choke on (e.g. `Cannot iterate over string ("s3cr3t")`): drop them. */
function redact(message: string): string {
  const firstLines = message
    .replace(/^Failed to execute raw query: /, '')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(0, 2)
    .join(' ');
  return firstLines.replace(/\((?:"(?:[^"\\]|\\.)*"|[^()]*)\)/g, '(…)');
}
