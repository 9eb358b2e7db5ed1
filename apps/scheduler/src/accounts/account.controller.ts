import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { AnyAuthenticated, AuthorizeInHandler, CurrentIdentity, type Identity } from '@berth/auth';
import type { Request, Response } from 'express';
import { metadataOf, requestActor } from '../http/request-actor';
import { JsonBody, ValidQuery } from '../http/request-pipes';
import { SchedulerContext } from '../scheduler.context';
import {
  CREATE_TOKEN_REQUEST,
  type CreateTokenRequest,
  expiresInSeconds,
  UPDATE_PASSWORD_REQUEST,
  type UpdatePasswordRequest,
} from './account-requests.schema';
import { addressOf, loginRefusal } from './session.controller';

/**
 * Argo CD's account API (server/account): accounts with their API keys listed by id (never a token), the
 * password change, API keys issued and deleted. An account may always act on itself; on another, it needs
 * the right (the admin, until RBAC).
 */
@Controller('api/v1/account')
export class AccountController {
  constructor(private readonly ctx: SchedulerContext) {}

  @AnyAuthenticated('lists the accounts the caller may get (accounts, get, <name>)')
  @Get()
  async list(@CurrentIdentity() who: Identity, @ValidQuery() _query: object) {
    return { items: await this.ctx.accountService.list(who) };
  }

  /** `{currentPassword, newPassword, name?}`: the caller's own password unless `name` says whose. */
  @AuthorizeInHandler('oneself, or accounts, update, <name> for another account')
  @Put('password')
  @HttpCode(200)
  async updatePassword(
    @CurrentIdentity() who: Identity,
    @Body(new JsonBody(UPDATE_PASSWORD_REQUEST)) body: UpdatePasswordRequest,
    @ValidQuery() _query: object,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<object> {
    try {
      await this.ctx.accountService.updatePassword(who, body, addressOf(req), metadataOf(requestActor(req)));
      return {};
    } catch (error) {
      throw loginRefusal(error, res);
    }
  }

  /**
   * Argo CD's CanI (`argocd account can-i sync applications 'team-a/*'`): `{value: "yes" | "no"}` for the
   * caller, with the policy in force. The object may hold slashes (`<project>/<app>`).
   */
  @AnyAuthenticated('answers for the caller itself')
  @Get('can-i/:resource/:action/*subresource')
  async canI(
    @CurrentIdentity() who: Identity,
    @Param('resource') resource: string,
    @Param('action') action: string,
    @Param('subresource') subresource: string | string[],
    @ValidQuery() _query: object,
  ) {
    const object = Array.isArray(subresource) ? subresource.join('/') : subresource;
    return { value: (await this.ctx.authorizer.may(who, resource, action, object)) ? 'yes' : 'no' };
  }

  @AuthorizeInHandler('oneself, or accounts, get, <name>')
  @Get(':name')
  get(@CurrentIdentity() who: Identity, @Param('name') name: string, @ValidQuery() _query: object) {
    return this.ctx.accountService.get(who, name);
  }

  /** `{expiresIn?, id?}` -> `{token}`: shown once; listed afterwards by id only. */
  @AuthorizeInHandler('oneself, or accounts, update, <name>')
  @Post(':name/token')
  @HttpCode(200)
  createToken(
    @CurrentIdentity() who: Identity,
    @Param('name') name: string,
    @Body(new JsonBody(CREATE_TOKEN_REQUEST)) body: CreateTokenRequest,
    @ValidQuery() _query: object,
    @Req() req: Request,
  ) {
    return this.ctx.accountService.createToken(
      who,
      name,
      { expiresIn: expiresInSeconds(body.expiresIn), ...(body.id ? { id: body.id } : {}) },
      metadataOf(requestActor(req)),
    );
  }

  @AuthorizeInHandler('oneself, or accounts, update, <name>')
  @Delete(':name/token/:id')
  @HttpCode(200)
  async deleteToken(
    @CurrentIdentity() who: Identity,
    @Param('name') name: string,
    @Param('id') id: string,
    @ValidQuery() _query: object,
    @Req() req: Request,
  ): Promise<object> {
    await this.ctx.accountService.deleteToken(who, name, id, metadataOf(requestActor(req)));
    return {};
  }
}
