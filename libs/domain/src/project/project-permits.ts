import { sourcesOf } from '../application/application.defaults';
import type { Application, ApplicationDestination } from '../application/application.types';
import { quote } from '../application/field-checks';
import type { Issue } from '../application/validation-issue';
import { globMatch, isDenyPattern } from './argo-glob';
import type {
  AppProject,
  ClusterResourceRestrictionItem,
  GroupKind,
  ProjectDestination,
} from './app-project.types';
import { DEFAULT_PROJECT_NAME } from './default-project';
import { normalizeGitUrl } from './git-url';
import { type ClusterRef, knownClusterOf, withKnownCluster, withoutTrailingSlash } from './known-cluster';

/** A rendered resource to check against the project's kind lists. */
export interface ResourceRef extends GroupKind {
  name?: string;
  /** The namespace the manifest sets, if any; namespaced resources without one go to the destination namespace. */
  namespace?: string;
  namespaced: boolean;
}

export type { ClusterRef };

export interface ProjectPermitsContext {
  /** Resources the Application renders; without them only sources and destination are checked. */
  resources?: readonly ResourceRef[];
  /**
   * Known clusters, so a destination given by name is also matched against server patterns and back,
   * and permitOnlyProjectScopedClusters knows which are the project's own.
   */
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

/**
 * Destinations as Argo CD matches them (isDestinationMatched), read fail-safe:
 * - an entry without `!` allows a destination when its server pattern matches the destination's server, or
 *   its name pattern the destination's name, on the fields the destination sets (an entry without `name`
 *   never matches through a name the destination lacks: an unnamed, unknown server is not "name ''"),
 *   and its namespace pattern matches the namespace;
 * - a `!` field denies on its own, whatever the entry's other fields say (as in Argo CD): a destination
 *   whose value for that field matches the pattern's body, or that does not set the field, is refused;
 * - an entry with a `!` field never allows anything (Argo CD's also allows what its other fields match;
 *   the validator warns and shows the two-entry form that means the same in both).
 * Permitted means allowed by some entry and denied by none. Servers compare without trailing slashes.
 */
export function isDestinationPermitted(project: AppProject, destination: ApplicationDestination): boolean {
  const server = withoutTrailingSlash(destination.server ?? '');
  const name = destination.name ?? '';
  const namespace = destination.namespace ?? '';
  let allowed = false;
  for (const item of project.spec.destinations ?? []) {
    if (!hasDenyPattern(item)) {
      const clusterHit =
        (server !== '' && clusterPatternHits(item.server, server)) ||
        (name !== '' && clusterPatternHits(item.name, name));
      if (clusterHit && namespaceHits(item.namespace ?? '', namespace)) allowed = true;
      continue;
    }
    if (
      deniesField(item.server, server, 'server') ||
      deniesField(item.name, name, 'name') ||
      deniesField(item.namespace, namespace, 'namespace')
    )
      return false;
  }
  return allowed;
}

export function hasDenyPattern(item: ProjectDestination): boolean {
  return [item.server, item.name, item.namespace].some((f) => f !== undefined && isDenyPattern(f));
}

function clusterPatternHits(pattern: string | undefined, value: string): boolean {
  if (pattern === undefined || pattern === '') return false;
  return pattern === '*' || globMatch(withoutTrailingSlash(pattern), value);
}

function namespaceHits(pattern: string, namespace: string): boolean {
  return pattern === '*' || globMatch(pattern, namespace);
}

/**
 * A `!` pattern denies what its body matches; on server and name it also denies a destination that does
 * not set the field (Berth cannot tell it is not the one denied; Argo CD refuses it too).
 */
function deniesField(
  pattern: string | undefined,
  value: string,
  field: 'server' | 'name' | 'namespace',
): boolean {
  if (pattern === undefined || !isDenyPattern(pattern)) return false;
  if (field !== 'namespace' && value === '') return true;
  const body = field === 'server' ? withoutTrailingSlash(pattern.slice(1)) : pattern.slice(1);
  return body === '*' || globMatch(body, value);
}

/** Argo CD's permitOnlyProjectScopedClusters: the destination is one of the clusters registered with the project. */
function isProjectCluster(
  projectName: string,
  destination: ApplicationDestination,
  clusters: readonly ClusterRef[],
): boolean {
  const server = withoutTrailingSlash(destination.server ?? '');
  return clusters.some(
    (c) =>
      c.project === projectName &&
      ((destination.name !== undefined && destination.name !== '' && c.name === destination.name) ||
        (server !== '' && withoutTrailingSlash(c.server) === server)),
  );
}

/** What keeps an Application from its destination cluster (destinationProblems). */
export type DestinationProblem =
  /** No destination entry of the project matches (Argo CD's isDestinationMatched). */
  | { kind: 'not-permitted'; destination: ApplicationDestination }
  /** permitOnlyProjectScopedClusters: true, and the cluster is not registered with the project. */
  | { kind: 'not-a-project-cluster'; destination: ApplicationDestination }
  /** The cluster is registered with another project: only that project's Applications use it. */
  | { kind: 'cluster-of-another-project'; destination: ApplicationDestination; cluster: ClusterRef };

/**
 * The project's checks of the destination cluster and namespace (the part of projectPermits the worker
 * repeats before each comparison and sync, since projects and clusters change after an app is created).
 * `destination` in each problem has the known cluster's name and server filled in.
 */
export function destinationProblems(
  project: AppProject,
  application: Pick<Application, 'spec'>,
  clusters: readonly ClusterRef[],
): DestinationProblem[] {
  const problems: DestinationProblem[] = [];
  const projectName = project.metadata.name;
  const destination = withKnownCluster(application.spec.destination, clusters);
  if (!isDestinationPermitted(project, destination)) problems.push({ kind: 'not-permitted', destination });
  else if (
    project.spec.permitOnlyProjectScopedClusters === true &&
    !isProjectCluster(projectName, destination, clusters)
  )
    problems.push({ kind: 'not-a-project-cluster', destination });
  const cluster = knownClusterOf(application.spec.destination, clusters);
  const appProject = application.spec.project || DEFAULT_PROJECT_NAME;
  if (cluster?.project !== undefined && cluster.project !== appProject)
    problems.push({ kind: 'cluster-of-another-project', destination, cluster });
  return problems;
}

function inList(
  resource: GroupKind & { name?: string },
  list: readonly ClusterResourceRestrictionItem[],
): boolean {
  return list.some(
    (item) =>
      globMatch(item.kind, resource.kind) &&
      globMatch(item.group ?? '', resource.group) &&
      // Unlike group and kind, an item without a name matches every name (Argo CD's ClusterResourceRestrictionItem).
      (item.name === undefined || item.name === '' || globMatch(item.name, resource.name ?? '')),
  );
}

/**
 * Argo CD's IsGroupKindNamePermitted. Namespaced kinds: allowed unless a whitelist is given and misses them
 * (an empty whitelist allows none), or the blacklist has them. Cluster-scoped kinds: only what the
 * whitelist names, minus the blacklist; their items may restrict names with a glob.
 */
export function whyGroupKindDenied(
  project: AppProject,
  resource: GroupKind & { name?: string },
  namespaced: boolean,
): string | undefined {
  const spec = project.spec;
  const [whitelist, blacklist, scope] = namespaced
    ? [spec.namespaceResourceWhitelist, spec.namespaceResourceBlacklist, 'namespace']
    : [spec.clusterResourceWhitelist, spec.clusterResourceBlacklist, 'cluster'];
  // Names restrict cluster-scoped kinds only; namespaced lists are plain group/kinds in Argo CD.
  const subject = namespaced ? { group: resource.group, kind: resource.kind } : resource;
  const whitelisted = namespaced && whitelist === undefined ? true : inList(subject, whitelist ?? []);
  if (!whitelisted) return `is not in ${scope}ResourceWhitelist`;
  if (inList(subject, blacklist ?? [])) return `is in ${scope}ResourceBlacklist`;
  return undefined;
}

/** The whitelist item that would admit `resource`: with its name when the kind is only whitelisted for other names. */
function restrictionItemFor(project: AppProject, resource: ResourceRef): string {
  const base = `group: ${quote(resource.group)}, kind: ${quote(resource.kind)}`;
  const kindListedByName =
    !resource.namespaced &&
    resource.name !== undefined &&
    (project.spec.clusterResourceWhitelist ?? []).some(
      (item) =>
        item.name !== undefined &&
        item.name !== '' &&
        globMatch(item.kind, resource.kind) &&
        globMatch(item.group ?? '', resource.group),
    );
  return kindListedByName ? `{${base}, name: ${quote(resource.name ?? '')}}` : `{${base}}`;
}

function destinationIssue(problem: DestinationProblem, inProject: string, projectName: string): Issue {
  const where = describeDestination(problem.destination);
  switch (problem.kind) {
    case 'not-permitted':
      return {
        path: 'spec.destination',
        message: `${where} is not permitted by ${inProject}`,
        fix: "add it (or a pattern matching it) to the project's destinations",
      };
    case 'not-a-project-cluster':
      return {
        path: 'spec.destination',
        message: `${where} is not one of the clusters of ${inProject} (permitOnlyProjectScopedClusters: true)`,
        fix: `use a cluster registered with ${inProject}, or set permitOnlyProjectScopedClusters to false`,
      };
    case 'cluster-of-another-project':
      return {
        path: 'spec.destination',
        message: `cluster ${quote(problem.cluster.name)} is registered with project ${quote(problem.cluster.project ?? '')}: only its Applications may deploy to it, not those of ${inProject}`,
        fix: `use project ${quote(problem.cluster.project ?? '')}, or another cluster (register one without a project, or with ${quote(projectName)})`,
      };
  }
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
  for (const problem of destinationProblems(project, application, context.clusters ?? [])) {
    violations.push(destinationIssue(problem, inProject, projectName));
  }

  for (const resource of context.resources ?? []) {
    const denied = whyGroupKindDenied(project, resource, resource.namespaced);
    if (denied !== undefined) {
      violations.push({
        path: resourceLabel(resource),
        message: `${resource.namespaced ? 'namespaced' : 'cluster-scoped'} kind ${denied} of ${inProject}`,
        fix: denied.startsWith('is not')
          ? `add ${restrictionItemFor(project, resource)} to it, or remove the resource`
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
