import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { identityOf, type Identity } from '@berth/auth';
import { DomainError, type EventMetadata } from '@berth/domain';

/** Who is asking and why: every write carries it into the event's metadata. */
export interface RequestActor {
  /** The authenticated subject: an account, an SSO user, `proj:<project>:<role>`, or `anonymous`. */
  actor: string;
  /** The SSO groups of the actor, recorded with the events. */
  groups?: string[];
  reason?: string;
  correlationId: string;
  /** The verified identity, for the checks a handler makes itself (Authorizer); never put in an event. */
  identity: Identity;
}

/** The metadata the events of one request carry. */
export function metadataOf(who: RequestActor): EventMetadata {
  return {
    actor: who.actor,
    ...(who.groups && who.groups.length > 0 ? { groups: who.groups } : {}),
    correlationId: who.correlationId,
    source: 'scheduler',
    ...(who.reason ? { reason: who.reason } : {}),
  };
}

/**
 * The actor is whoever the request's token says (AuthGuard established it); the caller may say why with
 * `X-Reason`, and `X-Correlation-Id` ties the events of one request together. `X-Actor` is refused: the
 * audit log names who authenticated, not who a header claims to be.
 */
export function requestActor(req: Request): RequestActor {
  const header = (name: string) => {
    const value = req.headers[name];
    return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
  };
  const identity = identityOf(req);
  if (!identity) throw new Error('requestActor on a request without an identity: is the route @Public()?');
  if (header('x-actor') !== undefined)
    throw new DomainError(
      'Invalid',
      `X-Actor is not accepted: the audit log records the authenticated subject (${identity.subject}); remove the header`,
      { issues: [{ field: 'X-Actor', message: 'is not accepted', fix: 'remove the header' }] },
    );
  const who: RequestActor = {
    actor: identity.subject,
    ...(identity.groups.length > 0 ? { groups: [...identity.groups] } : {}),
    correlationId: header('x-correlation-id') ?? randomUUID(),
    identity,
  };
  const reason = header('x-reason');
  if (reason) who.reason = reason;
  return who;
}
