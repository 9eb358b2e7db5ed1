import {
  type CanActivate,
  type ExecutionContext,
  HttpException,
  Inject,
  Injectable,
  Optional,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import { ROUTE_PERMISSION, type PermissionObject, type RoutePermission } from './authorize.decorator';
import { Authorizer, PermissionDeniedError } from './authorizer';
import { PUBLIC_ROUTE } from './public.decorator';
import { identityOf } from './request-identity';

/** How a process finds the project of an application (the scheduler's read model). */
export abstract class ApplicationProjects {
  /** The application's project (`default` when it names none); undefined when there is no such application. */
  abstract projectOf(application: string): Promise<string | undefined>;
}

/**
 * Runs after AuthGuard on every route: a @Public() route passes; any other route must declare how it is
 * authorized (@Authorize, @AuthorizeInHandler, @AnyAuthenticated), and a route that declares nothing is
 * refused with a 500 naming it, so a new route cannot ship open by mistake.
 *
 * For an application the object is `<project>/<app>` as stored. An application that does not exist is judged
 * as `*` /<app>: whoever may act on that name in every project (role:admin, role:readonly for `get`) learns
 * it does not exist (404 from the handler); anyone else gets the same 403 as for an application they may not
 * see, so names are not probed (Argo CD answers "permission denied" there too).
 */
@Injectable()
export class PermissionGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(Authorizer) private readonly authorizer: Authorizer,
    @Optional() @Inject(ApplicationProjects) private readonly applications?: ApplicationProjects,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<string | undefined>(PUBLIC_ROUTE, targets) !== undefined)
      return true;
    const permission = this.reflector.getAllAndOverride<RoutePermission | undefined>(
      ROUTE_PERMISSION,
      targets,
    );
    const req = context.switchToHttp().getRequest<IncomingMessage & { params?: Record<string, string> }>();
    if (!permission) {
      throw new HttpException(
        {
          error: 'Internal',
          message: `${context.getClass().name}.${context.getHandler().name} declares no permission (@Authorize, @AuthorizeInHandler or @AnyAuthenticated): refused until it does`,
        },
        500,
      );
    }
    if (permission.kind !== 'rbac') return true;
    const identity = identityOf(req);
    if (!identity) return false;
    const object = await this.objectOf(permission.object, req.params ?? {});
    try {
      await this.authorizer.assert(identity, permission.resource, permission.action, object);
    } catch (error) {
      if (error instanceof PermissionDeniedError)
        throw new HttpException({ error: 'Forbidden', message: error.message }, 403);
      throw error;
    }
    return true;
  }

  private async objectOf(object: PermissionObject, params: Record<string, string>): Promise<string> {
    if ('literal' in object) return object.literal;
    if ('param' in object) return params[object.param] ?? '';
    const name = params[object.application] ?? '';
    if (!this.applications)
      throw new Error('PermissionGuard needs ApplicationProjects for application routes');
    const project = await this.applications.projectOf(name);
    return `${project ?? '*'}/${name}`;
  }
}
