/**
 * The gRPC status code Argo CD's grpc-gateway puts in an error answer's `code` beside the HTTP status
 * (runtimeError in its swagger). Clients written against Argo CD branch on these numbers.
 */
export const GrpcCode = {
  Unknown: 2,
  InvalidArgument: 3,
  NotFound: 5,
  AlreadyExists: 6,
  PermissionDenied: 7,
  ResourceExhausted: 8,
  FailedPrecondition: 9,
  Aborted: 10,
  Unimplemented: 12,
  Internal: 13,
  Unavailable: 14,
  Unauthenticated: 16,
} as const;

/** Berth's domain error codes as Argo CD's server reports the same refusals. */
const BY_DOMAIN_CODE: Record<string, number> = {
  NotFound: GrpcCode.NotFound,
  AlreadyExists: GrpcCode.AlreadyExists,
  Invalid: GrpcCode.InvalidArgument,
  Forbidden: GrpcCode.PermissionDenied,
  // Argo CD: `status.Errorf(codes.FailedPrecondition, "another operation is already in progress")`.
  OperationInProgress: GrpcCode.FailedPrecondition,
  // A concurrent write won (the expected stream version moved): gRPC's Aborted, "retry the sequence".
  Conflict: GrpcCode.Aborted,
};

/** The code for an HTTP status, for answers that carry no domain code (guards, Nest's own exceptions). */
const BY_STATUS: Record<number, number> = {
  400: GrpcCode.InvalidArgument,
  401: GrpcCode.Unauthenticated,
  403: GrpcCode.PermissionDenied,
  404: GrpcCode.NotFound,
  405: GrpcCode.Unimplemented,
  409: GrpcCode.Aborted,
  412: GrpcCode.FailedPrecondition,
  413: GrpcCode.ResourceExhausted,
  415: GrpcCode.InvalidArgument,
  422: GrpcCode.InvalidArgument,
  429: GrpcCode.ResourceExhausted,
  500: GrpcCode.Internal,
  501: GrpcCode.Unimplemented,
  503: GrpcCode.Unavailable,
};

export function grpcCodeOf(status: number, domainCode?: string): number {
  return (domainCode ? BY_DOMAIN_CODE[domainCode] : undefined) ?? BY_STATUS[status] ?? GrpcCode.Unknown;
}
