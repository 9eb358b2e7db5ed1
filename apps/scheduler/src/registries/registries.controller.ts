import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import {
  AnyAuthenticated,
  AuthorizeInHandler,
  Authorizer,
  CurrentIdentity,
  type Identity,
} from '@berth/auth';
import { DomainError, normalizeGitUrl, ValidationFailedError } from '@berth/domain';
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
  REPOSITORY_VALIDATE_REQUEST,
  type ClusterRequest,
  type RepositoryRequest,
} from './registry-requests.schema';

/**
 * Argo CD's RBAC object of a repository or cluster: `<project>/<repo URL or server>` when it is registered to a
 * project, the URL or server alone otherwise (server/repository, server/cluster `createRBACObject`).
 */
export function registryObject(project: string | undefined, key: string): string {
  return project ? `${project}/${key}` : key;
}

/** The stored registration's project and key, or the key asked for when there is none (the handler answers 404). */
async function storedObject(
  find: () => Promise<{ project?: string | undefined } & Record<string, unknown>>,
  key: (item: Record<string, unknown>) => string,
  asked: string,
): Promise<string> {
  try {
    const item = await find();
    return registryObject(item.project, key(item));
  } catch (error) {
    if (error instanceof DomainError && error.code === 'NotFound') return asked;
    throw error;
  }
}

/** 201 for a new or replaced registration; 200 when the same one was already there (nothing appended). */
function answer(res: Response, registration: Registration<object>): object {
  res.status(registration.changed ? 201 : 200);
  return registration.item;
}

/** Argo CD's repository API: credentials go in, never come out. */
@Controller('api/v1/repositories')
export class RepositoriesController {
  constructor(
    private readonly registries: RegistriesService,
    private readonly authorizer: Authorizer,
  ) {}

  @AuthorizeInHandler('repositories, create, [<project>/]<repo> of the body')
  @Post()
  async add(
    @Body(new JsonBody(REPOSITORY_REQUEST)) body: RepositoryRequest,
    @ValidQuery(REGISTER_QUERY) query: { upsert?: string },
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const who = requestActor(req);
    await this.authorizer.assert(
      who.identity,
      'repositories',
      'create',
      registryObject(body.project, body.repo.trim()),
    );
    return answer(res, await this.registries.addRepository(body, who, query.upsert === 'true'));
  }

  @AnyAuthenticated('lists only the repositories the caller may get')
  @Get()
  async list(@ValidQuery() _query: object, @CurrentIdentity() who: Identity) {
    const visible = await this.authorizer.filter(who, 'repositories');
    const { items } = await this.registries.listRepositories();
    return { items: items.filter((item) => visible(registryObject(item.project, item.repo))) };
  }

  /** The repo URL is URL-encoded in the path, as in Argo CD (`/api/v1/repositories/https%3A%2F%2F...`). */
  @AuthorizeInHandler('repositories, get, [<project>/]<repo> as registered')
  @Get(':repo')
  async get(@Param('repo') repo: string, @ValidQuery() _query: object, @CurrentIdentity() who: Identity) {
    await this.assert(who, 'get', repo);
    return this.registries.getRepository(repo);
  }

  /**
   * Argo CD's UpdateRepository: the body (its Repository) replaces the registration of the repository named
   * in the path, credentials included (none given: none stored, as Argo CD's update clears them); a body
   * naming another repository is refused; the repository must be registered (404 otherwise).
   */
  @AuthorizeInHandler('repositories, update, [<project>/]<repo> as registered and as in the body')
  @Put(':repo')
  async update(
    @Param('repo') repo: string,
    @Body(new JsonBody(REPOSITORY_REQUEST)) body: RepositoryRequest,
    @ValidQuery() _query: object,
    @Req() req: Request,
  ) {
    const who = requestActor(req);
    await this.assert(who.identity, 'update', repo);
    const stored = await this.registries.getRepository(repo);
    if (normalizeGitUrl(body.repo.trim()) !== normalizeGitUrl(String(stored['repo']))) {
      throw new ValidationFailedError('Request', undefined, [
        {
          path: 'repo',
          message: `names ${body.repo.trim()}, not the repository of the URL (${String(stored['repo'])})`,
          fix: 'send the repository named in the path, or register the other one with POST /api/v1/repositories',
        },
      ]);
    }
    // Moving it to another project needs the right to update it there too.
    if (body.project !== stored['project'])
      await this.authorizer.assert(
        who.identity,
        'repositories',
        'update',
        registryObject(body.project, body.repo.trim()),
      );
    return (await this.registries.addRepository(body, who, true)).item;
  }

