import { type DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { Authentication } from './authentication';
import { Authorizer } from './authorizer';
import { ApplicationProjects, PermissionGuard } from './permission.guard';

/** What a process authorizes requests with; without it, only authentication runs (a process with no API). */
export interface AuthorizationSetup {
  authorizer: Authorizer;
  /** For routes on applications (@Authorize(..., { application })); the scheduler's read model. */
  applications?: ApplicationProjects;
}

/**
 * Authentication and authorization for a process's Nest app: AuthGuard then PermissionGuard on every route
 * (APP_GUARDs run in the order they are provided), and `Authentication`/`Authorizer` for controllers that
 * need them. Import it once, in the process's root module.
 */
@Global()
@Module({})
export class AuthModule {
  static forRoot(auth: Authentication, authorization?: AuthorizationSetup): DynamicModule {
    const providers: Provider[] = [
      { provide: Authentication, useValue: auth },
      { provide: APP_GUARD, useClass: AuthGuard },
    ];
    if (authorization) {
      providers.push({ provide: Authorizer, useValue: authorization.authorizer });
      if (authorization.applications)
        providers.push({ provide: ApplicationProjects, useValue: authorization.applications });
      providers.push({ provide: APP_GUARD, useClass: PermissionGuard });
    }
    return {
      module: AuthModule,
      providers,
      exports: authorization ? [Authentication, Authorizer] : [Authentication],
    };
  }
}
