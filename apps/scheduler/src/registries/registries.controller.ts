import { Body, Controller, Delete, Get, Param, Post, Put, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { requestActor } from '../http/request-actor';
import { JsonBody, ValidQuery } from '../http/request-pipes';
import { RegistriesService, type Registration } from './registries.service';
import {
  CLUSTER_GET_QUERY,
  CLUSTER_ID_QUERY,
  CLUSTER_REQUEST,
  CLUSTER_UPDATE_QUERY,
  CLUSTER_UPDATE_REQUEST,
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

  /** Argo CD's DeleteRepository answers `200 {}` (RepoResponse). */
  @Delete(':repo')
  async remove(@Param('repo') repo: string, @ValidQuery() _query: object, @Req() req: Request) {
    await this.registries.removeRepository(repo, requestActor(req));
    return {};
  }
}

/**
 * Argo CD's cluster API: the body is its Cluster (or Berth's kubeconfig form); a cluster is addressed by its
 * server URL, URL-encoded in the path, or by name with `?id.type=name`. Credentials go in, never come out.
 */
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

  @Get(':id')
  async get(
    @Param('id') id: string,
    @ValidQuery(CLUSTER_GET_QUERY) query: { refresh?: string; 'id.type'?: string },
  ) {
    const name = await this.registries.clusterNameOf(id, query['id.type']);
    return query.refresh === 'true' ? this.registries.checkCluster(name) : this.registries.getCluster(name);
  }

  /** Argo CD's Update: the registration replaced by the body; credentials left out stay as stored. */
  // RBAC: clusters, update, <server>
  @Put(':id')
  async update(
    @Param('id') id: string,
    @Body(new JsonBody(CLUSTER_UPDATE_REQUEST)) body: ClusterRequest,
    @ValidQuery(CLUSTER_UPDATE_QUERY) query: { 'id.type'?: string },
    @Req() req: Request,
  ) {
    const name = await this.registries.clusterNameOf(id, query['id.type']);
    return this.registries.updateCluster(name, body, requestActor(req));
  }

  /** Argo CD's Delete answers `200 {}` (ClusterResponse). */
  @Delete(':id')
  async remove(
    @Param('id') id: string,
    @ValidQuery(CLUSTER_ID_QUERY) query: { 'id.type'?: string },
    @Req() req: Request,
  ) {
    await this.registries.removeCluster(
      await this.registries.clusterNameOf(id, query['id.type']),
      requestActor(req),
    );
    return {};
  }
}
