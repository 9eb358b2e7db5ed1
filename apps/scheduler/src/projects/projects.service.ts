import {
  canonicalJson,
  defaultAppProject,
  DomainError,
  formatIssue,
  projectPermits,
  projectStreamId,
  validateAppProject,
  ValidationFailedError,
  DEFAULT_PROJECT_NAME,
  type Application,
  type AppProject,
  type ProjectEvent,
} from '@berth/domain';
import { formatYamlSyntaxIssue, parseApplicationDocument } from '@berth/infra';
import { Injectable } from '@nestjs/common';
import type { RequestActor } from '../http/request-actor';
import { unsafeValueIssues } from '../http/storable-value';
import { SchedulerContext } from '../scheduler.context';

/** AppProjects, as in Argo CD: the `default` project exists and permits everything until redefined. */
@Injectable()
export class ProjectsService {
  constructor(private readonly ctx: SchedulerContext) {}

  async upsert(body: string, who: RequestActor, expectName?: string) {
    const parsed = parseApplicationDocument(body);
    if (!parsed.ok)
      throw new DomainError(
        'Invalid',
        `the request body is not valid YAML or JSON: ${parsed.errors.map(formatYamlSyntaxIssue).join('; ')}`,
      );
    if (parsed.documents.length !== 1)
      throw new DomainError('Invalid', 'send exactly one AppProject per request');
    const unsafe = unsafeValueIssues(parsed.documents[0]!.value);
    if (unsafe.length > 0) throw new ValidationFailedError('AppProject', undefined, unsafe);
    const result = validateAppProject(parsed.documents[0]!.value);
    if (!result.ok) {
      const name = (parsed.documents[0]!.value as { metadata?: { name?: unknown } } | null)?.metadata?.name;
      throw new ValidationFailedError(
        'AppProject',
        typeof name === 'string' ? name : undefined,
        result.errors,
      );
    }
    const project = result.project;
    const name = project.metadata.name;
    if (expectName !== undefined && expectName !== name) {
      throw new DomainError('Invalid', `metadata.name "${name}" does not match the URL's "${expectName}"`);
    }
    const existing = await this.find(name);
    if (existing && canonicalJson(existing) === canonicalJson(project)) return project;
    const event: ProjectEvent = existing
      ? {
          type: 'ProjectSpecChanged',
          schemaVersion: 2,
          data: { project: name, manifest: project as never },
        }
      : {
          type: 'ProjectCreated',
          schemaVersion: 2,
          data: { project: name, manifest: project as never },
        };
    await this.ctx.store.append(projectStreamId(name), 'any', [event], metadataOf(who), async (m) => {
      await m.query(
        `INSERT INTO projects (name, manifest) VALUES ($1, $2::jsonb)
         ON CONFLICT (name) DO UPDATE SET manifest = EXCLUDED.manifest, updated_at = now()`,
        [name, JSON.stringify(project)],
      );
    });
    return project;
  }

  async list() {
    const rows: Array<{ manifest: AppProject }> = await this.ctx.dataSource.query(
      `SELECT manifest FROM projects ORDER BY name`,
    );
    const items = rows.map((r) => r.manifest);
    if (!items.some((p) => p.metadata.name === DEFAULT_PROJECT_NAME)) items.unshift(defaultAppProject());
    return { items };
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

  async delete(name: string, who: RequestActor): Promise<void> {
    await this.get(name);
    const apps = (await this.ctx.applications.namesInProject(name, 5)).map((app) => ({ name: app }));
    if (apps.length > 0) {
      throw new DomainError(
        'Invalid',
        `project "${name}" is used by ${apps.map((a) => a.name).join(', ')}${apps.length === 5 ? ' and more' : ''}; move or delete those applications first`,
      );
    }
    const event: ProjectEvent = {
      type: 'ProjectDeleted',
      schemaVersion: 2,
      data: { project: name },
    };
    await this.ctx.store.append(projectStreamId(name), 'any', [event], metadataOf(who), async (m) => {
      await m.query(`DELETE FROM projects WHERE name = $1`, [name]);
    });
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
    const clusters: Array<{ name: string; server: string }> = await this.ctx.dataSource.query(
      `SELECT name, server FROM clusters`,
    );
    const violations = projectPermits(project, application, {
      clusters: [{ name: 'in-cluster', server: 'https://kubernetes.default.svc' }, ...clusters],
    });
    if (violations.length > 0) {
      throw new DomainError(
        'Forbidden',
        `application "${application.metadata.name}" is not permitted by project "${name}":\n${violations.map((v) => `  ${formatIssue(v)}`).join('\n')}`,
        { issues: violations.map((v) => ({ field: v.path, message: v.message, fix: v.fix })) },
      );
    }
  }

  private async find(name: string): Promise<AppProject | undefined> {
    const rows: Array<{ manifest: AppProject }> = await this.ctx.dataSource.query(
      `SELECT manifest FROM projects WHERE name = $1`,
      [name],
    );
    return rows[0]?.manifest;
  }
}

function metadataOf(who: RequestActor) {
  return {
    actor: who.actor,
    correlationId: who.correlationId,
    source: 'scheduler',
    ...(who.reason ? { reason: who.reason } : {}),
  };
}
