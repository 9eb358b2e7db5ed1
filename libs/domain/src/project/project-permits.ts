import { sourcesOf } from '../application/application.defaults';
import type { Application, ApplicationDestination } from '../application/application.types';
import { quote } from '../application/field-checks';
import type { Issue } from '../application/validation-issue';
import { globMatch, isDenyPattern } from './argo-glob';
import type { AppProject, GroupKind } from './app-project.types';
import { DEFAULT_PROJECT_NAME } from './default-project';
import { normalizeGitUrl } from './git-url';

/** A rendered resource to check against the project's kind lists. */
export interface ResourceRef extends GroupKind {
  name?: string;
  /** The namespace the manifest sets, if any; namespaced resources without one go to the destination namespace. */
  namespace?: string;
  namespaced: boolean;
}

export interface ClusterRef {
  name: string;
  server: string;
}

export interface ProjectPermitsContext {
  /** Resources the Application renders; without them only sources and destination are checked. */
  resources?: readonly ResourceRef[];
  /** Known clusters, so a destination given by name is also matched against server patterns and back. */
  clusters?: readonly ClusterRef[];
  /** Namespace of Berth's control plane: Applications there need no sourceNamespaces entry. Default "argocd". */
  controllerNamespace?: string;
}

/**
 * Argo CD's documented rule for sourceRepos: some allow pattern matches and no `!` pattern does.
 * `*` stops at "/". (Argo CD's code also lets a lone deny pattern admit everything else; Berth
 * follows the documentation, which is the stricter reading: with only deny patterns nothing is allowed.)
 */
export function isSourcePermitted(project: AppProject, repoURL: string): boolean {
  const source = normalizeGitUrl(repoURL);
  let allowed = false;
  for (const pattern of project.spec.sourceRepos ?? []) {
    if (isDenyPattern(pattern)) {
      if (globMatch(normalizeGitUrl(pattern.slice(1)), source, '/')) return false;
    } else if (pattern === '*' || globMatch(normalizeGitUrl(pattern), source, '/')) {
      allowed = true;
    }
  }
  return allowed;
}

/** Whether a destination field's pattern (its body, for `!` patterns) matches the value. */
function fieldHits(pattern: string | undefined, value: string): boolean {
  const body = pattern !== undefined && isDenyPattern(pattern) ? pattern.slice(1) : (pattern ?? '');
  return body === '*' || globMatch(body, value);
}

/**
 * Argo CD's documented rule for destinations: an entry without `!` allows what its server (or name) and
 * namespace match; an entry with a `!` field denies what all its fields match. Permitted means allowed
 * by some entry and denied by none.
 */
export function isDestinationPermitted(project: AppProject, destination: ApplicationDestination): boolean {
  const server = destination.server ?? '';
  const name = destination.name ?? '';
  const namespace = destination.namespace ?? '';
  let allowed = false;
  for (const item of project.spec.destinations ?? []) {
    const clusterHit = fieldHits(item.server, server) || fieldHits(item.name, name);
    const namespaceHit =
      item.namespace === '*' || fieldHits(item.namespace, namespace) || item.namespace === namespace;
    const isDeny = [item.server, item.name, item.namespace].some(
      (field) => field !== undefined && isDenyPattern(field),
    );
    if (!clusterHit || !namespaceHit) continue;
    if (isDeny) return false;
    allowed = true;
  }
  return allowed;
}

function inList(resource: GroupKind, list: readonly GroupKind[]): boolean {
  return list.some(
    (item) => globMatch(item.kind, resource.kind) && globMatch(item.group ?? '', resource.group),
  );
}

/**
 * Argo CD's IsGroupKindPermitted. Namespaced kinds: allowed unless a whitelist is given and misses them
 * (an empty whitelist allows none), or the blacklist has them. Cluster-scoped kinds: only what the
 * whitelist names, minus the blacklist.
 */
export function whyGroupKindDenied(
  project: AppProject,
  resource: GroupKind,
  namespaced: boolean,
): string | undefined {
  const spec = project.spec;
  const [whitelist, blacklist, scope] = namespaced
    ? [spec.namespaceResourceWhitelist, spec.namespaceResourceBlacklist, 'namespace']
    : [spec.clusterResourceWhitelist, spec.clusterResourceBlacklist, 'cluster'];
  const whitelisted = namespaced && whitelist === undefined ? true : inList(resource, whitelist ?? []);
  if (!whitelisted) return `is not in ${scope}ResourceWhitelist`;
  if (inList(resource, blacklist ?? [])) return `is in ${scope}ResourceBlacklist`;
  return undefined;
}

