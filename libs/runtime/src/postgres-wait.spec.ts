import { describe, expect, it } from '@jest/globals';
import { transientPostgresError } from './postgres-wait';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('transientPostgresError: what a starting process waits out, and what ends its start', () => {
  it.each([
    [withCode('ECONNREFUSED'), 'connection refused'],
    [withCode('ENOTFOUND'), 'host not found'],
    [withCode('ETIMEDOUT'), 'connection timed out'],
    [
      withCode('57P03', 'the database system is starting up'),
      'starting up or shutting down: the database system is starting up',
    ],
    [
      withCode('53300', 'sorry, too many clients already'),
      'too many connections: sorry, too many clients already',
    ],
    [new Error('Connection terminated due to connection timeout'), 'no answer within 5 s'],
    [new Error('Connection terminated unexpectedly'), 'connection closed by the server'],
  ])('waits out %s', (error, reason) => {
    expect(transientPostgresError(error)).toBe(reason);
  });

  it.each([
    [withCode('3D000', 'database "berth" does not exist')],
    [withCode('28P01', 'password authentication failed for user "berth"')],
    [withCode('28000', 'role "nobody" does not exist')],
    [new Error('something else entirely')],
  ])('does not wait out %s: retrying cannot fix it', (error) => {
    expect(transientPostgresError(error)).toBeUndefined();
  });
});
