import { AnyAuthenticated, AuthorizeInHandler, CurrentIdentity, type Identity } from '@berth/auth';
import { ValidationFailedError } from '@berth/domain';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { bodyText } from '../http/body-text';
import { requestActor } from '../http/request-actor';
import { queryBoolean } from '../http/request-checks';
import { ValidQuery, type QuerySchema } from '../http/request-pipes';
import { unstorableText } from '../http/storable-value';
import { appendWarningHeaders } from '../http/warning-headers';
import { ApplicationSetsService, formatWarnings } from './applicationsets.service';

const CREATE_QUERY: QuerySchema = { upsert: queryBoolean, dryRun: queryBoolean };

/** Argo CD's ApplicationSet API (server/applicationset/applicationset.proto); bodies are YAML or JSON. */
@Controller('api/v1/applicationsets')
export class ApplicationSetsController {
  constructor(private readonly appSets: ApplicationSetsService) {}

  /** Argo CD's List: `{items}`, only the sets the caller may get, filtered by `projects` (repeatable) and `selector`. */
  @AnyAuthenticated('lists only the applicationsets the caller may get')
  @Get()
  list(@Query() raw: Record<string, unknown>, @CurrentIdentity() who: Identity) {
    return this.appSets.list(who, parseListQuery(raw));
  }

  @AuthorizeInHandler(
    'applicationsets, create, <template project>/<metadata.name of the body> (and update where an upsert replaces it)',
  )
  @Post()
  @HttpCode(200) // Argo CD's gateway answers 200
  async create(
    @Body() body: unknown,
    @ValidQuery(CREATE_QUERY) query: { upsert?: string; dryRun?: string },
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { applicationSet, warnings } = await this.appSets.create(
      bodyText(body),
      requestActor(req),
      query.upsert === 'true',
      query.dryRun === 'true',
    );
    appendWarningHeaders(res, formatWarnings(warnings));
    return applicationSet;
  }

  /** Argo CD's Generate: `{applicationSet}` (or the bare set) -> `{applications}`; nothing is recorded. */
  @AuthorizeInHandler('applicationsets, create, <template project>/<metadata.name of the body>')
  @Post('generate')
  @HttpCode(200)
  generate(@Body() body: unknown, @ValidQuery() _query: object, @Req() req: Request) {
    return this.appSets.generate(bodyText(body), requestActor(req));
  }

  @AuthorizeInHandler('applicationsets, get, <project>/<name>')
  @Get(':name')
  async get(@Param('name') name: string, @ValidQuery() _query: object, @CurrentIdentity() who: Identity) {
    await this.appSets.authorize(who, 'get', name);
    return this.appSets.get(name);
  }

  /** Argo CD's Delete answers `{}`; the worker deletes the generated Applications. */
  @AuthorizeInHandler('applicationsets, delete, <project>/<name>')
  @Delete(':name')
  @HttpCode(200)
  async delete(@Param('name') name: string, @ValidQuery() _query: object, @Req() req: Request) {
    const who = requestActor(req);
    await this.appSets.authorize(who.identity, 'delete', name);
    await this.appSets.delete(name, who);
    return {};
  }
}

/** `projects` (also `project`, repeatable) and `selector`; anything else is a 400 naming it. */
function parseListQuery(raw: Record<string, unknown>): { projects: string[]; selector?: string } {
  const issues = [];
  const projects: string[] = [];
  let selector: string | undefined;
  for (const [key, value] of Object.entries(raw)) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (typeof v !== 'string') {
        issues.push({ path: key, message: 'is not a plain value', fix: `pass ${key}=<text>` });
        continue;
      }
      const unstorable = unstorableText(v);
      if (unstorable) issues.push({ path: key, message: unstorable, fix: 'remove the control characters' });
      else if (v.length > 1024)
        issues.push({ path: key, message: 'is longer than 1024 characters', fix: 'shorten it' });
      else if (key === 'projects' || key === 'project') projects.push(v);
      else if (key === 'selector' && selector === undefined) selector = v;
      else if (key === 'selector')
        issues.push({ path: key, message: 'is given twice', fix: 'pass one selector' });
      else if (key !== 'appsetNamespace')
        issues.push({ path: key, message: 'unknown query parameter', fix: 'use projects or selector' });
    }
  }
  if (issues.length > 0) throw new ValidationFailedError('Query string', undefined, issues);
  return { projects, ...(selector !== undefined ? { selector } : {}) };
}
