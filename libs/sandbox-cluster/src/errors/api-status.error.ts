/** One entry of `Status.details.causes`; serialized with the key `reason` as on a real API server. */
export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
}

/**
 * A failure the sandbox answers with a Kubernetes `Status` object. `code` is the HTTP status
 * and `reason` the machine-readable `StatusReason` (NotFound, AlreadyExists, Conflict, Invalid ...).
 */
export class ApiStatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiStatusError';
  }

  toStatus(): Record<string, unknown> {
    const status: Record<string, unknown> = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      // A plain Go error becomes a Status without a reason (a 500 InternalError is named, a bare error not).
      ...(this.reason ? { reason: this.reason } : {}),
    };
    if (this.details) status['details'] = this.details;
    status['code'] = this.code;
    return status;
  }
}

/** `deployments.apps` or `configmaps`: the group-resource string real error messages use. */
export function groupResource(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource;
}

export const statusErrors = {
  notFound(resource: string, group: string, name: string): ApiStatusError {
    return new ApiStatusError(404, 'NotFound', `${groupResource(resource, group)} "${name}" not found`, {
      name,
      group,
      kind: resource,
    });
  },
  alreadyExists(resource: string, group: string, name: string, terminating = false): ApiStatusError {
    const prefix = terminating ? 'object is being deleted: ' : '';
    return new ApiStatusError(
      409,
      'AlreadyExists',
      `${prefix}${groupResource(resource, group)} "${name}" already exists`,
      { name, group, kind: resource },
    );
  },
  conflict(resource: string, group: string, name: string): ApiStatusError {
    return new ApiStatusError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${groupResource(resource, group)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      { name, group, kind: resource },
    );
  },
  invalid(kind: string, group: string, name: string, causes: StatusCause[]): ApiStatusError {
    const kindGroup = group ? `${kind}.${group}` : kind;
    const summary = causes.map((c) => `${c.field}: ${c.message}`);
    const joined = summary.length === 1 ? summary[0] : `[${summary.join(', ')}]`;
    return new ApiStatusError(422, 'Invalid', `${kindGroup} "${name}" is invalid: ${joined}`, {
      name,
      group,
      kind,
      causes,
    });
  },
  badRequest(message: string): ApiStatusError {
    return new ApiStatusError(400, 'BadRequest', message);
  },
  methodNotAllowed(verb: string, kind: string): ApiStatusError {
    return new ApiStatusError(
      405,
      'MethodNotAllowed',
      `${verb} is not supported on resources of kind "${kind}"`,
    );
  },
  forbidden(
    resource: string,
    group: string,
    name: string,
    why: string,
    causes?: StatusCause[],
  ): ApiStatusError {
    return new ApiStatusError(
      403,
      'Forbidden',
      `${groupResource(resource, group)} "${name}" is forbidden: ${why}`,
      {
        name,
        group,
        kind: resource,
        ...(causes ? { causes } : {}),
      },
    );
  },
  unsupportedMediaType(contentType: string, accepted: string[]): ApiStatusError {
    return new ApiStatusError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
      { causes: [{ reason: 'UnsupportedMediaType', message: contentType }] },
    );
  },
  expired(message: string): ApiStatusError {
    return new ApiStatusError(410, 'Expired', message);
  },
  /**
   * exec, attach, port-forward, proxy and ephemeral containers need a container runtime the sandbox does not
   * have. 400 BadRequest, as a kubelet that cannot serve the stream answers, so kubectl prints the reason.
   */
  notSupportedBySandbox(subresource: string, pod: string): ApiStatusError {
    return new ApiStatusError(
      400,
      'BadRequest',
      `pods/${subresource} is not supported by the sandbox: it runs no containers (pod "${pod}")`,
    );
  },
  unauthorized(): ApiStatusError {
    return new ApiStatusError(401, 'Unauthorized', 'Unauthorized');
  },
};
