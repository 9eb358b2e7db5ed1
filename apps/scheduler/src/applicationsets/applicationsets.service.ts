import {
  APPLICATION_SET_API_VERSION,
  APPLICATION_SET_KIND,
  ApplicationSetGenerationError,
  applicationSetAggregate,
  applicationSetStreamId,
  decideApplicationSet,
  DEFAULT_PROJECT_NAME,
  DomainError,
  formatIssue,
  generateApplications,
  LabelSelectorError,
  matchesLabelSelector,
  parseLabelSelector,
  projectOfApplicationSet,
  validateApplicationSet,
  ValidationFailedError,
  type ApplicationSet,
  type Issue,
} from '@berth/domain';
import type { Identity } from '@berth/auth';
import type { ApplicationSetRecord } from '@berth/event-store';
import { applicationSetSources } from '@berth/sources';
import { Injectable } from '@nestjs/common';
import { SchedulerSources } from '../applications/scheduler-sources';
import { metadataOf, type RequestActor } from '../http/request-actor';
import { requestDocumentOf } from '../http/request-document';
import { SchedulerContext } from '../scheduler.context';

export interface ApplicationSetListQuery {
  projects: string[];
  selector?: string;
}

/**
 * Argo CD's ApplicationSet API (server/applicationset): create (upsert, dryRun), get, list, delete and
 * generate. Writes go through the command path; the worker's applicationset queue does the rest.
 */
@Injectable()
export class ApplicationSetsService {
  constructor(
    private readonly ctx: SchedulerContext,
    private readonly sources: SchedulerSources,
  ) {}

  /**
   * The ApplicationSet of a body: the bare ApplicationSet (YAML or JSON), or Argo CD's
   * ApplicationSetCreateRequest / ApplicationSetGenerateRequest (`{applicationSet: {...}}`).
   * As Argo CD's validateAppSet: the template's project must be a plain name of an existing project.
   */
  async parse(body: string): Promise<{ appSet: ApplicationSet; warnings: Issue[] }> {
    let value = requestDocumentOf(body, 'ApplicationSet');
    if (isObject(value) && isObject(value['applicationSet']) && !('spec' in value))
      value = value['applicationSet'];
    const withTypeMeta = isObject(value)
      ? { apiVersion: APPLICATION_SET_API_VERSION, kind: APPLICATION_SET_KIND, ...value }
      : value;
    const result = validateApplicationSet(withTypeMeta);
    if (!result.ok) {
      const name = isObject(value) && isObject(value['metadata']) ? value['metadata']['name'] : undefined;
      throw new ValidationFailedError(
        'ApplicationSet',
        typeof name === 'string' ? name : undefined,
        result.errors,
      );
    }
    const appSet = result.applicationSet;
    const project = appSet.spec.template.spec?.['project'];
    if (typeof project === 'string' && project.includes('{{'))
      throw new ValidationFailedError('ApplicationSet', appSet.metadata.name, [
        {
          path: 'spec.template.spec.project',
          message:
            'the Argo CD API does not currently support creating ApplicationSets with templated `project` fields',
          fix: 'name one project (e.g. "default"), or one ApplicationSet per project',
        },
      ]);
    const name = projectOfApplicationSet(appSet);
    if (name !== DEFAULT_PROJECT_NAME && !(await this.ctx.projects.find(name)))
      throw new ValidationFailedError('ApplicationSet', appSet.metadata.name, [
        {
          path: 'spec.template.spec.project',
          message: `ApplicationSet references project ${name} which does not exist`,
          fix: 'create it first (POST /api/v1/projects) or name an existing one',
        },
      ]);
    return { appSet, warnings: result.warnings };
  }

  /** Argo CD's Create: `upsert` replaces a different spec (and needs `update` where it is now); `dryRun` records nothing. */
  async create(body: string, who: RequestActor, upsert: boolean, dryRun: boolean) {
    const { appSet, warnings } = await this.parse(body);
    const name = appSet.metadata.name;
    await this.ctx.authorizer.assert(
      who.identity,
      'applicationsets',
      'create',
      `${projectOfApplicationSet(appSet)}/${name}`,
    );
    const existing = await this.ctx.applicationSets.find(name);
    if (existing && upsert)
      await this.ctx.authorizer.assert(
        who.identity,
        'applicationsets',
        'update',
        `${existing.project}/${name}`,
      );
    if (dryRun) {
      // The same decision, nothing appended: a refusal (exists with another spec, no upsert) is the same answer.
      const { state } = await this.ctx.commands.load(applicationSetAggregate, applicationSetStreamId(name));
      decideApplicationSet({ type: 'UpsertApplicationSet', applicationSet: appSet, upsert }, state);
      return { applicationSet: appSet as unknown, warnings };
    }
    const { events } = await this.ctx.commands.handle(
      applicationSetAggregate,
      applicationSetStreamId(name),
      (state) =>
        decideApplicationSet({ type: 'UpsertApplicationSet', applicationSet: appSet, upsert }, state),
      metadataOf(who),
    );
    if (events.length > 0) await this.ctx.queues.requestApplicationSetReconcile(name, 'spec-changed');
    return { applicationSet: await this.get(name), warnings };
  }

