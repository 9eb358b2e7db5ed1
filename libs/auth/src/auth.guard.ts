import { type CanActivate, type ExecutionContext, HttpException, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Authentication } from './authentication';
import { ANONYMOUS } from './identity';
import { PUBLIC_ROUTE, type PublicRoute } from './public.decorator';
import { setIdentity, tokenOf } from './request-identity';
import { InvalidTokenError } from './token-codec';

/** What a 401 says when no credentials came: how to get some. */
const NO_TOKEN =
  'authentication required: log in with POST /api/v1/session {"username","password"} and send the token as Authorization: Bearer <token> (or an API key of an account)';

/**
 * Every route needs a valid token unless it is @Public() (or @PublicMetrics() with metrics open): a 401
 * otherwise, with a reason that never repeats the token. With `users.anonymous.enabled`, a request without
 * a token acts as `anonymous` (a request with a bad token is still refused: its sender should know).
 * A public route still learns who calls when a valid token comes along (userinfo).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(Authentication) private readonly auth: Authentication,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<IncomingMessage>();
    const res = http.getResponse<ServerResponse>();
    const route = this.reflector.getAllAndOverride<PublicRoute | undefined>(PUBLIC_ROUTE, [
      context.getHandler(),
      context.getClass(),
    ]);
    const isPublic = route === 'always' || (route === 'metrics' && !this.auth.config.metricsRequireAuth);
    const credentials = tokenOf(req);
    if (isPublic) {
      if (credentials && 'token' in credentials)
        await this.auth.authenticator.verify(credentials.token).then(
          (identity) => setIdentity(req, identity),
          () => undefined,
        );
      return true;
    }
    if (!credentials) {
      if (this.auth.settings.anonymousEnabled) {
        setIdentity(req, ANONYMOUS);
        return true;
      }
      throw unauthenticated(res, NO_TOKEN);
    }
    if ('malformed' in credentials) throw unauthenticated(res, credentials.malformed);
    try {
      setIdentity(req, await this.auth.authenticator.verify(credentials.token));
      return true;
    } catch (error) {
      if (error instanceof InvalidTokenError) throw unauthenticated(res, `invalid token: ${error.message}`);
      throw error;
    }
  }
}

function unauthenticated(res: ServerResponse, message: string): HttpException {
  res.setHeader('WWW-Authenticate', 'Bearer realm="berth"');
  return new HttpException({ error: 'Unauthenticated', message }, 401);
}
