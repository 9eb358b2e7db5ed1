import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { RequestActor } from '../applications/applications.service';

/**
 * Until authentication exists, the caller names themself with `X-Actor` (else `anonymous`) and may
 * say why with `X-Reason`; `X-Correlation-Id` ties the events of one request together.
 */
export function requestActor(req: Request): RequestActor {
  const header = (name: string) => {
    const value = req.headers[name];
    return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
  };
  const who: RequestActor = {
    actor: header('x-actor') ?? 'anonymous',
    correlationId: header('x-correlation-id') ?? randomUUID(),
  };
  const reason = header('x-reason');
  if (reason) who.reason = reason;
  return who;
}
