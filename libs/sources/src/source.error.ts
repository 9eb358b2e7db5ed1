import { OutboundRefusedError, type OutboundGuard } from '@berth/net';

/**
 * Every way fetching a source can refuse or fail. `@berth/render` turns these into RenderErrors of the
 * same code (`timeout` becomes `render-timeout`), so an Application condition reads the same whether
 * fetching or rendering failed.
 */
export type SourceErrorCode =
  | 'invalid-repo-url'
  /** A spec value that does not fit the grammar of the tool argument it becomes (a Helm chart name). */
  | 'invalid-argument'
  | 'auth-failed'
  | 'not-found'
  | 'unreachable'
  /** The destination is link-local or a cloud metadata host (SSRF); BERTH_OUTBOUND_ALLOW re-opens it. */
  | 'outbound-refused'
  | 'revision-not-found'
  | 'git-failed'
  | 'repo-too-large'
  | 'symlink-escape'
  /** A path from the repository or the spec (a `file://` chart dependency) that leaves the repository. */
  | 'path-escape'
  /** A path the repository or the spec names that does not exist at this revision. */
  | 'path-not-found'
  /** What a Helm repository served is not a chart archive. */
  | 'invalid-manifest'
  /** YAML that would exhaust the parser: alias bombs, extreme nesting. */
  | 'manifest-too-complex'
  | 'output-too-large'
  | 'tool-not-found'
  | 'tool-failed'
  /** A tool run (`runTool`) did not finish in its time limit and was killed. */
  | 'timeout'
  /**
   * The local disk refused a write (EACCES, EROFS, ENOSPC, EDQUOT ...) in the git mirror cache, the Helm
   * chart cache or a work dir: an operator's to fix, never retried as if the disk were busy.
   */
  | 'disk-error';

const RETRYABLE: ReadonlySet<SourceErrorCode> = new Set(['unreachable', 'timeout', 'git-failed']);

export class SourceError extends Error {
  override readonly name = 'SourceError';

  constructor(
    readonly code: SourceErrorCode,
    message: string,
    /** The spec field the error is about, e.g. `spec.source.repoURL`. */
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

export function isSourceError(err: unknown, code?: SourceErrorCode): err is SourceError {
  return err instanceof SourceError && (code === undefined || err.code === code);
}

/**
 * Applies the outbound policy to a URL a subprocess (git, helm) is about to connect to, as a SourceError
 * naming the spec field (`outbound-refused`, not retried: only an operator's allow-list changes it).
 */
export async function assertOutboundAllowed(guard: OutboundGuard, url: string, field: string): Promise<void> {
  try {
    await guard.assertAllowed(url, field);
  } catch (err) {
    if (err instanceof OutboundRefusedError)
      throw new SourceError('outbound-refused', err.message, field, { cause: err });
    throw err;
  }
}
