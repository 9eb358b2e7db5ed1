import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import { DomainError, type KubeObject } from '@berth/domain';
import type { Request } from 'express';
import { bodyText } from '../http/body-text';
import { requestActor } from '../http/request-actor';
import { ApplicationsService, type SyncOptionsBody } from './applications.service';
import { ManifestsService } from './manifests.service';

/** Argo CD's application API, v1: bodies are Application YAML or JSON, as users already write them. */
@Controller('api/v1/applications')
export class ApplicationsController {
  constructor(
    private readonly apps: ApplicationsService,
    private readonly rendered: ManifestsService,
  ) {}

  @Post()
  @HttpCode(201)
  create(@Body() body: unknown, @Query('upsert') upsert: string | undefined, @Req() req: Request) {
    return this.apps.create(bodyText(body), requestActor(req), upsert === 'true');
  }

  @Get()
  list(@Query('project') project?: string) {
    return this.apps.list(project);
  }

  @Get(':name')
  get(@Param('name') name: string) {
    return this.apps.get(name);
  }

  @Put(':name')
  update(@Param('name') name: string, @Body() body: unknown, @Req() req: Request) {
    return this.apps.update(name, bodyText(body), requestActor(req));
  }

  @Delete(':name')
  @HttpCode(204)
  async delete(
    @Param('name') name: string,
    @Query('cascade') cascade: string | undefined,
    @Req() req: Request,
  ) {
    await this.apps.delete(name, cascade !== 'false', requestActor(req));
  }

  @Post(':name/refresh')
  refresh(@Param('name') name: string, @Query('refresh') kind: string | undefined, @Req() req: Request) {
    return this.apps.refresh(name, kind === 'hard', requestActor(req));
  }

  @Post(':name/sync')
  sync(@Param('name') name: string, @Body() body: unknown, @Req() req: Request) {
    return this.apps.sync(name, jsonBody<SyncOptionsBody>(body), requestActor(req));
  }

  @Post(':name/rollback')
  rollback(@Param('name') name: string, @Body() body: unknown, @Req() req: Request) {
    return this.apps.rollback(
      name,
      jsonBody(body),
      requestActor(req),
      async (revision) => (await this.rendered.manifests(name, revision)).manifests as KubeObject[],
    );
  }

  @Delete(':name/operation')
  terminate(@Param('name') name: string, @Req() req: Request) {
    return this.apps.terminate(name, requestActor(req));
  }

  @Get(':name/history')
  history(@Param('name') name: string) {
    return this.apps.history(name);
  }

  @Get(':name/manifests')
  manifests(@Param('name') name: string, @Query('revision') revision?: string) {
    return this.rendered.manifests(name, revision);
  }

  @Get(':name/events')
  events(@Param('name') name: string) {
    return this.apps.events(name);
  }
}

function jsonBody<T extends object>(body: unknown): T {
  if (body === undefined || body === null || body === '') return {} as T;
  if (typeof body === 'object' && !Buffer.isBuffer(body)) return body as T;
  const text = bodyText(body).trim();
  if (text === '') return {} as T;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as T;
  } catch {
    throw new DomainError('Invalid', 'the request body must be a JSON object, e.g. {"prune": true}');
  }
}
