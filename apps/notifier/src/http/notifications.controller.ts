import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Put,
  Query,
  Req,
  UnprocessableEntityException,
} from '@nestjs/common';
import { Authorize, CurrentIdentity, type Identity } from '@berth/auth';
import type { Request } from 'express';
import { InvalidNotificationsConfigError } from '../notifications-config.source';
import { checkConfigBody } from './notifications-config.body';
import { NotifierRuntime } from '../notifier.runtime';
import {
  DeliveryQueryError,
  listDeliveries,
  parseDeliveryQuery,
  type DeliveryPage,
} from './deliveries.query';

@Controller('api/v1/notifications')
export class NotificationsController {
  constructor(@Inject(NotifierRuntime) private readonly runtime: NotifierRuntime) {}

  @Authorize('notifications', 'get', { literal: '*' })
  @Get('deliveries')
  async deliveries(@Query() query: Record<string, unknown>): Promise<DeliveryPage> {
    try {
      return await listDeliveries(this.runtime.deliveries, parseDeliveryQuery(query));
    } catch (err) {
      if (err instanceof DeliveryQueryError)
        throw new BadRequestException({
          code: err.code,
          parameter: err.parameter,
          message: err.message,
          issues: [{ field: err.parameter, message: err.message }],
        });
      throw err;
    }
  }

  @Authorize('notifications', 'get', { literal: '*' })
  @Get('config')
  config(@Query() query: Record<string, unknown>) {
    refuseQuery(query);
    return { ...this.runtime.config.status(), databaseVersion: this.runtime.config.databaseVersion ?? null };
  }

  /**
   * Body: an argocd-notifications-cm ConfigMap or its data map, as YAML (Content-Type text/yaml or text/plain).
   * A change that sends a secret to a new host must come with the secret: one header
   * `X-Berth-Notifications-Secret: <name>=<value>` per secret (docs/security.md).
   */
  @Authorize('notifications', 'update', { literal: '*' })
  @Put('config')
  @HttpCode(200)
  async putConfig(
    @Body() body: unknown,
    @CurrentIdentity() who: Identity,
    @Query() query: Record<string, unknown>,
    @Req() req: Request,
  ) {
    refuseQuery(query);
    if (typeof body !== 'string' || body.trim() === '')
      throw new BadRequestException({
        code: 'NOTIFICATIONS_CONFIG_EMPTY',
        message: 'send the config as YAML with Content-Type: application/yaml (or text/plain)',
      });
    const problem = checkConfigBody(body);
    if (problem?.kind === 'limit')
      throw new BadRequestException({
        code: 'DOCUMENT_LIMIT',
        limit: problem.error.limit,
        max: problem.error.max,
        message: `${problem.key}: ${problem.error.message}`,
        issues: [{ field: problem.key, message: problem.error.message }],
      });
    if (problem?.kind === 'syntax')
      throw new UnprocessableEntityException({
        code: 'NOTIFICATIONS_CONFIG_INVALID',
        message: `notifications config rejected: ${problem.errors.map((e) => `${e.key}: ${e.message}`).join('; ')}`,
        errors: problem.errors,
      });
    const secrets: Record<string, string> = {};
    for (const pair of req.headersDistinct['x-berth-notifications-secret'] ?? []) {
      const at = pair.indexOf('=');
      if (at <= 0)
        throw new BadRequestException({
          code: 'NOTIFICATIONS_SECRET_HEADER_INVALID',
          message: 'X-Berth-Notifications-Secret must be <name>=<value>, e.g. slack-token=xoxb-...',
        });
      secrets[pair.slice(0, at).trim().replace(/^\$/, '')] = pair.slice(at + 1);
    }
    try {
      const { version, status } = await this.runtime.config.store(body, who.subject, secrets);
      return { version, ...status };
    } catch (err) {
      if (err instanceof InvalidNotificationsConfigError)
        throw new UnprocessableEntityException({ code: err.code, message: err.message, errors: err.issues });
      throw err;
    }
  }
}

/** The config endpoints take no query parameters: one sent is a mistake, not something to ignore. */
function refuseQuery(query: Record<string, unknown>): void {
  const [name] = Object.keys(query ?? {});
  if (name === undefined) return;
  const message = `${name}: unknown query parameter; this endpoint takes none`;
  throw new BadRequestException({
    code: 'INVALID_QUERY',
    parameter: name,
    message,
    issues: [{ field: name, message }],
  });
}