  async get(name: string): Promise<unknown> {
    return argoApplicationSetOf(await this.record(name));
  }

  /** Argo CD's Get/Delete check: `applicationsets, <action>, <project>/<name>`; a missing set is NotFound only to whoever may see any. */
  async authorize(identity: Identity, action: 'get' | 'delete', name: string): Promise<void> {
    const record = await this.ctx.applicationSets.find(name);
    await this.ctx.authorizer.assert(
      identity,
      'applicationsets',
      action,
      `${record?.project ?? '*'}/${name}`,
    );
  }

  async list(who: Identity, query: ApplicationSetListQuery): Promise<unknown> {
    let requirements: ReturnType<typeof parseLabelSelector> = [];
    try {
      requirements = parseLabelSelector(query.selector ?? '');
    } catch (e) {
      if (e instanceof LabelSelectorError)
        throw new ValidationFailedError('Query string', undefined, [
          { path: 'selector', message: e.message, fix: 'e.g. selector=team=payments,env in (dev,prod)' },
        ]);
      throw e;
    }
    const visible = await this.ctx.authorizer.filter(who, 'applicationsets');
    const items = (await this.ctx.applicationSets.list()).filter(
      (r) =>
        visible(`${r.project}/${r.name}`) &&
        (query.projects.length === 0 || query.projects.includes(r.project)) &&
        matchesLabelSelector(requirements, r.manifest.metadata.labels ?? {}),
    );
    return { metadata: {}, items: items.map(argoApplicationSetOf) };
  }

  async delete(name: string, who: RequestActor): Promise<void> {
    await this.ctx.commands.handle(
      applicationSetAggregate,
      applicationSetStreamId(name),
      (state) => decideApplicationSet({ type: 'DeleteApplicationSet' }, state),
      metadataOf(who),
    );
    await this.ctx.queues.requestApplicationSetReconcile(name, 'deleted');
  }

  /** Argo CD's Generate: the Applications the set would generate now; nothing is recorded. */
  async generate(body: string, who: RequestActor): Promise<{ applications: unknown[] }> {
    const { appSet } = await this.parse(body);
    await this.ctx.authorizer.assert(
      who.identity,
      'applicationsets',
      'create',
      `${projectOfApplicationSet(appSet)}/${appSet.metadata.name}`,
    );
    const credentials = this.sources.credentials;
    const sources = await applicationSetSources(
      {
        git: this.sources.git,
        credentialsFor: async (project) =>
          (await credentials.forApplication({ spec: { project } })).credentials,
        clusters: async () =>
          (await this.ctx.clusters.list()).map((c) => ({
            name: c.name,
            server: c.server,
            ...(c.project ? { project: c.project } : {}),
          })),
      },
      appSet,
    );
    try {
      const result = await generateApplications(appSet, sources);
      if (result.invalid.length > 0)
        throw new DomainError('Invalid', result.invalid.map((i) => i.message).join('; '));
      return { applications: result.applications.map((a) => a.manifest) };
    } catch (e) {
      if (e instanceof ApplicationSetGenerationError)
        throw new DomainError('Invalid', `${e.reason}: ${e.message}`);
      if (e instanceof DomainError) throw e;
      throw new DomainError('Invalid', `cannot generate: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private async record(name: string): Promise<ApplicationSetRecord> {
    const record = await this.ctx.applicationSets.find(name);
    if (!record)
      throw new DomainError(
        'NotFound',
        `applicationset "${name}" not found; list them with GET /api/v1/applicationsets`,
      );
    return record;
  }
}

/** The ApplicationSet as Argo CD answers it: the stored manifest with `status.conditions` and `status.resources`. */
function argoApplicationSetOf(record: ApplicationSetRecord): unknown {
  return {
    ...record.manifest,
    metadata: {
      ...record.manifest.metadata,
      namespace: record.manifest.metadata.namespace ?? 'argocd',
      creationTimestamp: record.createdAt.toISOString(),
    },
    status: {
      conditions: record.conditions.map((c) => ({
        ...c,
        lastTransitionTime: record.updatedAt.toISOString(),
      })),
      resources: record.applications.map((name) => ({
        group: 'argoproj.io',
        version: 'v1alpha1',
        kind: 'Application',
        name,
        namespace: 'argocd',
      })),
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function formatWarnings(warnings: Issue[]): string[] {
  return warnings.map(formatIssue);
}
