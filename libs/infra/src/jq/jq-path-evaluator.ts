import type { JqPathEvaluator, JqPathsAnswer, JsonPath } from '@berth/domain';
import { raw } from 'jq-wasm';

/**
 * Adapter for the domain's JqPathEvaluator port on jq-wasm (jq compiled to WebAssembly, no binary).
 * `paths(obj, expr)` is jq's `[path(expr)]`: the concrete paths an ignoreDifferences jqPathExpressions
 * entry selects, e.g. `.spec.template.spec.containers[] | select(.name == "app") | .image`. jq's own
 * failures are answers (`syntax`: the expression does not compile; `runtime`: it fails on this object);
 * what the domain makes of them is its call. Anything else (jq-wasm not loading) is thrown.
 */
export class JqWasmPathEvaluator implements JqPathEvaluator {
  async paths(obj: unknown, expression: string): Promise<JqPathsAnswer> {
    if (typeof obj !== 'object' || obj === null) return { ok: true, paths: [] };
    let output: string;
    try {
      output = await raw(obj, `[path(${expression})]`, ['-c']);
    } catch (err) {
      const message = (err as Error).message;
      if (!/jq: (?:error|\d+ compile error)/.test(message)) throw err;
      return {
        ok: false,
        kind: /compile error/.test(message) ? 'syntax' : 'runtime',
        message: redact(message),
      };
    }
    const parsed = JSON.parse(output.trim() || '[]') as unknown;
    if (!Array.isArray(parsed)) return { ok: true, paths: [] };
    return {
      ok: true,
      paths: parsed.filter(
        (p): p is JsonPath =>
          Array.isArray(p) && p.every((s) => typeof s === 'string' || typeof s === 'number'),
      ),
    };
  }
}

/**
 * jq's message without what it quotes: run-time errors quote the values they choke on
 * (`Cannot iterate over string ("s3cr3t")`), and compile errors echo the whole program.
 */
function redact(message: string): string {
  const firstLine =
    message
      .replace(/^Failed to execute raw query: /, '')
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? 'jq failed';
  return firstLine
    .replace(/^jq: error(?: \(at [^)]*\))?: /, '')
    .replace(/ at <top-level>, line \d+:?$/, '')
    .replace(/\((?:"(?:[^"\\]|\\.)*"|[^()]*)\)/g, '(…)');
}
