import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { Authentication } from './authentication';

/**
 * Authentication for a process's Nest app: AuthGuard on every route (APP_GUARD), and `Authentication` for
 * controllers that need it. Import it once, in the process's root module.
 */
@Global()
@Module({})
export class AuthModule {
  static forRoot(auth: Authentication): DynamicModule {
    return {
      module: AuthModule,
      providers: [
        { provide: Authentication, useValue: auth },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [Authentication],
    };
  }
}
