import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Put,
  Query,
  UnprocessableEntityException,
} from '@nestjs/common';
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

  @Get('deliveries')
  async deliveries(@Query() query: Record<string, unknown>): Promise<DeliveryPage> {
    try {
      return await listDeliveries(this.runtime.dataSource, parseDeliveryQuery(query));
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

  @Get('config')
  config(@Query() query: Record<string, unknown>) {
    refuseQuery(query);
    return { ...this.runtime.config.status(), databaseVersion: this.runtime.config.databaseVersion ?? null };
  }

  /** Body: an argocd-notifications-cm ConfigMap or its data map, as YAML (Content-Type text/yaml or text/plain). */
  @Put('config')
  @HttpCode(200)
  async putConfig(
    @Body() body: unknown,
    @Headers('x-berth-user') user: string | undefined,
    @Query() query: Record<string, unknown>,
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
    try {
      const { version, status } = await this.runtime.config.store(body, user ?? 'anonymous');
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
