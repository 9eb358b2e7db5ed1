import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import type { Request } from 'express';
import { bodyText } from '../http/body-text';
import { requestActor } from '../http/request-actor';
import { ValidQuery } from '../http/request-pipes';
import { ProjectsService } from './projects.service';

/** Argo CD's AppProject API: bodies are AppProject YAML or JSON. */
@Controller('api/v1/projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Post()
  @HttpCode(201)
  create(@Body() body: unknown, @ValidQuery() _query: object, @Req() req: Request) {
    return this.projects.upsert(bodyText(body), requestActor(req));
  }

  @Put(':name')
  update(
    @Param('name') name: string,
    @Body() body: unknown,
    @ValidQuery() _query: object,
    @Req() req: Request,
  ) {
    return this.projects.upsert(bodyText(body), requestActor(req), name);
  }

  @Get()
  list(@ValidQuery() _query: object) {
    return this.projects.list();
  }

  @Get(':name')
  get(@Param('name') name: string, @ValidQuery() _query: object) {
    return this.projects.get(name);
  }

  @Delete(':name')
  @HttpCode(204)
  async delete(@Param('name') name: string, @ValidQuery() _query: object, @Req() req: Request) {
    await this.projects.delete(name, requestActor(req));
  }
}
