import { ArgumentsHost, Catch, HttpException, Inject, Logger, type ExceptionFilter } from '@nestjs/common';
import { DomainError, ValidationFailedError } from '@berth/domain';
import {
  DependencyUnavailableError,
  DocumentLimitError,
  JsonSyntaxError,
  postgresUnavailable,
  redisUnavailable,
} from '@berth/infra';
import { WrongExpectedVersionError } from '@berth/event-store';
import { OutboundRefusedError } from '@berth/net';
import type { Response } from 'express';
import { SchedulerContext } from '../scheduler.context';

/** Seconds a client should wait before retrying a 503 (Retry-After): about two readiness probes. */
const RETRY_AFTER_SECONDS = 5;

const STATUS: Record<string, number> = {
  NotFound: 404,
  AlreadyExists: 409,
  Conflict: 409,
  OperationInProgress: 409,
  Invalid: 400,
  Forbidden: 403,
};

/** Every error leaves as JSON with a message a person can act on; internals are logged, not shown. */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  constructor(@Inject(SchedulerContext) private readonly ctx: SchedulerContext) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    // Postgres or Redis is away: 503 Unavailable (as Argo CD answers when its store fails), with
    // what was recorded and what to retry (docs/dependency-failures.md). Checked first: a
    // WrongExpectedVersionError or a DomainError is never a connection failure.
    const unavailable =
      postgresUnavailable(error, this.ctx.config.databaseUrl) ??
      redisUnavailable(error, this.ctx.config.redis) ??
      (error instanceof DependencyUnavailableError ? error : undefined);
    if (unavailable) {
      this.logger.warn(unavailable.message);
      res
        .status(503)
        .setHeader('Retry-After', String(RETRY_AFTER_SECONDS))
        .json({ error: 'Unavailable', dependency: unavailable.dependency, message: unavailable.message });
      return;
    }
    if (error instanceof ValidationFailedError) {
      res.status(400).json({
        error: 'Invalid',
        message: error.message,
        issues: error.issues.map((i) => ({ field: i.path, message: i.message, fix: i.fix })),
      });
      return;
    }
    if (error instanceof DomainError) {
      res
        .status(STATUS[error.code] ?? 400)
        .json({ error: error.code, message: error.message, ...(error.details ?? {}) });
      return;
    }
    if (error instanceof DocumentLimitError) {
      // Refused before parsing: the body could exhaust the parser's stack or memory.
      res.status(400).json({
        error: 'Invalid',
        message: `the request body is refused: ${error.message}`,
        limit: error.limit,
        max: error.max,
        issues: [{ field: '', message: error.message, fix: 'send a flatter document without YAML aliases' }],
      });
      return;
    }
    if (error instanceof JsonSyntaxError) {
      res.status(400).json({
        error: 'Invalid',
        message: `the request body is ${error.message}`,
        issues: [{ field: '', message: error.message }],
      });
      return;
    }
    if (error instanceof OutboundRefusedError) {
      const field = error.field ?? '';
      res.status(400).json({
        error: 'Invalid',
        message: error.message,
        field,
        issues: [{ field, message: error.message, fix: 'BERTH_OUTBOUND_ALLOW (docs/security.md)' }],
      });
      return;
    }
    if (error instanceof WrongExpectedVersionError) {
      res.status(409).json({ error: 'Conflict', message: error.message });
      return;
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const body = error.getResponse();
      res.status(status).json(typeof body === 'string' ? { error: error.name, message: body } : body);
      return;
    }
    this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    res.status(500).json({ error: 'Internal', message: 'internal error; see the scheduler log' });
  }
}
