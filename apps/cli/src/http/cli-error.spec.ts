import { describe, expect, it } from '@jest/globals';
import { formatApiError, networkErrorLines } from './cli-error';

describe('formatApiError', () => {
  it('prints the message with status and code, then one line per problem with field and fix', () => {
    expect(
      formatApiError(
        400,
        {
          error: 'Invalid',
          message: 'Application "x" is invalid (2 problems):',
          issues: [
            { field: 'spec.destination', message: 'is required', fix: 'set server or name' },
            { field: 'metadata.name', message: 'must be a DNS label' },
          ],
        },
        'create application',
      ),
    ).toEqual([
      'create application: Application "x" is invalid (2 problems) (400 Invalid)',
      '  - spec.destination: is required (fix: set server or name)',
      '  - metadata.name: must be a DNS label',
    ]);
  });

  it("shows a 403's message as the server wrote it, and says how to log in again after a 401", () => {
    expect(
      formatApiError(
        403,
        { error: 'Forbidden', message: 'permission denied: applications, sync, default/guestbook' },
        'sync guestbook',
      ),
    ).toEqual(['sync guestbook: permission denied: applications, sync, default/guestbook (403 Forbidden)']);
    expect(formatApiError(401, {}, 'list applications')).toEqual([
      'list applications: not logged in or the token expired (401)',
      '  log in again: berth login <server> (or pass --auth-token)',
    ]);
  });
});

describe('networkErrorLines', () => {
  it('names the server and the socket error fetch wraps', () => {
    const error = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    });
    const lines = networkErrorLines('http://127.0.0.1:1', error);
    expect(lines[0]).toBe(
      'cannot reach the Berth server at http://127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1',
    );
    expect(lines[1]).toContain('check the address');
  });

  it('suggests --insecure for a certificate problem', () => {
    const lines = networkErrorLines('https://cd', new Error('self-signed certificate'));
    expect(lines[1]).toContain('--insecure');
  });
});
