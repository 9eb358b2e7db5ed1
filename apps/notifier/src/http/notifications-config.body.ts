import { isScalar, LineCounter } from 'yaml';
import { documentToJS, DocumentLimitError, parseAllDocumentsBounded } from '@berth/infra';

/** Why a PUT config body is refused before the config parser sees it. */
export type ConfigBodyProblem =
  | { kind: 'limit'; key: string; error: DocumentLimitError }
  | { kind: 'syntax'; errors: Array<{ key: string; message: string }> };

/**
 * Checks a notifications config body (argocd-notifications-cm YAML) within the document limits,
 * before `parseNotificationsConfig` reads it with an unbounded YAML parser: the document itself, and
 * each of its `data` values, which are YAML again (`service.slack: |` ...). Syntax errors are reported
 * by position only: the parser's own messages quote the lines around the error, and a config may
 * hold a credential written inline instead of as a `$secret` reference.
 */
export function checkConfigBody(text: string): ConfigBodyProblem | undefined {
  const outer = boundedValue(text, '(document)');
  if ('problem' in outer) return outer.problem;
  const doc = outer.value;
  const data = isRecord(doc) && doc['kind'] === 'ConfigMap' ? doc['data'] : doc;
  if (!isRecord(data)) return undefined; // the config parser names the shape problem
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== 'string') continue;
    const inner = boundedValue(value, key);
    // A syntax error inside one value is the config parser's to report: it names the key.
    if ('problem' in inner && inner.problem.kind === 'limit') return inner.problem;
  }
  return undefined;
}

function boundedValue(text: string, key: string): { value: unknown } | { problem: ConfigBodyProblem } {
  const lineCounter = new LineCounter();
  try {
    const docs = parseAllDocumentsBounded(text, { lineCounter });
    const errors = docs.flatMap((d) =>
      d.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        return { key, message: `not valid YAML at line ${line}, column ${col} (${e.code})` };
      }),
    );
    if (errors.length > 0) return { problem: { kind: 'syntax', errors } };
    const first = docs[0];
    if (!first || first.contents === null || (isScalar(first.contents) && first.contents.value === null))
      return { value: null };
    return { value: documentToJS(first) };
  } catch (error) {
    if (error instanceof DocumentLimitError) return { problem: { kind: 'limit', key, error } };
    if (error instanceof ReferenceError)
      return {
        problem: { kind: 'syntax', errors: [{ key, message: 'an alias refers to an undefined anchor' }] },
      };
    throw error;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
