import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import { Authorize, AuthorizeInHandler } from '@berth/auth';
import { ValidationFailedError } from '@berth/domain';
import type { Request } from 'express';
import { JsonBody, ValidQuery } from '../http/request-pipes';
import { requestActor } from '../http/request-actor';
import { LiveResourcesService } from './live-resources.service';
import { ResourceActionsService } from './resource-actions.service';
import {
  ACTION_RUN_V2,
  ACTIONS_QUERY,
  actionOfBody,
  DELETE_QUERY,
  PATCH_QUERY,
  PATCH_TYPES,
  RESOURCE_QUERY,
  type ActionRunBody,
  type ResourceQuery,
} from './resource-requests.schema';

/**
 * Argo CD's resource requests on one live object of an application: GetResource, PatchResource,
 * DeleteResource, ListResourceActions, RunResourceAction (v1: the action name as the body; v2: every field
 * in the body). Only objects of the app answer; every change is an event of the app with who and why.
 */
@Controller('api/v1/applications')
export class ResourcesController {
  constructor(
    private readonly resources: LiveResourcesService,
    private readonly actions: ResourceActionsService,
  ) {}

  // RBAC: applications, get, <project>/<app>
  @Authorize('applications', 'get', { application: 'name' })
  @Get(':name/resource')
  get(@Param('name') name: string, @ValidQuery(RESOURCE_QUERY) query: ResourceQuery) {
    return this.resources.get(name, query);
  }

  /** Argo CD's PatchResource is a POST; PATCH is accepted as the same request. */
  // RBAC: applications, update, <project>/<app> (or update/<group>/<kind>/<ns>/<name>)
  @AuthorizeInHandler('applications, update or update/<group>/<kind>/<ns>/<name>, <project>/<app>')
  @Post(':name/resource')
  @HttpCode(200)
  patch(
    @Param('name') name: string,
    @ValidQuery(PATCH_QUERY) query: ResourceQuery & { patchType?: string },
    @Body() body: unknown,
    @Req() req: Request,
  ) {
    return this.resources.patch(name, query, body, patchTypeOf(query.patchType), requestActor(req));
  }

  // RBAC: applications, update, <project>/<app> (or update/<group>/<kind>/<ns>/<name>)
  @AuthorizeInHandler('applications, update or update/<group>/<kind>/<ns>/<name>, <project>/<app>')
  @Patch(':name/resource')
  patchWithPatchMethod(
    @Param('name') name: string,
    @ValidQuery(PATCH_QUERY) query: ResourceQuery & { patchType?: string },
    @Body() body: unknown,
    @Req() req: Request,
  ) {
    return this.resources.patch(name, query, body, patchTypeOf(query.patchType), requestActor(req));
  }

  // RBAC: applications, delete, <project>/<app> (or delete/<group>/<kind>/<ns>/<name>)
  @AuthorizeInHandler('applications, delete or delete/<group>/<kind>/<ns>/<name>, <project>/<app>')
  @Delete(':name/resource')
  delete(
    @Param('name') name: string,
    @ValidQuery(DELETE_QUERY) query: ResourceQuery & { force?: string; orphan?: string },
    @Req() req: Request,
  ) {
    return this.resources.delete(name, query, requestActor(req));
  }

  // RBAC: applications, get, <project>/<app>
  @Authorize('applications', 'get', { application: 'name' })
  @Get(':name/resource/actions')
  listActions(@Param('name') name: string, @ValidQuery(RESOURCE_QUERY) query: ResourceQuery) {
    return this.actions.list(name, query);
  }

  // RBAC: applications, action/<group>/<kind>/<action>, <project>/<app>
  @AuthorizeInHandler(
    'applications, action/<group>/<kind>/<action>, <project>/<app>: the action is in the body',
  )
  @Post(':name/resource/actions')
  @HttpCode(200)
  runAction(
    @Param('name') name: string,
    @ValidQuery(ACTIONS_QUERY) query: ResourceQuery & { action?: string },
    @Body() body: unknown,
    @Req() req: Request,
  ) {
    const { action, ...resource } = query;
    return this.actions.run(name, resource, actionOfBody(body, action), requestActor(req));
  }

  // RBAC: applications, action/<group>/<kind>/<action>, <project>/<app>
  @AuthorizeInHandler(
    'applications, action/<group>/<kind>/<action>, <project>/<app>: the action is in the body',
  )
  @Post(':name/resource/actions/v2')
  @HttpCode(200)
  runActionV2(
    @Param('name') name: string,
    @ValidQuery() _query: object,
    @Body(new JsonBody(ACTION_RUN_V2)) body: ActionRunBody,
    @Req() req: Request,
  ) {
    const { action, name: bodyName, ...resource } = body;
    if (bodyName && bodyName !== name)
      throw new ValidationFailedError('Resource action request', undefined, [
        {
          path: 'name',
          message: `"${bodyName}" is not the application in the URL ("${name}")`,
          fix: 'omit it',
        },
      ]);
    return this.actions.run(name, resource, action, requestActor(req));
  }
}

function patchTypeOf(patchType: string | undefined) {
  // Argo CD's CLI default (`argocd app patch-resource --patch-type`).
  return PATCH_TYPES[patchType ?? 'application/merge-patch+json'] ?? 'merge';
}
