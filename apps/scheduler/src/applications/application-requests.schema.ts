import { boolean, integer, type FieldCheck } from '@berth/domain/application/field-checks';
import { checkSyncOption } from '@berth/domain/application/sync-options';
import type { RetryStrategy } from '@berth/domain';
import { bodySchema, type QuerySchema } from '../http/request-pipes';
import {
  list,
  queryBoolean,
  queryEnum,
  queryInteger,
  queryPattern,
  queryText,
  requestObject,
  text,
  unsupported,
  type QueryCheck,
} from '../http/request-checks';

/**
 * The bodies and query strings of the application API. Field names are Argo CD's
 * (ApplicationSyncRequest, ApplicationRollbackRequest), so its clients' requests are read the same;
 * fields Berth does not implement are refused by name rather than ignored.
 */

const NAME = text({ maxLength: 253 });

// A revision reaches `git` and `helm` as an argument: one starting with "-" would read as an option.
const REVISION_PATTERN = /^[^-]/;
const REVISION_FIX = 'a branch, tag, commit SHA or chart version; it cannot start with "-"';
const revision = text({ maxLength: 255, pattern: REVISION_PATTERN, fix: REVISION_FIX });

export const queryRevision: QueryCheck = (value, name, issues) => {
  revision(value, name, issues);
};

const syncOption: FieldCheck = (value, path, issues) => {
  const before = issues.errors.length;
  text({ maxLength: 256 })(value, path, issues);
  if (issues.errors.length === before) checkSyncOption(value as string, path, issues);
};

const syncOptionList = list(syncOption, 64);

/** A plain list, or Argo CD's `{"items": [...]}` (its swagger's v1alpha1SyncOptions), which its own clients send. */
const syncOptions: FieldCheck = (value, path, issues) => {
  if (Array.isArray(value)) syncOptionList(value, path, issues);
  else requestObject({ fields: { items: syncOptionList } })(value, path, issues);
};

const syncResource = requestObject({
  fields: {
    group: text({ maxLength: 253 }),
    kind: text({ maxLength: 253 }),
    name: NAME,
    namespace: text({ maxLength: 63 }),
  },
  required: { kind: 'the resource kind, e.g. "Deployment"', name: "the resource's metadata.name" },
});

/** Argo CD's `force` of a sync strategy: the same as the sync option Force=true for every resource. */
const strategyOptions = requestObject({ fields: { force: boolean } });

