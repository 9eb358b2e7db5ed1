import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../errors/domain-error';
import type { AccountEvent } from '../events/account.events';
import {
  accountAggregate,
  decideAccount,
  MAX_TOKENS_PER_ACCOUNT,
  type AccountCommand,
  type AccountState,
} from './account.aggregate';

const T0 = Date.parse('2026-05-01T10:00:00Z');
const seconds = (ms: number) => Math.floor(ms / 1000);

/** Folds `events` as the log would record them, one second apart from T0. */
function given(events: AccountEvent[], name = 'alice'): AccountState {
  return events.reduce(
    (state, event, i) =>
      accountAggregate.evolve(state, {
        ...event,
        position: BigInt(i + 1),
        transactionId: BigInt(i + 1),
        streamId: `account-${name}`,
        streamVersion: i + 1,
        metadata: { actor: 'admin' },
        recordedAt: new Date(T0 + i * 1000),
      }),
    accountAggregate.initial(`account-${name}`),
  );
}

const when = (state: AccountState, command: AccountCommand) => decideAccount(command, state);

const created = (id: string, expiresAt?: number): AccountEvent => ({
  type: 'AccountTokenCreated',
  schemaVersion: 1,
  data: { account: 'alice', id, issuedAt: seconds(T0), ...(expiresAt !== undefined ? { expiresAt } : {}) },
});

describe('account: passwords, API keys and revoked sessions', () => {
  it('records the initial password once: a second replica starting at the same time records nothing', () => {
    const first = when(given([]), { type: 'SetPassword', initial: true, passwordMtime: seconds(T0) });
    expect(first).toEqual([
      {
        type: 'AccountPasswordChanged',
        schemaVersion: 1,
        data: { account: 'alice', initial: true, passwordMtime: seconds(T0) },
      },
    ]);
    expect(when(given(first), { type: 'SetPassword', initial: true, passwordMtime: seconds(T0) })).toEqual(
      [],
    );
  });

  it('records every change of the password, and the change ends earlier tokens (passwordMtime)', () => {
    const state = given([
      {
        type: 'AccountPasswordChanged',
        schemaVersion: 1,
        data: { account: 'alice', initial: false, passwordMtime: seconds(T0) + 7 },
      },
    ]);
    expect(state).toMatchObject({ passwordSet: true, passwordMtime: seconds(T0) + 7 });
    expect(when(state, { type: 'SetPassword', initial: false, passwordMtime: seconds(T0) + 9 })).toHaveLength(
      1,
    );
  });

  it('issues an API key under a new id and refuses an id in use, as Argo CD', () => {
    const state = given([created('ci')]);
    expect(state.tokens).toEqual([{ id: 'ci', issuedAt: seconds(T0) }]);
    expect(() => when(state, { type: 'CreateToken', id: 'ci', issuedAt: seconds(T0) })).toThrow(
      /already has a token with id "ci"/,
    );
    expect(when(state, { type: 'CreateToken', id: 'deploy', issuedAt: 1, expiresAt: 2 })[0]).toMatchObject({
      type: 'AccountTokenCreated',
      data: { id: 'deploy', issuedAt: 1, expiresAt: 2 },
    });
  });

  it(`keeps at most ${MAX_TOKENS_PER_ACCOUNT} API keys per account`, () => {
    const state = given(Array.from({ length: MAX_TOKENS_PER_ACCOUNT }, (_, i) => created(`t${i}`)));
    expect(() => when(state, { type: 'CreateToken', id: 'one-more', issuedAt: 1 })).toThrow(DomainError);
  });

  it('deletes an API key it has, and says so for one it does not', () => {
    const state = given([created('ci'), created('deploy')]);
    const deleted = when(state, { type: 'DeleteToken', id: 'ci' });
    expect(deleted).toEqual([
      { type: 'AccountTokenDeleted', schemaVersion: 1, data: { account: 'alice', id: 'ci' } },
    ]);
    expect(given([created('ci'), created('deploy'), ...deleted]).tokens.map((t) => t.id)).toEqual(['deploy']);
    expect(() => when(state, { type: 'DeleteToken', id: 'nope' })).toThrow(/does not exist/);
  });

  it('remembers a revoked session token until it expires, and revoking it again records nothing', () => {
    const revoke = (id: string, expiresAt: number): AccountEvent => ({
      type: 'SessionTokenRevoked',
      schemaVersion: 1,
      data: { account: 'alice', id, expiresAt },
    });
    // Recorded at T0, T0+1s, T0+2s: the first revocation's token expires at T0+1s, so it is forgotten at T0+2s.
    const state = given([revoke('a', seconds(T0) + 1), revoke('b', seconds(T0) + 3600), created('x')]);
    expect(state.revoked).toEqual([{ id: 'b', expiresAt: seconds(T0) + 3600 }]);
    expect(when(state, { type: 'RevokeSessionToken', id: 'b', expiresAt: seconds(T0) + 3600 })).toEqual([]);
  });
});
