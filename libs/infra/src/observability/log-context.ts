import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What a log line is about, beyond its message: the app, the operation or request it belongs to
 * (`correlationId`: a sync's operation id, or a request's X-Correlation-Id, the same id its events carry)
 * and who asked. Structured logs (LOG_FORMAT=json) add it to every line written while it is current.
 */
export interface LogContext {
  application?: string;
  correlationId?: string;
  actor?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Runs `work` with `context` current for every line logged by it and whatever it awaits. */
export function withLogContext<T>(context: LogContext, work: () => T): T {
  return storage.run({ ...context }, work);
}

/** The context of the current job or request, if any. */
export function currentLogContext(): Readonly<LogContext> | undefined {
  return storage.getStore();
}

/**
 * Adds what became known later (the actor once the request is authenticated, the app once the route is
 * matched) to the current context; outside any context it does nothing.
 */
export function extendLogContext(more: LogContext): void {
  const store = storage.getStore();
  if (!store) return;
  for (const [key, value] of Object.entries(more) as Array<[keyof LogContext, string | undefined]>)
    if (value !== undefined) store[key] = value;
}
