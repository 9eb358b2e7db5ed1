import type { ObjectMeta } from '../application/application.types';

/**
 * Argo CD's `argoproj.io/v1alpha1` AppProject: which repositories an Application may use, where it may
 * deploy, and which kinds it may create. Patterns are Argo CD globs (`*`, `?`, `[..]`, `{a,b}`),
 * and `!pattern` denies in sourceRepos, destinations and sourceNamespaces.
 */
export const APP_PROJECT_KIND = 'AppProject';

export interface AppProject {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: typeof APP_PROJECT_KIND;
  metadata: ObjectMeta;
  spec: AppProjectSpec;
  status?: Record<string, unknown>;
}

export interface GroupKind {
  /** API group; "" is the core group (Pods, Services, ConfigMaps). */
  group: string;
  kind: string;
}

/**
 * Argo CD's ClusterResourceRestrictionItem: a cluster-scoped kind, and optionally a `name` glob
 * (`{kind: Namespace, name: team1-*}`); without a name every object of the kind matches.
 */
export interface ClusterResourceRestrictionItem extends GroupKind {
  name?: string;
}

export interface ProjectDestination {
  server?: string;
  name?: string;
  namespace?: string;
}

/** Argo CD's JWTToken: a project token issued for a role, revoked by removing its entry. */
export interface ProjectRoleToken {
  /** Issued at, seconds since 1970. */
  iat: number;
  /** Expires at, seconds since 1970; absent: never. */
  exp?: number;
  /** The token's `jti`. */
  id?: string;
}

/**
 * Argo CD's ProjectRole: policies a project grants inside itself to the role's tokens
 * (`sub: proj:<project>:<role>`) and to the SSO groups listed in `groups`.
 */
export interface ProjectRole {
  name: string;
  description?: string;
  /** Casbin lines, e.g. `p, proj:my-project:ci, applications, sync, my-project/*, allow`. */
  policies?: string[];
  groups?: string[];
  jwtTokens?: ProjectRoleToken[];
}

/** Argo CD's SyncWindow: when syncs of the apps it selects are allowed or denied (docs/sync-windows.md). */
export interface SyncWindow {
  kind: 'allow' | 'deny';
  /** Cron schedule (robfig/cron's five fields) of the window's openings, e.g. "0 22 * * *". */
  schedule: string;
  /** Go duration each opening lasts, e.g. "1h", "1h30m". */
  duration: string;
  /** Globs of application names, destination namespaces and destination clusters (name or server). */
  applications?: string[];
  namespaces?: string[];
  clusters?: string[];
  /** A person may still sync by hand while this window blocks syncs. */
  manualSync?: boolean;
  /** IANA zone the schedule is read in; default UTC. */
  timeZone?: string;
  /** The window applies only when all the selectors it sets match (default: any of them). */
  andOperator?: boolean;
  description?: string;
  /** Argo CD 3.x: a running sync may continue past the window. Accepted, not honoured (docs/sync-windows.md). */
  syncOverrun?: boolean;
}

/**
 * Berth's approval gate for a gated environment (Argo CD has none; docs/approvals.md): every sync of the
 * applications it selects (manual, automated, rollback; not a dry run) waits until `requiredApprovals`
 * distinct people holding `applications, approve, <project>/<app>` approve it, none of them the requester.
 * Selected like a sync window: globs of application names, destination namespaces and clusters.
 */
export interface SyncApproval {
  applications?: string[];
  namespaces?: string[];
  clusters?: string[];
  /** The entry applies only when all the selectors it sets match (default: any of them). */
  andOperator?: boolean;
  /** How many distinct approvers a sync needs; default 1. */
  requiredApprovals?: number;
  /** Go duration a request waits for its approvals before it expires (the sync fails); default "24h". */
  expiresAfter?: string;
  description?: string;
}

export interface OrphanedResourcesMonitorSettings {
  warn?: boolean;
  ignore?: { group?: string; kind?: string; name?: string }[];
}

export interface AppProjectSpec {
  description?: string;
  sourceRepos?: string[];
  destinations?: ProjectDestination[];
  /** Cluster-scoped kinds (and name globs) allowed; empty or absent allows none. */
  clusterResourceWhitelist?: ClusterResourceRestrictionItem[];
  clusterResourceBlacklist?: ClusterResourceRestrictionItem[];
  /** Namespaced kinds allowed; absent allows all, an empty list allows none. */
  namespaceResourceWhitelist?: GroupKind[];
  namespaceResourceBlacklist?: GroupKind[];
  roles?: ProjectRole[];
  syncWindows?: SyncWindow[];
  /** Berth: syncs of the apps these select wait for approval (docs/approvals.md). */
  syncApprovals?: SyncApproval[];
  orphanedResources?: OrphanedResourcesMonitorSettings;
  signatureKeys?: { keyID: string }[];
  /** Namespaces other than the control plane's where this project's Applications may live. */
  sourceNamespaces?: string[];
  /** Only clusters registered with this project (a cluster's `project`) are permitted destinations. */
  permitOnlyProjectScopedClusters?: boolean;
  destinationServiceAccounts?: { server: string; namespace?: string; defaultServiceAccount: string }[];
}