/** Go durations ("5s", "2m") or plain seconds ("30"), as Argo CD reads a backoff. */
const backoffDuration = text({
  maxLength: 64,
  pattern: /^\s*(\d+|(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+)\s*$/,
  fix: 'a duration, e.g. "5s", "2m"',
});

/** Argo CD's RetryStrategy (`argocd app sync --retry-limit ...`): this operation's retries. */
const retryStrategy = requestObject({
  fields: {
    limit: integer({ meaning: 'the number of retries; 0: none, negative: without end' }),
    backoff: requestObject({
      fields: {
        duration: backoffDuration,
        factor: integer({
          min: 1,
          meaning: 'the factor multiplies the wait after each retry: use 1 or more',
        }),
        maxDuration: backoffDuration,
      },
    }),
    refresh: boolean,
  },
});

/** Argo CD's `infos`: name/value notes kept on the operation (`argocd app sync --info name=value`). */
const info = requestObject({
  fields: { name: text({ maxLength: 253 }), value: text({ maxLength: 4096 }) },
  required: { name: 'the note\'s name, e.g. "ticket"', value: "the note's value" },
});

/** Argo CD's sync strategies: `hook` (the default: hooks run) and `apply` (resources only, no hooks). */
const syncStrategy = requestObject({ fields: { hook: strategyOptions, apply: strategyOptions } });

/** Applications live in Berth's one namespace: an empty appNamespace is the only one there is. */
const appNamespace = unsupported('applications in other namespaces (appNamespace)', (v) => v === '');

export interface SyncRequestBody {
  revision?: string;
  prune?: boolean;
  dryRun?: boolean;
  resources?: Array<{ group?: string; kind: string; name: string; namespace?: string }>;
  syncOptions?: string[] | { items?: string[] | null };
  /** Argo CD's `strategy`: `{"apply": {}}` applies the resources without running hooks. */
  strategy?: { hook?: { force?: boolean } | null; apply?: { force?: boolean } | null } | null;
  retryStrategy?: RetryStrategy | null;
  infos?: Array<{ name: string; value: string }> | null;
  name?: string;
  project?: string;
}

export const SYNC_REQUEST = bodySchema<SyncRequestBody>(
  'Sync request',
  requestObject({
    fields: {
      revision,
      prune: boolean,
      dryRun: boolean,
      resources: list(syncResource, 10_000),
      syncOptions,
      name: NAME,
      project: NAME,
      appNamespace,
      strategy: syncStrategy,
      retryStrategy,
      infos: list(info, 100),
      manifests: unsupported(
        'syncing local manifests (argocd app sync --local): Berth syncs what Git renders; push the change and sync',
        (v) => Array.isArray(v) && v.length === 0,
      ),
      revisions: unsupported('per-source revisions; use revision'),
      sourcePositions: unsupported('per-source revisions; use revision'),
    },
  }),
);

/**
 * `syncOptions` in either shape, as the plain list the domain takes. A strategy's `force` is gitops-engine's
 * force for every task: the same as Force=true, which is added when it is not there.
 */
export function syncOptionsOf(body: SyncRequestBody): string[] | undefined {
  const options = body.syncOptions;
  const list =
    options === undefined || options === null
      ? undefined
      : Array.isArray(options)
        ? options
        : (options.items ?? undefined);
  const force = body.strategy?.apply?.force === true || body.strategy?.hook?.force === true;
  if (!force || list?.some((o) => o.trim() === 'Force=true')) return list;
  return [...(list ?? []), 'Force=true'];
}

/**
 * Argo CD's int64 `id`: a JSON number, or a string of digits as grpc-gateway clients send int64 fields
 * (`"id": "3"`). Anything else, a fraction or a sign included, is refused by name.
 */
const historyId: FieldCheck = (value, path, issues) => {
  if (typeof value === 'string') {
    // "" is a missing id: the required check says so.
    if (value !== '' && !/^\d{1,15}$/.test(value))
      issues.error(
        path,
        `"${value.slice(0, 40)}" is not a history id`,
        'the integer id of a history entry, as a number or a string of digits; list them with GET .../history',
      );
    return;
  }
  integer({ min: 0, meaning: 'the id of a history entry; list them with GET .../history' })(
    value,
    path,
    issues,
  );
};

/** The id of a checked rollback request as a number. */
export function historyIdOf(body: RollbackRequestBody): number {
  return typeof body.id === 'string' ? Number(body.id) : body.id;
}

export interface RollbackRequestBody {
  id: number | string;
  prune?: boolean;
  dryRun?: boolean;
  kinds?: string[];
  name?: string;
  project?: string;
}

export const ROLLBACK_REQUEST = bodySchema<RollbackRequestBody>(
  'Rollback request',
  requestObject({
    fields: {
      id: historyId,
      prune: boolean,
      dryRun: boolean,
      kinds: (value, path, issues) => {
        if (Array.isArray(value) && value.length === 0)
          issues.error(path, 'is empty', 'name the kinds to roll back, e.g. ["Deployment"], or omit kinds');
        else list(text({ maxLength: 253 }), 100)(value, path, issues);
      },
      name: NAME,
      project: NAME,
      appNamespace,
    },
    required: { id: 'the integer id of a history entry; list them with GET .../history' },
  }),
);

export const CREATE_QUERY: QuerySchema = { upsert: queryBoolean };
/** Argo CD's ApplicationDeleteRequest: `propagationPolicy` is taken; Berth deletes in the foreground either way. */
export const DELETE_QUERY: QuerySchema = {
  cascade: queryBoolean,
  propagationPolicy: queryEnum(['foreground', 'background', 'orphan']),
  appNamespace: queryText(253),
  project: queryText(253),
};
/** Argo CD's Get (ApplicationQuery): `refresh` asks for a compare first, as its CLI and UI do. */
export const GET_QUERY: QuerySchema = {
  refresh: queryEnum(['normal', 'hard']),
  appNamespace: queryText(253),
  project: queryText(253),
};
/** Argo CD's ApplicationUpdateRequest / UpdateSpec query: `validate` (Berth always validates), `project`. */
export const UPDATE_QUERY: QuerySchema = {
  validate: queryBoolean,
  appNamespace: queryText(253),
  project: queryText(253),
};

/** Argo CD's ApplicationPatchRequest: `patch` is the patch document as a JSON string. */
export interface PatchRequestBody {
  name?: string;
  patch: string;
  patchType?: 'json' | 'merge';
  appNamespace?: string;
  project?: string;
}

export const PATCH_REQUEST = bodySchema<PatchRequestBody>(
  'Patch request',
  requestObject({
    fields: {
      name: NAME,
      patch: text({ maxLength: 1024 * 1024 }),
      patchType: text({
        pattern: /^(json|merge)$/,
        fix: 'json (RFC 6902, the default) or merge (RFC 7386); strategic merge patches are not supported, as in Argo CD',
      }),
      appNamespace,
      project: NAME,
    },
    required: { patch: 'the patch document as a JSON string, e.g. "{\\"spec\\":{...}}"' },
  }),
);
export const REFRESH_QUERY: QuerySchema = { refresh: queryEnum(['normal', 'hard']) };
export const MANIFESTS_QUERY: QuerySchema = { revision: queryRevision };

/**
 * Argo CD's ApplicationResourceEventsQuery. The values go into a Kubernetes field selector, so they keep
 * to what Kubernetes names can be: no `,` `=` `\` (selector syntax), no `/`, no spaces.
 */
export const EVENTS_QUERY: QuerySchema = {
  resourceName: queryPattern(/^[^\s,=\\/]+$/, 253, "the resource's metadata.name"),
  resourceNamespace: queryPattern(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    63,
    "the resource's metadata.namespace (a DNS label); omit it for a cluster-scoped resource",
  ),
  resourceUID: queryPattern(/^[A-Za-z0-9-]+$/, 64, "the resource's metadata.uid"),
  appNamespace: queryText(253),
  project: queryText(253),
};

/** Argo CD's RevisionMetadataQuery / RevisionChartDetailsQuery (`sourceIndex` picks a source of a multi-source app). */
export const REVISION_QUERY: QuerySchema = {
  sourceIndex: queryInteger(0, 1000),
  appNamespace: queryText(253),
  project: queryText(253),
};

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Argo CD's ApplicationPodLogsQuery (`GET .../logs`). Every name is checked against what Kubernetes allows
 * for it, so nothing else (`--x`, `../`, a query of its own) reaches the cluster's URL.
 */
export const LOGS_QUERY: QuerySchema = {
  podName: queryPattern(dnsSubdomain, 253, "a Pod's metadata.name (a DNS subdomain)"),
  container: queryPattern(dnsLabel, 63, 'a container name (a DNS label)'),
  namespace: queryPattern(dnsLabel, 63, "the Pod's namespace (a DNS label)"),
  sinceSeconds: queryInteger(0, 10 * 365 * 86400),
  'sinceTime.seconds': queryInteger(0, 253402300799),
  'sinceTime.nanos': queryInteger(0, 999999999),
  tailLines: queryInteger(0, 1_000_000),
  follow: queryBoolean,
  previous: queryBoolean,
  matchCase: queryBoolean,
  filter: queryText(1024),
  kind: queryPattern(/^[A-Za-z][A-Za-z0-9]*$/, 63, 'a resource kind, e.g. Deployment'),
  group: queryPattern(dnsSubdomain, 253, "a resource's API group, e.g. apps (empty for core)"),
  resourceName: queryPattern(dnsSubdomain, 253, "a resource's metadata.name"),
  appNamespace: queryText(253),
  project: queryText(253),
};
