import { randomUUID } from 'node:crypto';
import {
  activeSyncWindows,
  appProjectAggregate,
  decideAppProject,
  defaultAppProject,
  DomainError,
  formatIssue,
  kubernetesEventOf,
  projectPermits,
  projectRoleSubject,
  projectStreamId,
  syncApprovalRequirementFor,
  syncWindowsVerdictFor,
  validateAppProject,
  ValidationFailedError,
  DEFAULT_PROJECT_NAME,
  type Application,
  type AppProject,
  type ClusterRef,
  type Issue,
  type KubernetesEvent,
  type SyncApprovalRequirement,
  type SyncWindow,
  type SyncWindowsVerdict,
} from '@berth/domain';
import type { Identity } from '@berth/auth';
import { Injectable } from '@nestjs/common';
import { metadataOf, type RequestActor } from '../http/request-actor';
import { requestDocumentOf } from '../http/request-document';
import { SchedulerContext } from '../scheduler.context';

/**
 * The AppProject of a create or update body: Argo CD's request (`{project, upsert}` / `{project}`), told
 * apart from a bare AppProject by having `project` and neither `metadata` nor `spec`.
 */
function projectRequestOf(
  value: unknown,
  kind: 'create' | 'update',
): { project: unknown; upsert?: boolean; wrapped: boolean } {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { project: value, wrapped: false };
  const fields = value as Record<string, unknown>;
  if (!('project' in fields) || 'metadata' in fields || 'spec' in fields)
    return { project: value, wrapped: false };
  const allowed = kind === 'create' ? ['project', 'upsert'] : ['project'];
  const issues: Issue[] = Object.keys(fields)
    .filter((key) => !allowed.includes(key))
    .map((key) => ({
      path: key,
      message: 'unknown field',
      fix: `a ${kind === 'create' ? 'ProjectCreateRequest' : 'ProjectUpdateRequest'} has ${allowed.join(', ')}`,
    }));
  const upsert = fields['upsert'];
  if (upsert !== undefined && upsert !== null && typeof upsert !== 'boolean')
    issues.push({ path: 'upsert', message: 'expected a boolean', fix: 'use true or false' });
  if (typeof fields['project'] !== 'object' || fields['project'] === null || Array.isArray(fields['project']))
    issues.push({
      path: 'project',
      message: 'expected the AppProject as an object',
      fix: '{"project": {"metadata": {...}, "spec": {...}}}',
    });
  if (issues.length > 0) throw new ValidationFailedError('Project request', undefined, issues);
  return { project: fields['project'], ...(typeof upsert === 'boolean' ? { upsert } : {}), wrapped: true };
}

/**
 * Argo CD's typed clients send an AppProject without apiVersion and kind (its server fills them in, as for
 * Applications); another kind stays for the validator to refuse.
 */
function withProjectTypeMeta(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const fields = value as Record<string, unknown>;
  return {
    ...(fields['apiVersion'] === undefined ? { apiVersion: 'argoproj.io/v1alpha1' } : {}),
    ...(fields['kind'] === undefined ? { kind: 'AppProject' } : {}),
    ...fields,
  };
}

/** AppProjects, as in Argo CD: the `default` project exists and permits everything until redefined. */
/** A project's events listed: the newest ones, as Kubernetes keeps only recent Events. */
const PROJECT_EVENTS_LISTED = 1000;

@Injectable()
export class ProjectsService {
  constructor(private readonly ctx: SchedulerContext) {}

