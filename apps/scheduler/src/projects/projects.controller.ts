import { AnyAuthenticated, Authorize, AuthorizeInHandler, CurrentIdentity, type Identity } from '@berth/auth';
import { formatIssue, ValidationFailedError, type Issue } from '@berth/domain';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { bodyText } from '../http/body-text';
import { requestActor } from '../http/request-actor';
import { expiresInSeconds } from '../accounts/account-requests.schema';
import { queryBoolean, queryText } from '../http/request-checks';
import { JsonBody, ValidQuery, type QuerySchema } from '../http/request-pipes';
import { appendWarningHeaders } from '../http/warning-headers';
import { RegistriesService } from '../registries/registries.service';
import { PROJECT_TOKEN_REQUEST, type ProjectTokenRequest } from './project-token-requests.schema';
import { ProjectsService } from './projects.service';

/** The bare-AppProject form's upsert (Argo CD's ProjectCreateRequest carries it in the body). */
const PROJECT_CREATE_QUERY: QuerySchema = { upsert: queryBoolean };
const TOKEN_DELETE_QUERY: QuerySchema = { id: queryText(253) };

/** Argo CD's AppProject API: bodies are AppProject YAML or JSON. */
@Controller('api/v1/projects')
export class ProjectsController {
  constructor(
    private readonly projects: ProjectsService,
    private readonly registries: RegistriesService,
  ) {}

  @AuthorizeInHandler('projects, create, <metadata.name of the body>')
  @Post()
  @HttpCode(201)
  async create(
    @Body() body: unknown,
    @ValidQuery(PROJECT_CREATE_QUERY) query: { upsert?: string },
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return withWarnings(
      res,
      await this.projects.upsert(bodyText(body), requestActor(req), undefined, query.upsert === 'true'),
    );
  }

  @Authorize('projects', 'update', { param: 'name' })
  @Put(':name')
  async update(
    @Param('name') name: string,
    @Body() body: unknown,
    @ValidQuery() _query: object,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return withWarnings(res, await this.projects.upsert(bodyText(body), requestActor(req), name));
  }

  @AnyAuthenticated('lists only the projects the caller may get')
  @Get()
  list(@ValidQuery() _query: object, @CurrentIdentity() who: Identity) {
    return this.projects.list(who);
  }

  @Authorize('projects', 'get', { param: 'name' })
  @Get(':name')
  get(@Param('name') name: string, @ValidQuery() _query: object) {
    return this.projects.get(name);
  }

  /** Argo CD's GetSyncWindowsState: the project's sync windows open now, as `{windows: [...]}`. */
  @Authorize('projects', 'get', { param: 'name' })
  @Get(':name/syncwindows')
  syncWindows(@Param('name') name: string, @ValidQuery() _query: object) {
    return this.projects.activeSyncWindows(name);
  }

  /** Argo CD's Delete answers `200 {}` (EmptyResponse). */
  /**
   * Argo CD's GetDetailedProject: the project with the global projects it inherits from and the
   * repositories and clusters registered for it (credentials never included).
   */
  @Authorize('projects', 'get', { param: 'name' })
  @Get(':name/detailed')
  async detailed(@Param('name') name: string, @ValidQuery() _query: object) {
    const project = await this.projects.get(name);
    const [repositories, clusters] = await Promise.all([
      this.registries.listRepositories(),
      this.registries.listClusters(),
    ]);
    return {
      project,
      globalProjects: this.projects.globalProjectsOf(project),
      repositories: repositories.items.filter((r) => r.project === name),
      clusters: clusters.items.filter((c) => 'project' in c && c.project === name),
    };
  }

  /** Argo CD's GetGlobalProjects: `{items}`, the global projects the project inherits from (projects.service.ts). */
  /** Argo CD's ListEvents: the project's events from the log as a Kubernetes EventList. */
  @Authorize('projects', 'get', { param: 'name' })
  @Get(':name/events')
  events(@Param('name') name: string, @ValidQuery() _query: object) {
    return this.projects.events(name);
  }

  @Authorize('projects', 'get', { param: 'name' })
  @Get(':name/globalprojects')
  async globalProjects(@Param('name') name: string, @ValidQuery() _query: object) {
    return { items: this.projects.globalProjectsOf(await this.projects.get(name)) };
  }

  /** Argo CD's CreateToken: `{expiresIn?, id?, description?}` -> `{token}`, shown once. */
  @Authorize('projects', 'update', { param: 'name' })
  @Post(':name/roles/:role/token')
  @HttpCode(200)
  createRoleToken(
    @Param('name') name: string,
    @Param('role') role: string,
    @Body(new JsonBody(PROJECT_TOKEN_REQUEST)) body: ProjectTokenRequest,
    @ValidQuery() _query: object,
    @Req() req: Request,
  ) {
    assertSameAsUrl('project', name, body.project);
    assertSameAsUrl('role', role, body.role);
    return this.projects.issueRoleToken(
      name,
      role,
      { expiresIn: expiresInSeconds(body.expiresIn), ...(body.id ? { id: body.id } : {}) },
      requestActor(req),
    );
  }

  /** Argo CD's DeleteToken: `DELETE .../roles/:role/token/:iat[?id=]` answers `{}`. */
  @Authorize('projects', 'update', { param: 'name' })
  @Delete(':name/roles/:role/token/:iat')
  @HttpCode(200)
  async deleteRoleToken(
    @Param('name') name: string,
    @Param('role') role: string,
    @Param('iat') iat: string,
    @ValidQuery(TOKEN_DELETE_QUERY) query: { id?: string },
    @Req() req: Request,
  ) {
    if (!/^\d{1,12}$/.test(iat))
      throw new ValidationFailedError('DeleteToken', undefined, [
        {
          path: 'iat',
          message: `"${iat.slice(0, 40)}" is not a time in seconds`,
          fix: 'the iat of the token, as GET /api/v1/projects/:name lists it',
        },
      ]);
    await this.projects.revokeRoleToken(name, role, Number(iat), query.id || undefined, requestActor(req));
    return {};
  }

  @Authorize('projects', 'delete', { param: 'name' })
  @Delete(':name')
  async delete(@Param('name') name: string, @ValidQuery() _query: object, @Req() req: Request) {
    await this.projects.delete(name, requestActor(req));
    return {};
  }
}

/**
 * The answer stays the AppProject, as in Argo CD; the validator's warnings go in `Warning` headers the way
 * the Kubernetes API server sends them (`299 - "<text>"`, one per warning; kubectl prints them).
 */
function withWarnings(res: Response, stored: { project: unknown; warnings: Issue[] }): unknown {
  appendWarningHeaders(res, stored.warnings.map(formatIssue));
  return stored.project;
}

/** Argo CD's bodies repeat what the URL names; a different value is a mistake. */
function assertSameAsUrl(field: string, inUrl: string, inBody: string | undefined): void {
  if (inBody && inBody !== inUrl)
    throw new ValidationFailedError('ProjectTokenCreateRequest', undefined, [
      { path: field, message: `"${inBody}" is not the ${field} in the URL ("${inUrl}")`, fix: 'omit it' },
    ]);
}
