import { Controller, Get, HttpException, Query, Req, Res } from '@nestjs/common';
import {
  AUTH_COOKIE,
  cookieValue,
  OAUTH_STATE_COOKIE,
  Public,
  SsoNotConfiguredError,
  UnauthenticatedError,
} from '@berth/auth';
import type { Request, Response } from 'express';
import { SchedulerContext } from '../scheduler.context';

const STATE_COOKIE_PATH = '/auth';

/**
 * SSO with an OIDC provider (Argo CD's `/auth/login` and `/auth/callback`, for `oidc.config`): the browser is
 * sent to the provider and comes back with a code; Berth answers with its session token in the
 * `argocd.token` cookie and sends the browser on to `return_url`.
 */
@Controller('auth')
export class SsoController {
  constructor(private readonly ctx: SchedulerContext) {}

  @Get('login')
  @Public()
  async login(
    @Query('return_url') returnUrl: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    try {
      const { location, stateCookie } = await this.ctx.sso.start(
        typeof returnUrl === 'string' ? returnUrl : undefined,
      );
      res.cookie(OAUTH_STATE_COOKIE, stateCookie, {
        httpOnly: true,
        sameSite: 'lax',
        secure: req.secure,
        path: STATE_COOKIE_PATH,
        maxAge: 300_000,
      });
      res.redirect(303, location);
    } catch (error) {
      throw refusal(error);
    }
  }

  /** Everything in the query comes from the provider (code, state, iss, or error): checked by the OIDC client. */
  @Get('callback')
  @Public()
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    try {
      const { token, expiresAt, returnUrl } = await this.ctx.sso.finish(
        req.originalUrl,
        cookieValue(req, OAUTH_STATE_COOKIE),
      );
      res.clearCookie(OAUTH_STATE_COOKIE, { path: STATE_COOKIE_PATH });
      res.cookie(AUTH_COOKIE, token, {
        httpOnly: true,
        sameSite: 'lax',
        secure: req.secure,
        path: '/',
        expires: new Date(expiresAt * 1000),
      });
      res.redirect(303, returnUrl);
    } catch (error) {
      throw refusal(error);
    }
  }
}

function refusal(error: unknown): unknown {
  if (error instanceof SsoNotConfiguredError)
    return new HttpException({ error: 'NotFound', message: error.message }, 404);
  if (error instanceof UnauthenticatedError)
    return new HttpException({ error: 'Unauthenticated', message: error.message }, 401);
  return error;
}
