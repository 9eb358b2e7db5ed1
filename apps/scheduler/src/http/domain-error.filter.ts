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
import { grpcCodeOf } from './grpc-code';

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

/**
 * Every error leaves as JSON with a message a person can act on; internals are logged, not shown. The
 * answer is grpc-gateway's runtimeError, as Argo CD's: `error` (Berth: the class of problem, e.g. `Invalid`),
 * `code` (the gRPC code number, grpc-code.ts) and `message`; Berth adds `issues[]` (field, message, fix).
 */
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
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      answer(res, 503, {
        error: 'Unavailable',
        dependency: unavailable.dependency,
        message: unavailable.message,
      });
      return;
    }
    if (error instanceof ValidationFailedError) {
      answer(res, 400, {
        error: 'Invalid',
        message: error.message,
        issues: error.issues.map((i) => ({ field: i.path, message: i.message, fix: i.fix })),
      });
      return;
    }
    if (error instanceof DomainError) {
      answer(
        res,
        STATUS[error.code] ?? 400,
        { ...(error.details ?? {}), error: error.code, message: error.message },
        error.code,
      );
      return;
    }
    if (error instanceof DocumentLimitError) {
      // Refused before parsing: the body could exhaust the parser's stack or memory.
      answer(res, 400, {
        error: 'Invalid',
        message: `the request body is refused: ${error.message}`,
        limit: error.limit,
        max: error.max,
        issues: [{ field: '', message: error.message, fix: 'send a flatter document without YAML aliases' }],
      });
      return;
    }
    if (error instanceof JsonSyntaxError) {
      answer(res, 400, {
        error: 'Invalid',
        message: `the request body is ${error.message}`,
        issues: [{ field: '', message: error.message }],
      });
      return;
    }
    if (error instanceof OutboundRefusedError) {
      const field = error.field ?? '';
      answer(res, 400, {
        error: 'Invalid',
        message: error.message,
        field,
        issues: [{ field, message: error.message, fix: 'BERTH_OUTBOUND_ALLOW (docs/security.md)' }],
      });
      return;
    }
    if (error instanceof WrongExpectedVersionError) {
      answer(res, 409, { error: 'Conflict', message: error.message }, 'Conflict');
      return;
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const body = error.getResponse();
      // /readyz (Terminus): its own report, `{status: 'error', error: {postgres: {...}}, ...}`, unchanged.
      if (isHealthReport(body)) {
        res.status(status).json(body);
        return;
      }
      answer(res, status, httpExceptionBody(error.name, body));
      return;
    }
    this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    answer(res, 500, { error: 'Internal', message: 'internal error; see the scheduler log' });
  }
}

/** Sends an error answer with its gRPC code (`code` is always the number, whatever the body held). */
function answer(
  res: Response,
  status: number,
  body: { error: string; message: string } & Record<string, unknown>,
  domainCode?: string,
): void {
  res.status(status).json({ ...body, code: grpcCodeOf(status, domainCode) });
}

/** A Terminus health check result (`status`, `info`, `error`, `details`). */
function isHealthReport(body: string | object): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const fields = body as Record<string, unknown>;
  return (
    typeof fields['status'] === 'string' &&
    typeof fields['details'] === 'object' &&
    fields['details'] !== null
  );
}

/**
 * A Nest HttpException's body as an error answer: Nest's own (`{statusCode, message, error}`, `message`
 * possibly a list) and the guards' (`{error, message}`) both end up with string `error` and `message`.
 */
function httpExceptionBody(
  name: string,
  body: string | object,
): { error: string; message: string } & Record<string, unknown> {
  if (typeof body === 'string') return { error: name, message: body };
  const { statusCode: _status, ...fields } = body as Record<string, unknown>;
  const message = Array.isArray(fields.message) ? fields.message.join('; ') : fields.message;
  const error = typeof fields.error === 'string' ? fields.error : name;
  return { ...fields, error, message: typeof message === 'string' && message !== '' ? message : error };
}
