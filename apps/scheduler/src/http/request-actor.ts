import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { EventMetadata } from '@berth/domain';

/** Who is asking and why: every write carries it into the event's metadata. */
export interface RequestActor {
  actor: string;
  reason?: string;
  correlationId: string;
}

/** The metadata the events of one request carry. */
export function metadataOf(who: RequestActor): EventMetadata {
  return {
    actor: who.actor,
    correlationId: who.correlationId,
    source: 'scheduler',
    ...(who.reason ? { reason: who.reason } : {}),
  };
}

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
