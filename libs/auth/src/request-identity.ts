import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { Identity } from './identity';

const identities = new WeakMap<IncomingMessage, Identity>();

/** Argo CD's cookie for the web UI's session token. */
export const AUTH_COOKIE = 'argocd.token';

export function setIdentity(req: IncomingMessage, identity: Identity): void {
  identities.set(req, identity);
}

/** The identity AuthGuard established for this request; undefined on a public route without a token. */
export function identityOf(req: IncomingMessage): Identity | undefined {
  return identities.get(req);
}

/**
 * The bearer token of a request: `Authorization: Bearer <token>`, else the `argocd.token` cookie.
 * `malformed` when an Authorization header is there but is not a bearer token.
 */
export function tokenOf(req: IncomingMessage): { token: string } | { malformed: string } | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match ? { token: match[1]! } : { malformed: 'the Authorization header must be "Bearer <token>"' };
  }
  const cookie = cookieOf(req.headers.cookie, AUTH_COOKIE);
  return cookie ? { token: cookie } : undefined;
}

/** The value of cookie `name` of a request (decoded); undefined when absent or malformed. */
export function cookieValue(req: IncomingMessage, name: string): string | undefined {
  return cookieOf(req.headers.cookie, name);
}

function cookieOf(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at < 0 || part.slice(0, at).trim() !== name) continue;
    const value = part.slice(at + 1).trim();
    try {
      return decodeURIComponent(value) || undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** `@CurrentIdentity() who: Identity` in a controller behind AuthGuard. */
export const CurrentIdentity = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const identity = identityOf(context.switchToHttp().getRequest<IncomingMessage>());
  if (!identity)
    throw new Error('no identity on this request: is the route behind AuthGuard and not @Public()?');
  return identity;
});
