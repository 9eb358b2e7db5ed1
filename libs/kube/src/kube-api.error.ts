/** Kubernetes Status reasons Berth acts on; anything else keeps the server's reason text. */
export type KubeApiErrorCode =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'Forbidden'
  | 'Unauthorized'
  | 'UnknownResourceType'
  | 'Unreachable'
  | 'ServerError';

/**
 * A failed call to the cluster's API server. `message` names the object and says what the server
 * said; it never holds credentials (the kubeconfig token is only ever in request headers).
 */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';

  /**
   * The API server did not answer for a reason that passes by itself: it is down or restarting, or the
   * network to it is (connection refused, reset or timed out, host or network unreachable). Not a name
   * that does not resolve, nor a TLS or kubeconfig error: waiting does not fix those.
   */
  readonly transient: boolean;

  constructor(
    readonly code: KubeApiErrorCode,
    message: string,
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    /** The `reason` field of the server's Status object, if any. */
    readonly reason?: string,
    options: { transient?: boolean } = {},
  ) {
    super(message);
    this.transient = options.transient ?? false;
  }
}

/** Errno and undici codes of a connection the server or the network ended, or never let start. */
const TRANSIENT_TRANSPORT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * The KubeApiError for a request that got no answer: its message names the server and what the
 * transport said (fetch's own message is only "fetch failed"; the reason is in its cause).
 */
export function unreachableError(server: string, err: unknown): KubeApiError {
  // The error and its causes (undici: TypeError "fetch failed" <- Error "connect ECONNREFUSED ...").
  const causes: Array<{ code?: unknown; message?: unknown; cause?: unknown }> = [];
  let link: unknown = err;
  while (typeof link === 'object' && link !== null && causes.length < 5) {
    const current: { code?: unknown; message?: unknown; cause?: unknown } = link;
    causes.push(current);
    link = current.cause;
  }
  const detail = causes
    .map((c) => (typeof c.message === 'string' ? c.message : ''))
    .filter((m) => m !== '')
    .join(': ');
  const transient = causes.some((c) => typeof c.code === 'string' && TRANSIENT_TRANSPORT_CODES.has(c.code));
  return new KubeApiError(
    'Unreachable',
    `cannot reach the Kubernetes API server at ${server}: ${detail || String(err)}; check the kubeconfig's server address and that the cluster is up`,
    0,
    undefined,
    { transient },
  );
}

/**
 * A request the API server did not answer in time (KubeClientOptions.requestTimeoutMs): as unreachable
 * and transient, since a hung or overloaded server is waited out like one that refuses connections.
 */
export function timedOutError(server: string, timeoutMs: number): KubeApiError {
  return new KubeApiError(
    'Unreachable',
    `the Kubernetes API server at ${server} did not answer within ${timeoutMs / 1000} s; check that the cluster is up and not overloaded (the limit is BERTH_KUBE_REQUEST_TIMEOUT_SECONDS)`,
    0,
    undefined,
    { transient: true },
  );
}

/** The cluster's API server is away for now (KubeApiError.transient): what a sync waits out. */
export function isClusterUnreachable(err: unknown): err is KubeApiError {
  return err instanceof KubeApiError && err.code === 'Unreachable' && err.transient;
}

export function codeForStatus(status: number, reason: string | undefined): KubeApiErrorCode {
  if (status === 404) return 'NotFound';
  if (status === 409) return reason === 'AlreadyExists' ? 'AlreadyExists' : 'Conflict';
  if (status === 422 || status === 400) return 'Invalid';
  if (status === 403) return 'Forbidden';
  if (status === 401) return 'Unauthorized';
  return 'ServerError';
}
