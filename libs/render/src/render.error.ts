import { SourceError, type SourceErrorCode } from '@berth/sources';

/**
 * Every way rendering can refuse or fail, fetching the sources included (a SourceError keeps its code,
 * `timeout` becoming `render-timeout`). The worker maps these to an Application condition
 * (ComparisonError) and decides retry vs. give up from the code: `unreachable` and `render-timeout` are
 * worth retrying, the rest need a change in Git or in the spec.
 */
export type RenderErrorCode =
  | Exclude<SourceErrorCode, 'timeout'>
  | 'path-not-found'
  | 'path-escape'
  /** A kustomize remote base or URL the project does not permit, or that would read the worker's disk. */
  | 'remote-refused'
  | 'value-file-refused'
  | 'value-file-missing'
  | 'unsupported-source'
  | 'render-timeout';

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
 * The RenderError a SourceError means (same code, field and message; `timeout` is `render-timeout`);
 * anything else as it is. Applied where render calls into `@berth/sources`, so callers of render see
 * one error type.
 */
export function renderErrorOf(err: unknown): unknown {
  if (!(err instanceof SourceError)) return err;
  const code: RenderErrorCode = err.code === 'timeout' ? 'render-timeout' : err.code;
  return new RenderError(code, err.message, err.field, { cause: err });
}

/** `promise.catch(throwAsRenderError)`: rethrows a SourceError as its RenderError. */
export function throwAsRenderError(err: unknown): never {
  throw renderErrorOf(err);
}