function withKnownCluster(
  destination: ApplicationDestination,
  clusters: readonly ClusterRef[],
): ApplicationDestination {
  const byName = destination.name ? clusters.find((c) => c.name === destination.name) : undefined;
  const byServer = destination.server ? clusters.find((c) => c.server === destination.server) : undefined;
  const cluster = byName ?? byServer;
  if (cluster === undefined) return destination;
  return { ...destination, server: cluster.server, name: cluster.name };
}

function describeDestination(destination: ApplicationDestination): string {
  const cluster = destination.server
    ? `server ${quote(destination.server)}`
    : `name ${quote(destination.name ?? '')}`;
  return `${cluster}, namespace ${quote(destination.namespace ?? '')}`;
}

function resourceLabel(resource: ResourceRef): string {
  const groupKind = resource.group === '' ? resource.kind : `${resource.group}/${resource.kind}`;
  const name =
    resource.name === undefined
      ? ''
      : ` ${resource.namespace ? `${resource.namespace}/` : ''}${resource.name}`;
  return `resource ${groupKind}${name}`;
}

/**
 * Everything in `application` the project does not allow, as issues naming the field and the project
 * list to change. Empty means permitted. The built-in `default` project (defaultAppProject) permits all.
 */
export function projectPermits(
  project: AppProject,
  application: Application,
  context: ProjectPermitsContext = {},
): Issue[] {
  const violations: Issue[] = [];
  const projectName = project.metadata.name;
  const inProject = `project ${quote(projectName)}`;
  const appProject = application.spec.project || DEFAULT_PROJECT_NAME;
  if (appProject !== projectName) {
    violations.push({
      path: 'spec.project',
      message: `the Application belongs to ${quote(appProject)}, not ${inProject}`,
    });
  }

  const controllerNamespace = context.controllerNamespace ?? 'argocd';
  const appNamespace = application.metadata.namespace;
  if (appNamespace && appNamespace !== controllerNamespace) {
    const patterns = project.spec.sourceNamespaces ?? [];
    const allowed =
      patterns.some((p) => !isDenyPattern(p) && globMatch(p, appNamespace)) &&
      !patterns.some((p) => isDenyPattern(p) && globMatch(p.slice(1), appNamespace));
    if (!allowed) {
      violations.push({
        path: 'metadata.namespace',
        message: `Applications in namespace ${quote(appNamespace)} are not permitted by ${inProject}`,
        fix: `add ${quote(appNamespace)} to the project's sourceNamespaces, or create the Application in ${quote(controllerNamespace)}`,
      });
    }
  }

  const multi = application.spec.sources !== undefined && application.spec.sources.length > 0;
  sourcesOf(application).forEach((source, index) => {
    if (isSourcePermitted(project, source.repoURL)) return;
    violations.push({
      path: multi ? `spec.sources[${index}].repoURL` : 'spec.source.repoURL',
      message: `${quote(source.repoURL)} is not permitted by ${inProject}`,
      fix: "add it (or a pattern matching it) to the project's sourceRepos",
    });
  });

  const destination = withKnownCluster(application.spec.destination, context.clusters ?? []);
  if (!isDestinationPermitted(project, destination)) {
    violations.push({
      path: 'spec.destination',
      message: `${describeDestination(destination)} is not permitted by ${inProject}`,
      fix: "add it (or a pattern matching it) to the project's destinations",
    });
  }

  for (const resource of context.resources ?? []) {
    const denied = whyGroupKindDenied(project, resource, resource.namespaced);
    if (denied !== undefined) {
      violations.push({
        path: resourceLabel(resource),
        message: `${resource.namespaced ? 'namespaced' : 'cluster-scoped'} kind ${denied} of ${inProject}`,
        fix: denied.startsWith('is not')
          ? `add {group: ${quote(resource.group)}, kind: ${quote(resource.kind)}} to it, or remove the resource`
          : 'remove the resource, or take its kind off the list',
      });
      continue;
    }
    if (resource.namespaced && resource.namespace && resource.namespace !== destination.namespace) {
      const target = { ...destination, namespace: resource.namespace };
      if (!isDestinationPermitted(project, target)) {
        violations.push({
          path: resourceLabel(resource),
          message: `its namespace: ${describeDestination(target)} is not permitted by ${inProject}`,
          fix: "add the namespace to the project's destinations, or drop the namespace from the manifest",
        });
      }
    }
  }
  return violations;
}
