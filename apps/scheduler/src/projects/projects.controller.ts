import { formatIssue, type Issue } from '@berth/domain';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { bodyText } from '../http/body-text';
import { requestActor } from '../http/request-actor';
import { ValidQuery, type QuerySchema } from '../http/request-pipes';
import { queryBoolean } from '../http/request-checks';
import { appendWarningHeaders } from '../http/warning-headers';
import { RegistriesService } from '../registries/registries.service';
import { ProjectsService } from './projects.service';

/** The bare-AppProject form's upsert (Argo CD's ProjectCreateRequest carries it in the body). */
const PROJECT_CREATE_QUERY: QuerySchema = { upsert: queryBoolean };

/** Argo CD's AppProject API: bodies are AppProject YAML or JSON. */
@Controller('api/v1/projects')
export class ProjectsController {
  constructor(
    private readonly projects: ProjectsService,
    private readonly registries: RegistriesService,
  ) {}

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

  @Get()
  list(@ValidQuery() _query: object) {
    return this.projects.list();
  }

  @Get(':name')
  get(@Param('name') name: string, @ValidQuery() _query: object) {
    return this.projects.get(name);
  }

  /** Argo CD's GetSyncWindowsState: the project's sync windows open now, as `{windows: [...]}`. */
  @Get(':name/syncwindows')
  syncWindows(@Param('name') name: string, @ValidQuery() _query: object) {
    return this.projects.activeSyncWindows(name);
  }

  /** Argo CD's Delete answers `200 {}` (EmptyResponse). */
  /**
   * Argo CD's GetDetailedProject: the project with the global projects it inherits from and the
   * repositories and clusters registered for it (credentials never included).
   */
  // RBAC: projects, get, <name>
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
  // RBAC: projects, get, <name>
  @Get(':name/globalprojects')
  async globalProjects(@Param('name') name: string, @ValidQuery() _query: object) {
    return { items: this.projects.globalProjectsOf(await this.projects.get(name)) };
  }

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
