import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { requestActor } from '../http/request-actor';
import { JsonBody, ValidQuery } from '../http/request-pipes';
import { RegistriesService, type Registration } from './registries.service';
import {
  CLUSTER_GET_QUERY,
  CLUSTER_REQUEST,
  REGISTER_QUERY,
  REPOSITORY_REQUEST,
  type ClusterRequest,
  type RepositoryRequest,
} from './registry-requests.schema';

/** 201 for a new or replaced registration; 200 when the same one was already there (nothing appended). */
function answer(res: Response, registration: Registration<object>): object {
  res.status(registration.changed ? 201 : 200);
  return registration.item;
}

/** Argo CD's repository API: credentials go in, never come out. */
@Controller('api/v1/repositories')
export class RepositoriesController {
  constructor(private readonly registries: RegistriesService) {}

  @Post()
  async add(
    @Body(new JsonBody(REPOSITORY_REQUEST)) body: RepositoryRequest,
    @ValidQuery(REGISTER_QUERY) query: { upsert?: string },
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return answer(res, await this.registries.addRepository(body, requestActor(req), query.upsert === 'true'));
  }

  @Get()
  list(@ValidQuery() _query: object) {
    return this.registries.listRepositories();
  }

  /** The repo URL is URL-encoded in the path, as in Argo CD (`/api/v1/repositories/https%3A%2F%2F...`). */
  @Get(':repo')
  get(@Param('repo') repo: string, @ValidQuery() _query: object) {
    return this.registries.getRepository(repo);
  }

  @Delete(':repo')
  @HttpCode(204)
  async remove(@Param('repo') repo: string, @ValidQuery() _query: object, @Req() req: Request) {
    await this.registries.removeRepository(repo, requestActor(req));
  }
}

@Controller('api/v1/clusters')
export class ClustersController {
  constructor(private readonly registries: RegistriesService) {}

  @Post()
  async add(
    @Body(new JsonBody(CLUSTER_REQUEST)) body: ClusterRequest,
    @ValidQuery(REGISTER_QUERY) query: { upsert?: string },
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return answer(res, await this.registries.addCluster(body, requestActor(req), query.upsert === 'true'));
  }

  @Get()
  list(@ValidQuery() _query: object) {
    return this.registries.listClusters();
  }

  @Get(':name')
  get(@Param('name') name: string, @ValidQuery(CLUSTER_GET_QUERY) query: { refresh?: string }) {
    return query.refresh === 'true' ? this.registries.checkCluster(name) : this.registries.getCluster(name);
  }

  @Delete(':name')
  @HttpCode(204)
  async remove(@Param('name') name: string, @ValidQuery() _query: object, @Req() req: Request) {
    await this.registries.removeCluster(name, requestActor(req));
  }
}
