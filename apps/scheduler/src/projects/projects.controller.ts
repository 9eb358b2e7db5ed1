import { AnyAuthenticated, Authorize, AuthorizeInHandler, CurrentIdentity, type Identity } from '@berth/auth';
import { formatIssue, ValidationFailedError, type Issue } from '@berth/domain';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { bodyText } from '../http/body-text';
import { requestActor } from '../http/request-actor';
import { expiresInSeconds } from '../accounts/account-requests.schema';
import { queryText } from '../http/request-checks';
import { JsonBody, ValidQuery, type QuerySchema } from '../http/request-pipes';
import { PROJECT_TOKEN_REQUEST, type ProjectTokenRequest } from './project-token-requests.schema';
import { ProjectsService } from './projects.service';

const TOKEN_DELETE_QUERY: QuerySchema = { id: queryText(253) };

/** Argo CD's AppProject API: bodies are AppProject YAML or JSON. */
@Controller('api/v1/projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @AuthorizeInHandler('projects, create, <metadata.name of the body>')
  @Post()
  @HttpCode(201)
  async create(
    @Body() body: unknown,
    @ValidQuery() _query: object,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return withWarnings(res, await this.projects.upsert(bodyText(body), requestActor(req)));
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
  @HttpCode(204)
  async delete(@Param('name') name: string, @ValidQuery() _query: object, @Req() req: Request) {
    await this.projects.delete(name, requestActor(req));
  }
}

/**
 * The answer stays the AppProject, as in Argo CD; the validator's warnings go in `Warning` headers the way
 * the Kubernetes API server sends them (`299 - "<text>"`, one per warning; kubectl prints them).
 */
function withWarnings(res: Response, stored: { project: unknown; warnings: Issue[] }): unknown {
  for (const warning of stored.warnings) {
    const text = formatIssue(warning)
      .replace(/[^\x20-\x7e]/g, '?')
      .replace(/["\\]/g, '\\$&');
    res.append('Warning', `299 - "${text}"`);
  }
  return stored.project;
}

/** Argo CD's bodies repeat what the URL names; a different value is a mistake. */
function assertSameAsUrl(field: string, inUrl: string, inBody: string | undefined): void {
  if (inBody && inBody !== inUrl)
    throw new ValidationFailedError('ProjectTokenCreateRequest', undefined, [
      { path: field, message: `"${inBody}" is not the ${field} in the URL ("${inUrl}")`, fix: 'omit it' },
    ]);
}
