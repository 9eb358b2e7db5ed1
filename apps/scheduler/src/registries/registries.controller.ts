import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { DomainError } from '@berth/domain';
import type { Request } from 'express';
import { requestActor } from '../http/request-actor';
import { RegistriesService, type AddClusterBody, type AddRepositoryBody } from './registries.service';

function json<T>(body: unknown): T {
  if (typeof body === 'object' && body !== null && !Buffer.isBuffer(body)) return body as T;
  try {
    return JSON.parse(typeof body === 'string' ? body : '') as T;
  } catch {
    throw new DomainError('Invalid', 'the request body must be a JSON object');
  }
}

/** Argo CD's repository API: credentials go in, never come out. */
@Controller('api/v1/repositories')
export class RepositoriesController {
  constructor(private readonly registries: RegistriesService) {}

  @Post()
  @HttpCode(201)
  add(@Body() body: unknown, @Req() req: Request) {
    return this.registries.addRepository(json<AddRepositoryBody>(body), requestActor(req));
  }

  @Get()
  list() {
    return this.registries.listRepositories();
  }

  /** The repo URL is URL-encoded in the path, as in Argo CD (`/api/v1/repositories/https%3A%2F%2F...`). */
  @Get(':repo')
  get(@Param('repo') repo: string) {
    return this.registries.getRepository(repo);
  }

  @Delete(':repo')
  @HttpCode(204)
  async remove(@Param('repo') repo: string, @Req() req: Request) {
    await this.registries.removeRepository(repo, requestActor(req));
  }
}

@Controller('api/v1/clusters')
export class ClustersController {
  constructor(private readonly registries: RegistriesService) {}

  @Post()
  @HttpCode(201)
  add(@Body() body: unknown, @Req() req: Request) {
    return this.registries.addCluster(json<AddClusterBody>(body), requestActor(req));
  }

  @Get()
  list() {
    return this.registries.listClusters();
  }

  @Get(':name')
  get(@Param('name') name: string, @Query('refresh') refresh?: string) {
    return refresh === 'true' ? this.registries.checkCluster(name) : this.registries.getCluster(name);
  }

  @Delete(':name')
  @HttpCode(204)
  async remove(@Param('name') name: string, @Req() req: Request) {
    await this.registries.removeCluster(name, requestActor(req));
  }
}
