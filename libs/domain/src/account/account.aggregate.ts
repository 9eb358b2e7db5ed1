import { DomainError } from '../errors/domain-error';
import type { Aggregate } from '../events/aggregate';
import type { RecordedEvent } from '../events/event-envelope';
import { schemaVersionOf } from '../events/event-catalog';
import { accountStreamId, type AccountEvent } from '../events/account.events';

/** An API key of an account, as Argo CD lists it (`accounts.<n>.tokens`): never the token itself. */
export interface AccountToken {
  id: string;
  /** Unix seconds. */
  issuedAt: number;
  /** Unix seconds; absent: it does not expire. */
  expiresAt?: number;
}

/** A session token logged out before it expired. */
export interface RevokedToken {
  id: string;
  /** Unix seconds: forgotten once passed (the token is refused as expired anyway). */
  expiresAt: number;
}

/** One local account's secrets as its stream tells them (which accounts exist is configuration). */
export interface AccountState {
  name: string;
  passwordSet: boolean;
  /** Unix seconds: tokens issued before it are refused (Argo CD's `passwordMtime`). */
  passwordMtime: number | null;
  tokens: AccountToken[];
  /** Revoked session tokens not yet expired at the stream's last event. */
  revoked: RevokedToken[];
  streamVersion: number;
}

/** At most this many API keys per account: a list an attacker with one token could otherwise grow without end. */
export const MAX_TOKENS_PER_ACCOUNT = 100;

export type AccountCommand =
  /** `initial`: the admin's generated password; recorded once only (another replica may have done it first). */
  | { type: 'SetPassword'; initial: boolean; passwordMtime: number }
  | { type: 'CreateToken'; id: string; issuedAt: number; expiresAt?: number }
  | { type: 'DeleteToken'; id: string }
  | { type: 'RevokeSessionToken'; id: string; expiresAt: number };

const PREFIX = accountStreamId('');

export function initialAccountState(name: string): AccountState {
  return { name, passwordSet: false, passwordMtime: null, tokens: [], revoked: [], streamVersion: 0 };
}

export function evolveAccount(state: AccountState, recorded: RecordedEvent): AccountState {
  const event = recorded as unknown as AccountEvent;
  const now = Math.floor(recorded.recordedAt.getTime() / 1000);
  // Revocations of tokens that have expired by now need not be remembered: expiry refuses them.
  const next = {
    ...state,
    revoked: state.revoked.filter((r) => r.expiresAt >= now),
    streamVersion: recorded.streamVersion,
  };
  switch (event.type) {
    case 'AccountPasswordChanged':
      return { ...next, passwordSet: true, passwordMtime: event.data.passwordMtime };
    case 'AccountTokenCreated': {
      const { id, issuedAt, expiresAt } = event.data;
      return {
        ...next,
        tokens: [...next.tokens, { id, issuedAt, ...(expiresAt !== undefined ? { expiresAt } : {}) }],
      };
    }
    case 'AccountTokenDeleted':
      return { ...next, tokens: next.tokens.filter((t) => t.id !== event.data.id) };
    case 'SessionTokenRevoked':
      return event.data.expiresAt < now || next.revoked.some((r) => r.id === event.data.id)
        ? next
        : { ...next, revoked: [...next.revoked, { id: event.data.id, expiresAt: event.data.expiresAt }] };
    default:
      return next;
  }
}

/**
 * An account's secrets change: a password set (the initial one once), an API key issued under an id the
 * account does not use yet (Argo CD: "account already has token with id"), an API key deleted, a session
 * token revoked (again: nothing to record).
 */
export function decideAccount(command: AccountCommand, state: AccountState): AccountEvent[] {
  switch (command.type) {
    case 'SetPassword':
      if (command.initial && state.passwordSet) return [];
      return [
        {
          type: 'AccountPasswordChanged',
          schemaVersion: schemaVersionOf('AccountPasswordChanged'),
          data: { account: state.name, initial: command.initial, passwordMtime: command.passwordMtime },
        },
      ];
    case 'CreateToken':
      if (state.tokens.some((t) => t.id === command.id))
        throw new DomainError(
          'AlreadyExists',
          `account ${state.name} already has a token with id "${command.id}"; choose another id or delete that token first`,
          { field: 'id', issues: [{ field: 'id', message: 'is already used by a token of this account' }] },
        );
      if (state.tokens.length >= MAX_TOKENS_PER_ACCOUNT)
        throw new DomainError(
          'Invalid',
          `account ${state.name} has ${state.tokens.length} tokens, the most an account may have; delete unused ones with DELETE /api/v1/account/${state.name}/token/<id>`,
        );
      return [
        {
          type: 'AccountTokenCreated',
          schemaVersion: schemaVersionOf('AccountTokenCreated'),
          data: {
            account: state.name,
            id: command.id,
            issuedAt: command.issuedAt,
            ...(command.expiresAt !== undefined ? { expiresAt: command.expiresAt } : {}),
          },
        },
      ];
    case 'DeleteToken':
      if (!state.tokens.some((t) => t.id === command.id))
        throw new DomainError(
          'NotFound',
          `token with id "${command.id}" does not exist on account ${state.name}; list them with GET /api/v1/account/${state.name}`,
        );
      return [
        {
          type: 'AccountTokenDeleted',
          schemaVersion: schemaVersionOf('AccountTokenDeleted'),
          data: { account: state.name, id: command.id },
        },
      ];
    case 'RevokeSessionToken':
      if (state.revoked.some((r) => r.id === command.id)) return [];
      return [
        {
          type: 'SessionTokenRevoked',
          schemaVersion: schemaVersionOf('SessionTokenRevoked'),
          data: { account: state.name, id: command.id, expiresAt: command.expiresAt },
        },
      ];
  }
}

/** The account aggregate: one stream per local account (`account-<name>`). */
export const accountAggregate: Aggregate<AccountState> = {
  name: 'account',
  streamPrefix: PREFIX,
  stateVersion: 1,
  initial: (streamId) => initialAccountState(streamId.slice(PREFIX.length)),
  evolve: evolveAccount,
};
