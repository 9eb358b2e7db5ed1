import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { currentLogContext } from '@berth/infra';

/**
 * Nest's console logger, in Berth's two formats. `text` (default): Nest's own lines, for people.
 * `json` (LOG_FORMAT=json): Nest's JSON records (one object per line: level, pid, timestamp, message,
 * context) plus the process (`scheduler`, `worker`, `notifier`) and, on every line written during a job
 * or request about an app, `application`, `correlationId` and `actor` (withLogContext): a log pipeline
 * finds every line of one sync, one app, or one person's requests without parsing messages.
 */
export class BerthLogger extends ConsoleLogger {
  constructor(
    private readonly processName: string,
    format: 'text' | 'json',
    logLevels: LogLevel[],
  ) {
    super({ json: format === 'json', logLevels });
  }

  protected override getJsonLogObject(
    message: unknown,
    options: {
      context: string;
      logLevel: LogLevel;
      writeStreamType?: 'stdout' | 'stderr';
      errorStack?: unknown;
      params?: Record<string, unknown>;
      error?: Error;
    },
  ) {
    const record = super.getJsonLogObject(message, options);
    const about = currentLogContext();
    return {
      ...record,
      process: this.processName,
      ...(about?.application ? { application: about.application } : {}),
      ...(about?.correlationId ? { correlationId: about.correlationId } : {}),
      ...(about?.actor ? { actor: about.actor } : {}),
    };
  }
}

/** The levels LOG_LEVEL turns on: the named one and every more severe one. */
export function logLevelsFor(level: LogLevel): LogLevel[] {
  const order: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
  return order.slice(0, order.indexOf(level) + 1);
}
