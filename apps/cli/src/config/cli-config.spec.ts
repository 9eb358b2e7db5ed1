import { describe, expect, it } from '@jest/globals';
import {
  configOf,
  contextNameOf,
  EMPTY_CONFIG,
  resolveContext,
  serverUrl,
  withLogin,
  withoutContext,
  withoutToken,
} from './cli-config';

describe('cli config', () => {
  const one = withLogin(EMPTY_CONFIG, { name: 'cd:443', server: 'https://cd', token: 't1', insecure: true });
  const two = withLogin(one, {
    name: 'local',
    server: 'http://localhost:3000',
    token: 't2',
    insecure: false,
  });

  it("keeps Argo CD's shape: contexts, servers, users; the last login is current", () => {
    expect(two).toEqual({
      contexts: [
        { name: 'cd:443', server: 'https://cd', user: 'cd:443' },
        { name: 'local', server: 'http://localhost:3000', user: 'local' },
      ],
      'current-context': 'local',
      servers: [{ server: 'https://cd', insecure: true }, { server: 'http://localhost:3000' }],
      users: [
        { name: 'cd:443', 'auth-token': 't1' },
        { name: 'local', 'auth-token': 't2' },
      ],
    });
    expect(resolveContext(two)).toEqual({
      name: 'local',
      server: 'http://localhost:3000',
      token: 't2',
      insecure: false,
    });
    expect(resolveContext(two, 'cd:443')).toEqual({
      name: 'cd:443',
      server: 'https://cd',
      token: 't1',
      insecure: true,
    });
  });

  it('logging in again replaces the token; logout drops it; deleting a context drops its user and server', () => {
    const again = withLogin(two, {
      name: 'local',
      server: 'http://localhost:3000',
      token: 't3',
      insecure: false,
    });
    expect(again.users).toHaveLength(2);
    expect(resolveContext(again)?.token).toBe('t3');
    expect(resolveContext(withoutToken(again, 'local'))).toEqual({
      name: 'local',
      server: 'http://localhost:3000',
      insecure: false,
    });
    const left = withoutContext(again, 'local');
    expect(left).toEqual({ ...one, 'current-context': '' });
  });

  it('reads a damaged file as far as it can', () => {
    expect(configOf(null)).toEqual(EMPTY_CONFIG);
    expect(configOf({ contexts: [{ name: 'a', server: 'http://a' }, 'junk'], users: 'x' })).toEqual({
      ...EMPTY_CONFIG,
      contexts: [{ name: 'a', server: 'http://a', user: 'a' }],
    });
  });
});

describe('serverUrl', () => {
  it.each([
    ['cd.example.com', false, 'https://cd.example.com'],
    ['cd.example.com:8443', false, 'https://cd.example.com:8443'],
    ['localhost:3000', true, 'http://localhost:3000'],
    ['http://localhost:3000/', false, 'http://localhost:3000'],
  ])('%s (plaintext %s) is %s', (input, plaintext, url) => {
    expect(serverUrl(input, plaintext)).toBe(url);
    expect(contextNameOf(url)).toBe(new URL(url).host);
  });

  it.each([
    ['ftp://x', /only http/],
    ['https://user:pw@x', /no credentials/],
    ['https://x/api', /no path/],
    ['http://', /not a server address/],
  ])('refuses %s', (input, message) => expect(() => serverUrl(input)).toThrow(message));
});
