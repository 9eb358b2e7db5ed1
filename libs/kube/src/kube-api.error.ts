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

  constructor(
    readonly code: KubeApiErrorCode,
    message: string,
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    /** The `reason` field of the server's Status object, if any. */
    readonly reason?: string,
  ) {
    super(message);
  }
}

export function codeForStatus(status: number, reason: string | undefined): KubeApiErrorCode {
  if (status === 404) return 'NotFound';
  if (status === 409) return reason === 'AlreadyExists' ? 'AlreadyExists' : 'Conflict';
  if (status === 422 || status === 400) return 'Invalid';
  if (status === 403) return 'Forbidden';
  if (status === 401) return 'Unauthorized';
  return 'ServerError';
}
