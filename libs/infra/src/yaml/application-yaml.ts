import { isScalar, LineCounter, type Document, type Tags } from 'yaml';
import { documentToJS, parseAllDocumentsBounded } from './bounded-yaml';
import { DEFAULT_DOCUMENT_LIMITS, type DocumentLimits } from './document-limits';

/**
 * Reads Application (or any Kubernetes) YAML the way kubectl does: several `---`-separated documents,
 * YAML 1.1 scalars (sigs.k8s.io/yaml reads `yes`/`no`/`on`/`off` as booleans, so we do too), and
 * duplicate keys refused. Validation of the content is the domain's job (`validateApplication`).
 */

export interface YamlDocument {
  /** Position among the `---`-separated documents of the text, from 0 (empty documents count). */
  index: number;
  /** 1-based line where the document's content starts. */
  line: number;
  value: unknown;
  /**
   * 1-based line of a field named the way validation issues name it (`spec.sources[1].ref`); for a
   * missing field, the first line of its nearest existing parent's content.
   */
  lineOf(path: string): number | undefined;
}

export interface YamlSyntaxIssue {
  document: number;
  line: number;
  column: number;
  /** The `yaml` package's error code, e.g. BAD_INDENT, DUPLICATE_KEY. */
  code: string;
  message: string;
}

export type ParseYamlResult =
  { ok: true; documents: YamlDocument[] } | { ok: false; errors: YamlSyntaxIssue[] };

/** `line 4, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]` */
export function formatYamlSyntaxIssue(issue: YamlSyntaxIssue): string {
  return `line ${issue.line}, column ${issue.column}: ${issue.message}`;
}

/** Thrown by callers that cannot continue with a syntax error; never contains more of the text than a key. */
export class YamlSyntaxError extends Error {
  readonly code = 'YAML_SYNTAX';

  constructor(readonly issues: readonly YamlSyntaxIssue[]) {
    super(`YAML is not valid:\n${issues.map((issue) => `  ${formatYamlSyntaxIssue(issue)}`).join('\n')}`);
    this.name = 'YamlSyntaxError';
  }
}

/** `spec.sources[1].helm.valueFiles[0]` -> ['spec', 'sources', 1, 'helm', 'valueFiles', 0] */
export function pathKeys(path: string): (string | number)[] {
  const keys: (string | number)[] = [];
  for (const part of path.split('.')) {
    if (part === '') continue;
    const match = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (match === null) {
      keys.push(part);
      continue;
    }
    if (match[1] !== '') keys.push(match[1] ?? '');
    for (const index of (match[2] ?? '').matchAll(/\[(\d+)\]/g)) keys.push(Number(index[1]));
  }
  return keys;
}

function firstMessageLine(message: string): string {
  const [first = message] = message.split('\n');
  // The package appends " at line L, column C:"; the position is reported separately.
  return first.replace(/ at line \d+, column \d+:?$/, '');
}

function lineFinder(doc: Document, lineCounter: LineCounter): (path: string) => number | undefined {
  return (path) => {
    const keys = pathKeys(path);
    for (let length = keys.length; length >= 0; length--) {
      const node: unknown = length === 0 ? doc.contents : doc.getIn(keys.slice(0, length), true);
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (range !== undefined) return lineCounter.linePos(range[0]).line;
    }
    return undefined;
  };
}

/**
 * YAML 1.1 as Kubernetes and Argo CD read it (go-yaml's resolver): a float needs a digit, so `path: .` and
 * `._` stay strings (the YAML 1.1 spec's regular expression reads a bare `.` as a float, NaN here).
 */
const GO_YAML_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9][0-9_]*\.[0-9_]*)$/;
const GO_YAML_FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)[eE][-+]?[0-9]+$/;

function goYamlFloats(tags: Tags): Tags {
  return tags.map((tag) => {
    if (typeof tag !== 'object' || tag.tag !== 'tag:yaml.org,2002:float' || !('test' in tag) || !tag.test)
      return tag;
    if (tag.format === 'EXP') return { ...tag, test: GO_YAML_FLOAT_EXP };
    if (tag.format === undefined && tag.test.test('.')) return { ...tag, test: GO_YAML_FLOAT };
    return tag;
  });
}

/**
 * Parses one or more YAML documents. Syntax errors come back all at once with their line and column;
 * documents with no content (only comments, or an empty `---`) are skipped. Text past the `limits`
 * (nesting depth, aliases) throws DocumentLimitError before it can exhaust the stack or heap.
 */
export function parseApplicationDocument(
  text: string,
  limits: DocumentLimits = DEFAULT_DOCUMENT_LIMITS,
): ParseYamlResult {
  const lineCounter = new LineCounter();
  const list: Document[] = parseAllDocumentsBounded(text, {
    version: '1.1',
    customTags: goYamlFloats,
    lineCounter,
    uniqueKeys: true,
    limits,
  });
  const errors: YamlSyntaxIssue[] = [];
  const documents: YamlDocument[] = [];
  list.forEach((doc, index) => {
    for (const error of doc.errors) {
      const position = lineCounter.linePos(error.pos[0]);
      errors.push({
        document: index,
        line: position.line,
        column: position.col,
        code: error.code,
        message: firstMessageLine(error.message),
      });
    }
    const empty = doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null);
    if (doc.errors.length > 0 || empty) return;
    const start = doc.contents?.range?.[0] ?? 0;
    const line = lineCounter.linePos(start).line;
    let value: unknown;
    try {
      value = documentToJS(doc, limits);
    } catch (error) {
      // `*name` with no `&name` before it is only found while converting.
      if (!(error instanceof ReferenceError)) throw error;
      errors.push({
        document: index,
        line,
        column: 1,
        code: 'BAD_ALIAS',
        message: 'an alias (*name) refers to an anchor (&name) that is not defined before it',
      });
      return;
    }
    documents.push({ index, line, value, lineOf: lineFinder(doc, lineCounter) });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, documents };
}
