import { OutboundRefusedError, type OutboundGuard } from '@berth/net';

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
  /** The destination is link-local or a cloud metadata host (SSRF); BERTH_OUTBOUND_ALLOW re-opens it. */
  | 'outbound-refused'
  | 'revision-not-found'
  | 'git-failed'
  | 'repo-too-large'
  | 'path-not-found'
  | 'path-escape'
  /** A kustomize remote base or URL the project does not permit, or that would read the worker's disk. */
  | 'remote-refused'
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

/**
 * Applies the outbound policy to a URL a subprocess (git, helm) is about to connect to, as a RenderError
 * naming the spec field (`outbound-refused`, not retried: only an operator's allow-list changes it).
 */
export async function assertOutboundAllowed(guard: OutboundGuard, url: string, field: string): Promise<void> {
  try {
    await guard.assertAllowed(url, field);
  } catch (err) {
    if (err instanceof OutboundRefusedError)
      throw new RenderError('outbound-refused', err.message, field, { cause: err });
    throw err;
  }
}