  /**
   * Creates or replaces a project; `warnings` are what the validator found worth saying (unknown fields,
   * deny-only entries). The body is Argo CD's ProjectCreateRequest `{project, upsert}` (create) or
   * ProjectUpdateRequest `{project}` (update, `expectName` the URL's), or the bare AppProject as YAML or JSON
   * (what `kubectl`-style files hold). As Argo CD's Create: a project that exists with another spec is
   * refused unless `upsert` (in the body, or the bare form's `?upsert=true`); the same spec again is no change.
   */
  async upsert(
    body: string,
    who: RequestActor,
    expectName?: string,
    upsertQuery = false,
  ): Promise<{ project: AppProject; warnings: Issue[] }> {
    const document = requestDocumentOf(body, 'AppProject');
    const request = projectRequestOf(document, expectName === undefined ? 'create' : 'update');
    const upsert = request.upsert ?? upsertQuery;
    const result = validateAppProject(withProjectTypeMeta(request.project));
    if (!result.ok) {
      const name = (request.project as { metadata?: { name?: unknown } } | null)?.metadata?.name;
      throw new ValidationFailedError(
        'AppProject',
        typeof name === 'string' ? name : undefined,
        request.wrapped
          ? result.errors.map((e) => ({ ...e, path: e.path ? `project.${e.path}` : 'project' }))
          : result.errors,
      );
    }
    const project = result.project;
    if (expectName === undefined && !upsert) {
      const existing = await this.find(project.metadata.name);
      if (existing && JSON.stringify(existing.spec) !== JSON.stringify(project.spec))
        throw new DomainError(
          'AlreadyExists',
          `project "${project.metadata.name}" already exists with a different spec; update it with PUT /api/v1/projects/${project.metadata.name}, or create with upsert: true to replace it`,
        );
    }
    const name = project.metadata.name;
    if (expectName !== undefined && expectName !== name) {
      throw new DomainError('Invalid', `metadata.name "${name}" does not match the URL's "${expectName}"`);
    }
    // Argo CD's Create with upsert needs `update` on a project that exists; PUT was checked by the guard.
    if (expectName === undefined) {
      const exists = (await this.find(name)) !== undefined;
      await this.ctx.authorizer.assert(who.identity, 'projects', exists ? 'update' : 'create', name);
    }
    // Two concurrent creates: the second is decided on top of the first (no second ProjectCreated).
    await this.ctx.commands.handle(
      appProjectAggregate,
      projectStreamId(name),
      (state) => decideAppProject({ type: 'UpsertProject', project }, state),
      metadataOf(who),
    );
    return { project, warnings: result.warnings };
  }

  /** Only the projects `identity` may get (a project role may always get its own project). */
  async list(identity: Identity) {
    const items = await this.ctx.projects.list();
    if (!items.some((p) => p.metadata.name === DEFAULT_PROJECT_NAME)) items.unshift(defaultAppProject());
    const visible = await this.ctx.authorizer.filter(identity, 'projects');
    return { items: items.filter((p) => visible(p.metadata.name)) };
  }

  /**
   * Argo CD's CreateToken: a JWT for the project's role (`sub: proj:<project>:<role>`), recorded in the role's
   * `jwtTokens` by id, issue and expiry time; the token is answered once and never stored.
   */
  async issueRoleToken(
    name: string,
    role: string,
    request: { id?: string; expiresIn: number },
    who: RequestActor,
  ): Promise<{ token: string }> {
    const iat = Math.floor(this.ctx.auth.nowMs() / 1000);
    const id = request.id || randomUUID();
    const exp = request.expiresIn > 0 ? iat + request.expiresIn : undefined;
    const issued = { id, iat, ...(exp !== undefined ? { exp } : {}) };
    await this.ctx.commands.handle(
      appProjectAggregate,
      projectStreamId(name),
      (state) => decideAppProject({ type: 'IssueRoleToken', role, token: issued }, state),
      metadataOf(who),
    );
    const token = await this.ctx.auth.codec.sign({
      sub: projectRoleSubject(name, role),
      jti: id,
      iat,
      ...(exp !== undefined ? { exp } : {}),
    });
    return { token };
  }

  /** Argo CD's DeleteToken: the token issued at `iat` (and with `id`, when given) is refused from now on. */
  async revokeRoleToken(name: string, role: string, iat: number, id: string | undefined, who: RequestActor) {
    await this.ctx.commands.handle(
      appProjectAggregate,
      projectStreamId(name),
      (state) => decideAppProject({ type: 'RevokeRoleToken', role, iat, ...(id ? { id } : {}) }, state),
      metadataOf(who),
    );
  }

  /**
   * Argo CD's ProjectService.ListEvents: the project's events from the log (created, changed, role tokens,
   * deleted), newest 1,000, each as the core/v1 Event Argo CD records on the AppProject.
   */
  async events(name: string): Promise<{ metadata: { resourceVersion?: string }; items: KubernetesEvent[] }> {
    const project = await this.get(name);
    const streamId = projectStreamId(name);
    const version = (await this.ctx.store.streamVersion(streamId)) ?? 0;
    const events =
      version === 0
        ? []
        : await this.ctx.store.readStream(streamId, Math.max(1, version - PROJECT_EVENTS_LISTED + 1));
    const involved = { apiVersion: project.apiVersion ?? 'argoproj.io/v1alpha1', kind: 'AppProject' };
    const namespace = project.metadata.namespace ?? 'argocd';
    const last = events[events.length - 1];
    return {
      metadata: last ? { resourceVersion: last.position.toString() } : {},
      items: events.map((event) => kubernetesEventOf({ name, namespace, involved }, event)),
    };
  }

