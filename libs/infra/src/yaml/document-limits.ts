/**
 * How much structure a YAML or JSON document may have. Parsers recurse once per nesting level and
 * YAML aliases copy whole subtrees, so without these bounds a request of a few kilobytes can
 * exhaust the stack (`[{[{...` a few hundred levels deep makes V8 abort the process while
 * compiling a regular expression near the stack limit) or the heap (a "billion laughs" document).
 */
export interface DocumentLimits {
  /** Collections (maps and lists, block or flow) nested inside one another. */
  maxDepth: number;
  /**
   * Alias references (`*name`) in the text, and copies their expansion may make (the `yaml`
   * package's `maxAliasCount`): both are bounded by this one number.
   */
  maxAliasCount: number;
}

/**
 * Far above what Kubernetes manifests, Applications (Helm `valuesObject` included) or request
 * bodies need (a CRD's openAPIV3Schema nests ~30 levels), far below what blows the stack (~500).
 */
export const DEFAULT_DOCUMENT_LIMITS: Readonly<DocumentLimits> = { maxDepth: 100, maxAliasCount: 100 };

/** A document refused before (or while) it is parsed, naming the limit it crossed. */
export class DocumentLimitError extends Error {
  readonly code = 'DOCUMENT_LIMIT';

  constructor(
    readonly limit: keyof DocumentLimits,
    readonly max: number,
    message: string,
    /** 1-based position where the limit was crossed, when known. */
    readonly position?: { line: number; column: number },
  ) {
    super(
      `${message}${position ? ` (line ${position.line}, column ${position.column})` : ''}; the limit is ${limit}=${max}`,
    );
    this.name = 'DocumentLimitError';
  }
}

export function depthLimitError(
  max: number,
  position?: { line: number; column: number },
): DocumentLimitError {
  return new DocumentLimitError(
    'maxDepth',
    max,
    `maps and lists are nested more than ${max} levels deep`,
    position,
  );
}

/**
 * Throws when a parsed value nests deeper than `maxDepth` collections. Iterative (a recursive walk
 * is what the limit protects against). Used after YAML alias expansion, which can nest an anchor's
 * subtree below the alias and so go deeper than the text itself does.
 */
export function assertDepthWithin(value: unknown, maxDepth: number): void {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth + 1 > maxDepth) throw depthLimitError(maxDepth);
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, depth + 1]);
  }
}
