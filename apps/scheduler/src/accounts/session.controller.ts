import { Body, Controller, Delete, Get, HttpCode, HttpException, Post, Req, Res } from '@nestjs/common';
import {
  AnyAuthenticated,
  AUTH_COOKIE,
  CurrentIdentity,
  type Identity,
  identityOf,
  LoginThrottledError,
  Public,
  SsoNotConfiguredError,
  UnauthenticatedError,
} from '@berth/auth';
import type { Request, Response } from 'express';
import { metadataOf, requestActor } from '../http/request-actor';
import { JsonBody, ValidQuery } from '../http/request-pipes';
import { SchedulerContext } from '../scheduler.context';
import {
  SESSION_REQUEST,
  SSO_CODE_REQUEST,
  type SessionRequest,
  type SsoCodeRequest,
} from './account-requests.schema';

/** Argo CD's session API (server/session): log in, log out, who am I. */
@Controller('api/v1/session')
export class SessionController {
  constructor(private readonly ctx: SchedulerContext) {}

  /**
   * `{username, password}` -> `{token}`, and the same token in the `argocd.token` cookie (HttpOnly) for a
   * browser. 401 "Invalid username or password" whatever was wrong; 429 with Retry-After once the user or
   * the address has failed too often.
   */
  @Post()
  @Public()
  @HttpCode(200)
  async create(
    @Body(new JsonBody(SESSION_REQUEST)) body: SessionRequest,
    @ValidQuery() _query: object,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ token: string }> {
    try {
      const { token, expiresAt } = await this.ctx.logins.login(body.username, body.password, addressOf(req));
      res.cookie(AUTH_COOKIE, token, {
        httpOnly: true,
        sameSite: 'lax',
        secure: req.secure,
        path: '/',
        expires: new Date(expiresAt * 1000),
      });
      return { token };
    } catch (error) {
      throw loginRefusal(error, res);
    }
  }

  /**
   * `berth login --sso` (docs/accounts.md, "SSO from the CLI"): the CLI ran the authorization request with
   * its own PKCE verifier, state and nonce and a loopback redirect; Berth exchanges the code with the
   * provider (it holds the client secret) and answers `{token}`, a session as the browser's SSO gives.
   * 404 without oidc.config; 401 when the provider or the ID token does not check out.
   */
  @Post('sso')
  @Public()
  @HttpCode(200)
  async sso(
    @Body(new JsonBody(SSO_CODE_REQUEST)) body: SsoCodeRequest,
    @ValidQuery() _query: object,
  ): Promise<{ token: string }> {
    try {
      const { token } = await this.ctx.sso.finishLoopback(body);
      return { token };
    } catch (error) {
      if (error instanceof SsoNotConfiguredError)
        throw new HttpException({ error: 'NotFound', message: error.message }, 404);
      if (error instanceof UnauthenticatedError)
        throw new HttpException({ error: 'Unauthenticated', message: error.message }, 401);
      throw error;
    }
  }

  /** Logs out: the session token is revoked on every process, and the cookie cleared. */
  @AnyAuthenticated("ends the caller's own session")
  @Delete()
  @HttpCode(200)
  async delete(
    @CurrentIdentity() who: Identity,
    @ValidQuery() _query: object,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ token: string }> {
    await this.ctx.accountService.logout(who, metadataOf(requestActor(req)));
    res.clearCookie(AUTH_COOKIE, { path: '/' });
    return { token: '' };
  }

  /** Argo CD's GetUserInfoResponse; answers `loggedIn: false` rather than 401, as Argo CD's UI expects. */
  @Get('userinfo')
  @Public()
  userinfo(@ValidQuery() _query: object, @Req() req: Request) {
    const who = identityOf(req);
    if (!who) return { loggedIn: false };
    return { loggedIn: true, username: who.subject, iss: who.issuer, groups: who.groups };
  }
}

/** The TCP peer: the per-address failed-login counter's key. Forwarded headers are not trusted. */
export function addressOf(req: Request): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/** A refused login as HTTP: 401 with Argo CD's message, or 429 with Retry-After. */
export function loginRefusal(error: unknown, res: Response): unknown {
  if (error instanceof UnauthenticatedError)
    return new HttpException({ error: 'Unauthenticated', message: error.message }, 401);
  if (error instanceof LoginThrottledError) {
    if (Number.isFinite(error.retryAfterSeconds))
      res.setHeader('Retry-After', String(error.retryAfterSeconds));
    return new HttpException({ error: error.code, message: error.message }, 429);
  }
  return error;
}
