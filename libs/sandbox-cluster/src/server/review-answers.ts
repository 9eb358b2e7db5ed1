import type { KubeObject, ResourceType } from '../api/resource-type';
import { statusErrors, type StatusCause } from '../errors/api-status.error';
import { isPlainObject } from '../store/object-utils';

/**
 * The identity every request has: the sandbox authenticates no one (see the README), so it answers as the
 * cluster-admin a kind or kubeadm kubeconfig holds.
 */
export const SANDBOX_USER = {
  username: 'kubernetes-admin',
  groups: ['kubeadm:cluster-admins', 'system:authenticated'],
};

/**
 * The answer to a review POST (authorization.k8s.io, authentication.k8s.io): the request with its `status`,
 * stored nowhere. The sandbox authorizes every request, so every access review is allowed, as for a member
 * of a cluster-admin group on a real cluster; the spec is still validated as the real server validates it.
 */
export function answerReview(type: ResourceType, body: unknown, namespace: string): Record<string, unknown> {
  const obj: KubeObject = isPlainObject(body) ? body : { metadata: {} };
  const spec = isPlainObject(obj['spec']) ? obj['spec'] : {};
  const meta = isPlainObject(obj.metadata) ? obj.metadata : {};
  const answer = (
    status: Record<string, unknown>,
    specOut: Record<string, unknown> = spec,
  ): Record<string, unknown> => ({
    kind: type.kind,
    apiVersion: `${type.group}/${type.version}`,
    metadata: { ...meta, creationTimestamp: null },
    ...(type.kind === 'SelfSubjectReview' ? {} : { spec: specOut }),
    status,
  });
  const invalid = (causes: StatusCause[]) =>
    statusErrors.invalid(type.kind, type.group, String(meta['name'] ?? ''), causes);
  const allowed = { allowed: true, reason: 'the sandbox authorizes every request' };
  switch (type.kind) {
    case 'SelfSubjectReview':
      return answer({ userInfo: SANDBOX_USER });
    case 'SelfSubjectRulesReview':
      return answer({
        resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
        nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
        incomplete: false,
      });
    case 'SubjectAccessReview':
    case 'LocalSubjectAccessReview':
    case 'SelfSubjectAccessReview': {
      const resource = spec['resourceAttributes'];
      const nonResource = spec['nonResourceAttributes'];
      const causes: StatusCause[] = [];
      if ((resource === undefined) === (nonResource === undefined)) {
        causes.push({
          reason: 'FieldValueInvalid',
          field: 'spec.resourceAttributes',
          message: `Invalid value: ${resource === undefined ? 'null' : '"resourceAttributes"'}: exactly one of nonResourceAttributes or resourceAttributes must be specified`,
        });
      }
      if (type.kind !== 'SelfSubjectAccessReview' && !spec['user'] && !spec['groups']) {
        causes.push({
          reason: 'FieldValueInvalid',
          field: 'spec.user',
          message: 'Invalid value: "": at least one of user or group must be specified',
        });
      }
      if (type.kind === 'LocalSubjectAccessReview' && isPlainObject(resource)) {
        const ns = resource['namespace'];
        if (ns !== undefined && ns !== namespace) {
          causes.push({
            reason: 'FieldValueInvalid',
            field: 'spec.resourceAttributes.namespace',
            message: `Invalid value: ${JSON.stringify(ns)}: must match metadata.namespace`,
          });
        }
      }
      if (causes.length > 0) throw invalid(causes);
      return answer(allowed);
    }
  }
  throw statusErrors.methodNotAllowed('create', type.kind);
}
