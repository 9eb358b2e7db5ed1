import { ValidationFailedError, type LiveResourceRef } from '@berth/domain';
import { parseJsonBounded } from '@berth/infra';
import type { PatchType } from '@berth/kube';
import { bodySchema, bodyTextOf, type QuerySchema } from '../http/request-pipes';
import {
  list,
  queryBoolean,
  queryEnum,
  queryPattern,
  queryText,
  requestObject,
  text,
  unsupported,
} from '../http/request-checks';
import { queryRevision } from '../applications/application-requests.schema';

/**
 * The query strings and bodies of Argo CD's resource requests (`ApplicationResourceRequest`,
 * `ResourceActionRunRequest`, `ApplicationResourcePatchRequest`, `ApplicationResourceDeleteRequest`).
 * Every value names a Kubernetes object and ends up in an API server URL path: each keeps to what
 * Kubernetes allows in its place, so `../x`, `--x`, `/`, spaces and `%` never reach the cluster.
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** An object name: DNS subdomains, plus `:` and `@` (RBAC objects: `system:controller:...`) and `_`. */
const OBJECT_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.:@]*[A-Za-z0-9])?$/;
const GROUP = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const VERSION = /^v[0-9]+((alpha|beta)[0-9]+)?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;
/** Argo CD's action names: `restart`, `resume`, `promote-full`, `create-workflow`. */
export const ACTION_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
const ACTION_FIX = 'an action name such as "restart"; list them with GET .../resource/actions';

export const RESOURCE_FIELDS = {
  namespace: queryPattern(
    DNS_LABEL,
    63,
    "the resource's metadata.namespace (a DNS label); omit it for a cluster-scoped resource",
  ),
  resourceName: queryPattern(OBJECT_NAME, 253, "the resource's metadata.name"),
  version: queryPattern(VERSION, 63, 'the API version without the group, e.g. "v1"'),
  group: queryPattern(GROUP, 253, 'the API group, e.g. "apps"; omit it for the core group'),
  kind: queryPattern(KIND, 63, 'the resource kind, e.g. "Deployment"'),
  appNamespace: queryText(253),
  project: queryText(253),
} as const;

export const RESOURCE_QUERY: QuerySchema = RESOURCE_FIELDS;

/**
 * Argo CD's `ResourcesQuery` (`GET .../managed-resources`): the same filters, the object's name as `name`;
 * `revision` (Berth's) compares the cluster with what another revision renders (`berth app diff --revision`).
 */
export const MANAGED_RESOURCES_QUERY: QuerySchema = {
  revision: queryRevision,
  namespace: RESOURCE_FIELDS.namespace,
  name: RESOURCE_FIELDS.resourceName,
  version: RESOURCE_FIELDS.version,
  group: RESOURCE_FIELDS.group,
  kind: RESOURCE_FIELDS.kind,
  appNamespace: RESOURCE_FIELDS.appNamespace,
  project: RESOURCE_FIELDS.project,
};

export const PATCH_TYPES: Readonly<Record<string, PatchType>> = {
  'application/merge-patch+json': 'merge',
  'application/json-patch+json': 'json',
  'application/strategic-merge-patch+json': 'strategic',
};

export const PATCH_QUERY: QuerySchema = {
  ...RESOURCE_FIELDS,
  patchType: queryEnum(Object.keys(PATCH_TYPES)),
};

export const DELETE_QUERY: QuerySchema = {
  ...RESOURCE_FIELDS,
  force: queryBoolean,
  orphan: queryBoolean,
};

/** The action of a v1 RunResourceAction, whose body is the action name (grpc-gateway `body: "action"`). */
export const ACTIONS_QUERY: QuerySchema = {
  ...RESOURCE_FIELDS,
  // grpc-gateway also reads body-less fields from the query string.
  action: queryPattern(ACTION_NAME, 63, ACTION_FIX),
};

/** The resource part of a request, once checked. */
export interface ResourceQuery {
  namespace?: string;
  resourceName?: string;
  version?: string;
  group?: string;
  kind?: string;
  appNamespace?: string;
  project?: string;
}

/** Argo CD's `ResourceActionRunRequestV2` (`POST .../resource/actions/v2`, all fields in the body). */
export interface ActionRunBody extends ResourceQuery {
  name?: string;
  action: string;
}

export const ACTION_RUN_V2 = bodySchema<ActionRunBody>(
  'Resource action request',
  requestObject({
    fields: {
      name: text({ maxLength: 253 }),
      namespace: text({ maxLength: 63, pattern: DNS_LABEL, fix: "the resource's metadata.namespace" }),
      resourceName: text({ maxLength: 253, pattern: OBJECT_NAME, fix: "the resource's metadata.name" }),
      version: text({ maxLength: 63, pattern: VERSION, fix: 'the API version without the group, e.g. "v1"' }),
      group: text({ maxLength: 253, pattern: GROUP, fix: 'the API group, e.g. "apps"' }),
      kind: text({ maxLength: 63, pattern: KIND, fix: 'the resource kind, e.g. "Deployment"' }),
      action: text({ maxLength: 63, pattern: ACTION_NAME, fix: ACTION_FIX }),
      appNamespace: text({ maxLength: 253 }),
      project: text({ maxLength: 253 }),
      resourceActionParameters: (value, path, issues) => {
        if (Array.isArray(value) && value.length === 0) return;
        list(unsupported('action parameters (scale and other actions that take them)'), 100)(
          value,
          path,
          issues,
        );
      },
    },
    required: { action: ACTION_FIX, resourceName: "the resource's metadata.name", kind: 'e.g. "Deployment"' },
  }),
);

/** The fields every resource request must name: 400 naming each missing one, with what to give. */
export function requireResource(query: ResourceQuery, kind: string): LiveResourceRef & { version: string } {
  const issues: Array<{ path: string; message: string; fix: string }> = [];
  if (!query.resourceName)
    issues.push({ path: 'resourceName', message: 'is required', fix: "the resource's metadata.name" });
  if (!query.kind)
    issues.push({ path: 'kind', message: 'is required', fix: 'the resource kind, e.g. "Deployment"' });
  if (issues.length > 0) throw new ValidationFailedError(kind, undefined, issues);
  return {
    group: query.group ?? '',
    version: query.version ?? '',
    kind: query.kind!,
    namespace: query.namespace ?? '',
    name: query.resourceName!,
  };
}

/**
 * The action of a v1 RunResourceAction: its body is the action name as a JSON string (`"restart"`, what
 * grpc-gateway reads for `body: "action"`), or empty with `?action=` in the query string.
 */
export function actionOfBody(body: unknown, queryAction: string | undefined): string {
  const text = bodyTextOf(body).trim();
  const refuse = (message: string): never => {
    throw new ValidationFailedError('Resource action request', undefined, [
      {
        path: 'action',
        message,
        fix: `send the action name as a JSON string, e.g. "restart"; ${ACTION_FIX}`,
      },
    ]);
  };
  if (text === '') return queryAction ?? refuse('is required');
  let value: unknown;
  try {
    value = parseJsonBounded(text);
  } catch {
    return refuse('the body is not JSON');
  }
  if (typeof value !== 'string')
    return refuse(
      `expected a JSON string, got ${Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value}`,
    );
  if (value.length > 63) return refuse(`is ${value.length} characters long; the limit is 63`);
  if (!ACTION_NAME.test(value)) return refuse(`${JSON.stringify(value)} is not valid`);
  if (queryAction && queryAction !== value)
    return refuse(`the body says "${value}" and the query string "${queryAction}"`);
  return value;
}
