/**
 * Every way rendering can refuse or fail. The worker maps these to an Application condition
 * (ComparisonError) and decides retry vs. give up from the code: `unreachable` and
 * `render-timeout` are worth retrying, the rest need a change in Git or in the spec.
 */
export type RenderErrorCode =
  | 'invalid-repo-url'
  /** A spec value that does not fit the grammar of the tool argument it becomes (see tool-argument-grammar.ts). */
  | 'invalid-argument'
  | 'auth-failed'
  | 'not-found'
  | 'unreachable'
  | 'revision-not-found'
  | 'git-failed'
  | 'repo-too-large'
  | 'path-not-found'
  | 'path-escape'
  | 'symlink-escape'
  | 'invalid-manifest'
  /** YAML that would exhaust the parser: alias bombs, extreme nesting. */
  | 'manifest-too-complex'
  | 'value-file-refused'
  | 'value-file-missing'
  | 'unsupported-source'
  | 'tool-not-found'
  | 'tool-failed'
  | 'render-timeout'
  | 'output-too-large';

const RETRYABLE: ReadonlySet<RenderErrorCode> = new Set(['unreachable', 'render-timeout', 'git-failed']);

export class RenderError extends Error {
  override readonly name = 'RenderError';

  constructor(
    readonly code: RenderErrorCode,
    message: string,
    /** The spec field the error is about, e.g. `spec.source.helm.valueFiles[0]`. */
    readonly field?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** True when the same request may succeed later without anyone changing anything. */
  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }
}

export function isRenderError(err: unknown, code?: RenderErrorCode): err is RenderError {
  return err instanceof RenderError && (code === undefined || err.code === code);
}