  async get(name: string): Promise<AppProject> {
    const project = await this.find(name);
    if (project) return project;
    if (name === DEFAULT_PROJECT_NAME) return defaultAppProject();
    throw new DomainError(
      'NotFound',
      `project "${name}" not found; create it with POST /api/v1/projects or use project "default"`,
    );
  }

  /**
   * Argo CD's global projects: argocd-cm `globalProjects` names projects (by label selector) whose
   * restrictions every matching project inherits. Berth has no such setting, so a project inherits from none.
   */
  globalProjectsOf(_project: AppProject): AppProject[] {
    return [];
  }

  async delete(name: string, who: RequestActor): Promise<void> {
    await this.get(name);
    const usedBy = await this.ctx.applications.namesInProject(name, 5);
    await this.ctx.commands.handle(
      appProjectAggregate,
      projectStreamId(name),
      (state) => decideAppProject({ type: 'DeleteProject', usedBy }, state),
      metadataOf(who),
    );
  }

  /** Refuses an application its project does not permit, listing every violation (Argo CD does the same). */
  async assertPermits(application: Application): Promise<void> {
    const name = application.spec.project || DEFAULT_PROJECT_NAME;
    let project: AppProject;
    try {
      project = await this.get(name);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'NotFound') {
        throw new DomainError(
          'Invalid',
          `spec.project: project "${name}" does not exist; create it first or use "default"`,
        );
      }
      throw error;
    }
    const violations = projectPermits(project, application, { clusters: await this.knownClusters() });
    if (violations.length > 0) {
      throw new DomainError(
        'Forbidden',
        `application "${application.metadata.name}" is not permitted by project "${name}":\n${violations.map((v) => `  ${formatIssue(v)}`).join('\n')}`,
        { issues: violations.map((v) => ({ field: v.path, message: v.message, fix: v.fix })) },
      );
    }
  }

  /**
   * Argo CD's GetSyncWindowsState: the project's windows open now, whatever they select
   * (`GET /api/v1/projects/{name}/syncwindows` answers `{windows}`).
   */
  async activeSyncWindows(name: string): Promise<{ windows: SyncWindow[] }> {
    const project = await this.get(name);
    return { windows: activeSyncWindows(project.spec.syncWindows, this.ctx.now()).map((w) => w.window) };
  }

  /** Whether the windows of the application's project let a sync run now, manual (a person's) or automated. */
  async syncWindowsVerdict(application: Application, manual: boolean): Promise<SyncWindowsVerdict> {
    const project = await this.get(application.spec.project || DEFAULT_PROJECT_NAME);
    const windows = project.spec.syncWindows ?? [];
    return syncWindowsVerdictFor(
      windows,
      { name: application.metadata.name, destination: application.spec.destination },
      this.ctx.now(),
      { manual, clusters: windows.length > 0 ? await this.knownClusters() : [] },
    );
  }

  /**
   * The approvals a sync of the application needs under its project's `spec.syncApprovals` (docs/approvals.md),
   * or undefined when no entry selects it.
   */
  async syncApprovalFor(application: Application): Promise<SyncApprovalRequirement | undefined> {
    const project = await this.get(application.spec.project || DEFAULT_PROJECT_NAME);
    const approvals = project.spec.syncApprovals ?? [];
    if (approvals.length === 0) return undefined;
    return syncApprovalRequirementFor(
      approvals,
      { name: application.metadata.name, destination: application.spec.destination },
      approvals.some((a) => (a.clusters ?? []).length > 0) ? await this.knownClusters() : [],
    );
  }

  /** The cluster Berth runs in and the registered ones: rules naming a cluster find it by name or server. */
  private async knownClusters(): Promise<ClusterRef[]> {
    return [
      { name: 'in-cluster', server: 'https://kubernetes.default.svc' },
      ...(await this.ctx.clusters.destinations()),
    ];
  }

  private find(name: string): Promise<AppProject | undefined> {
    return this.ctx.projects.find(name);
  }
}
