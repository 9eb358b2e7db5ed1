import { describe, expect, it } from '@jest/globals';
import { envSecretLookup, secretEnvName } from './notifications-config.source';

describe('secret references', () => {
  it.each([
    { name: 'slack-token', env: 'BERTH_NOTIFICATIONS_SECRET_SLACK_TOKEN' },
    { name: 'dingtalk.secret', env: 'BERTH_NOTIFICATIONS_SECRET_DINGTALK_SECRET' },
    { name: 'github_token', env: 'BERTH_NOTIFICATIONS_SECRET_GITHUB_TOKEN' },
  ])('$name resolves from $env', ({ name, env }) => {
    expect(secretEnvName(name)).toBe(env);
    expect(envSecretLookup({ [env]: 'value' })(name)).toBe('value');
  });

  it('leaves an unset secret unresolved so the config parser names the key', () => {
    expect(envSecretLookup({})('slack-token')).toBeUndefined();
  });
});
