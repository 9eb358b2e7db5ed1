import { describe, expect, it } from '@jest/globals';
import { parseAccountsSettings } from './accounts-settings';

const ok = (data: Record<string, unknown>) => {
  const result = parseAccountsSettings(data);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result;
};

describe("accounts settings: argocd-cm's keys as Argo CD reads them (util/settings/accounts.go)", () => {
  it('has the built-in admin with login, anonymous off, 24h sessions and ^.{8,32}$ passwords by default', () => {
    const { settings } = ok({});
    expect([...settings.accounts.values()]).toEqual([
      { name: 'admin', enabled: true, capabilities: ['login'] },
    ]);
    expect(settings).toMatchObject({ anonymousEnabled: false, sessionDurationSeconds: 86_400 });
    expect(settings.passwordPattern.source).toBe('^.{8,32}$');
  });

  it.each([
    [{ 'accounts.alice': 'apiKey, login' }, 'alice', { enabled: true, capabilities: ['apiKey', 'login'] }],
    [
      { 'accounts.alice': 'apiKey', 'accounts.alice.enabled': 'false' },
      'alice',
      { enabled: false, capabilities: ['apiKey'] },
    ],
    [
      { 'accounts.alice.enabled': 'False', 'accounts.alice': 'login' },
      'alice',
      { enabled: false, capabilities: ['login'] },
    ],
    [{ 'accounts.ci': '' }, 'ci', { enabled: true, capabilities: [] }],
    [{ 'admin.enabled': 'false' }, 'admin', { enabled: false, capabilities: ['login'] }],
    [{ 'accounts.admin': 'apiKey' }, 'admin', { enabled: true, capabilities: ['login', 'apiKey'] }],
    [{ 'accounts.bot_1-x': ' apiKey ,, ' }, 'bot_1-x', { enabled: true, capabilities: ['apiKey'] }],
  ])('%j -> %s %j', (data, name, expected) => {
    expect(ok(data).settings.accounts.get(name)).toEqual({ name, ...expected });
  });

  it('reads anonymous access, the session duration and the password pattern', () => {
    const { settings } = ok({
      'users.anonymous.enabled': 'true',
      'users.session.duration': '8h30m',
      passwordPattern: '^.{12,}$',
    });
    expect(settings.anonymousEnabled).toBe(true);
    expect(settings.sessionDurationSeconds).toBe(8.5 * 3600);
    expect(settings.passwordPattern.test('twelve-chars')).toBe(true);
  });

  it("ignores argocd-cm keys that are not Berth's (an operator's whole ConfigMap)", () => {
    const result = ok({
      url: 'https://argocd.example.com',
      'resource.customizations': 'x',
      'ga.trackingid': 'y',
    });
    expect(result.warnings).toEqual([]);
    expect(ok({ 'accounts.alice.tokens': '[]' }).warnings).toEqual([
      { key: 'accounts.alice.tokens', message: expect.stringContaining('ignored') },
    ]);
  });

  it.each([
    [{ 'accounts.alice': 'apiKey, logon' }, 'accounts.alice', 'unknown capability "logon"'],
    [{ 'accounts.alice.enabled': 'maybe' }, 'accounts.alice.enabled', '"maybe" is not a boolean'],
    [{ 'admin.enabled': 'nope' }, 'admin.enabled', 'is not a boolean'],
    [
      { 'accounts.a-name-that-is-far-too-long-for-argo': 'login' },
      'accounts.a-name-that-is-far-too-long-for-argo',
      '1 to 32',
    ],
    [{ 'users.session.duration': '1 day' }, 'users.session.duration', 'not a duration'],
    [{ passwordPattern: '([' }, 'passwordPattern', 'not a regular expression'],
    [{ 'accounts.alice': ['login'] }, 'accounts.alice', 'must be a string'],
  ])('refuses %j naming %s', (data, key, message) => {
    const result = parseAccountsSettings(data);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toEqual([{ key, message: expect.stringContaining(message) }]);
  });

  it('reads oidc.config (Argo CD direct OIDC) with the client secret from BERTH_ACCOUNTS_SECRET_*', () => {
    const secrets = (ref: string) => (ref === '$oidc.okta.clientSecret' ? 's3cret' : undefined);
    const result = parseAccountsSettings(
      {
        url: 'https://berth.example.com/',
        'oidc.config':
          'name: Okta\nissuer: https://dev-1.okta.com\nclientID: berth\nclientSecret: $oidc.okta.clientSecret\n',
      },
      secrets,
    );
    expect(result.ok && result.settings).toMatchObject({
      url: 'https://berth.example.com',
      oidc: {
        name: 'Okta',
        issuer: 'https://dev-1.okta.com',
        clientID: 'berth',
        clientSecret: 's3cret',
        requestedScopes: ['openid', 'profile', 'email', 'groups'],
        groupsClaim: 'groups',
      },
    });
  });

  it.each([
    [{ 'oidc.config': 'issuer: https://i\nclientID: c\n' }, 'url', 'callback'],
    [
      { url: 'https://b', 'oidc.config': 'issuer: http://idp.example.com\nclientID: c\n' },
      'oidc.config.issuer',
      'https://',
    ],
    [{ url: 'https://b', 'oidc.config': 'issuer: https://i\n' }, 'oidc.config.clientID', 'is required'],
    [
      { url: 'https://b', 'oidc.config': 'issuer: https://i\nclientID: c\nclientSecret: hunter2\n' },
      'oidc.config.clientSecret',
      'reference',
    ],
    [
      { url: 'https://b', 'oidc.config': 'issuer: https://i\nclientID: c\nclientSecret: $oidc.x\n' },
      'oidc.config.clientSecret',
      'BERTH_ACCOUNTS_SECRET_OIDC_X',
    ],
    [
      { url: 'https://b', 'oidc.config': 'issuer: https://i\nclientID: c\nrequestedScopes: [email]\n' },
      'oidc.config.requestedScopes',
      'openid',
    ],
    [{ url: 'https://b', 'oidc.config': '[unclosed' }, 'oidc.config', 'not valid YAML'],
  ])('refuses SSO settings %j naming %s', (data, key, message) => {
    const result = parseAccountsSettings(data);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toContainEqual({ key, message: expect.stringContaining(message) });
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });
});