  /**
   * Argo CD's ValidateAccess: checks that the repository answers with the credentials given, storing
   * nothing; answers `200 {}`. The repository is the one in the path (a body `repo` must name the same).
   */
  @AuthorizeInHandler('repositories, create, [<project>/]<repo> of the path')
  @Post(':repo/validate')
  @HttpCode(200)
  async validate(
    @Param('repo') repo: string,
    @Body(new JsonBody(REPOSITORY_VALIDATE_REQUEST))
    body: Omit<RepositoryRequest, 'repo'> & { repo?: string },
    @ValidQuery() _query: object,
    @Req() req: Request,
  ) {
    const who = requestActor(req);
    if (body.repo !== undefined && normalizeGitUrl(body.repo.trim()) !== normalizeGitUrl(repo.trim())) {
      throw new ValidationFailedError('Request', undefined, [
        {
          path: 'repo',
          message: 'names another repository than the URL',
          fix: 'omit it or send the same URL',
        },
      ]);
    }
    await this.authorizer.assert(
      who.identity,
      'repositories',
      'create',
      registryObject(body.project, repo.trim()),
    );
    await this.registries.validateRepositoryAccess({ ...body, repo });
    return {};
  }

  /** Argo CD's DeleteRepository answers `200 {}` (RepoResponse). */
  @AuthorizeInHandler('repositories, delete, [<project>/]<repo> as registered')
  @Delete(':repo')
  async remove(@Param('repo') repo: string, @ValidQuery() _query: object, @Req() req: Request) {
    const who = requestActor(req);
    await this.assert(who.identity, 'delete', repo);
    await this.registries.removeRepository(repo, who);
    return {};
  }

  private async assert(identity: Identity, action: string, repo: string): Promise<void> {
    const object = await storedObject(
      () => this.registries.getRepository(repo),
      (item) => String(item['repo']),
      repo,
    );
    await this.authorizer.assert(identity, 'repositories', action, object);
  }
}

/**
 * Argo CD's cluster API: the body is its Cluster (or Berth's kubeconfig form); a cluster is addressed by its
 * server URL, URL-encoded in the path, or by name with `?id.type=name`. Credentials go in, never come out.
 */
@Controller('api/v1/clusters')
export class ClustersController {
  constructor(
    private readonly registries: RegistriesService,
    private readonly authorizer: Authorizer,
  ) {}

  /** Judged by the server URL given (the cluster's name when it comes only in a kubeconfig). */
  @AuthorizeInHandler('clusters, create, [<project>/]<server> of the body')
  @Post()
  async add(
    @Body(new JsonBody(CLUSTER_REQUEST)) body: ClusterRequest,
    @ValidQuery(REGISTER_QUERY) query: { upsert?: string },
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const who = requestActor(req);
    await this.authorizer.assert(
      who.identity,
      'clusters',
      'create',
      registryObject(body.project, body.server ?? body.name ?? ''),
    );
    return answer(res, await this.registries.addCluster(body, who, query.upsert === 'true'));
  }

  @AnyAuthenticated('lists only the clusters the caller may get')
  @Get()
  async list(@ValidQuery() _query: object, @CurrentIdentity() who: Identity) {
    const visible = await this.authorizer.filter(who, 'clusters');
    const { items } = await this.registries.listClusters();
    return {
      items: items.filter((item) =>
        visible(registryObject('project' in item ? item.project : undefined, item.server)),
      ),
    };
  }

  @AuthorizeInHandler('clusters, get, [<project>/]<server> as registered')
  @Get(':id')
  async get(
    @Param('id') id: string,
    @ValidQuery(CLUSTER_GET_QUERY) query: { refresh?: string; 'id.type'?: string },
    @CurrentIdentity() who: Identity,
  ) {
    const name = await this.registries.clusterNameOf(id, query['id.type']);
    // A connection check writes only a reading, not an event: reading the cluster is enough, as in Argo CD.
    await this.assert(who, 'get', name);
    return query.refresh === 'true' ? this.registries.checkCluster(name) : this.registries.getCluster(name);
  }

  /** Argo CD's Update: the registration replaced by the body; credentials left out stay as stored. */
  @AuthorizeInHandler('clusters, update, [<project>/]<server> as registered')
  @Put(':id')
  async update(
    @Param('id') id: string,
    @Body(new JsonBody(CLUSTER_UPDATE_REQUEST)) body: ClusterRequest,
    @ValidQuery(CLUSTER_UPDATE_QUERY) query: { 'id.type'?: string },
    @Req() req: Request,
  ) {
    const name = await this.registries.clusterNameOf(id, query['id.type']);
    const who = requestActor(req);
    await this.assert(who.identity, 'update', name);
    return this.registries.updateCluster(name, body, who);
  }

  /** Argo CD's Delete answers `200 {}` (ClusterResponse). */
  @AuthorizeInHandler('clusters, delete, [<project>/]<server> as registered')
  @Delete(':id')
  async remove(
    @Param('id') id: string,
    @ValidQuery(CLUSTER_ID_QUERY) query: { 'id.type'?: string },
    @Req() req: Request,
  ) {
    const name = await this.registries.clusterNameOf(id, query['id.type']);
    const who = requestActor(req);
    await this.assert(who.identity, 'delete', name);
    await this.registries.removeCluster(name, who);
    return {};
  }

  private async assert(identity: Identity, action: string, name: string): Promise<void> {
    const object = await storedObject(
      () => this.registries.getCluster(name),
      (item) => String(item['server']),
      name,
    );
    await this.authorizer.assert(identity, 'clusters', action, object);
  }
}
