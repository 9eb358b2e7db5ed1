import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './berth-config';

describe('loadConfig', () => {
  it('has local defaults that work on a developer machine', () => {
    expect(loadConfig({})).toMatchObject({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/berth',
      redisUrl: 'redis://127.0.0.1:6379',
      schedulerPort: 8080,
      refreshIntervalSeconds: 120,
      refreshJitterSeconds: 60,
      allowFileRepos: false,
    });
  });

  it('names every bad variable at once, without leaking a password', () => {
    let error: unknown;
    try {
      loadConfig({
        DATABASE_URL: 'mysql://root:hunter2@db/berth',
        SCHEDULER_PORT: 'eighty',
        WORKER_CONCURRENCY: '0',
        BERTH_ALLOW_FILE_REPOS: 'maybe',
        BERTH_SECRET_KEY: 'short',
        BERTH_OUTBOUND_ALLOW: '169.254.0.0/16, not a host!',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(6);
    expect(problems.join('\n')).toMatch(/DATABASE_URL: .* must use postgres or postgresql/);
    expect((error as Error).message).not.toContain('hunter2');
    expect(problems.join('\n')).toMatch(/SCHEDULER_PORT: "eighty" must be a whole number/);
    expect(problems.join('\n')).toMatch(/WORKER_CONCURRENCY: "0" must be a whole number from 1/);
    expect(problems.join('\n')).toMatch(/BERTH_ALLOW_FILE_REPOS: "maybe" must be true or false/);
    expect(problems.join('\n')).toMatch(/BERTH_SECRET_KEY: must be 32 bytes/);
    expect(problems.join('\n')).toMatch(/BERTH_OUTBOUND_ALLOW: "not a host!" is not a CIDR/);
  });

  it('reads the outbound allow-list as a comma-separated list', () => {
    expect(loadConfig({ BERTH_OUTBOUND_ALLOW: ' 169.254.10.0/24 ,metadata.internal' }).outboundAllow).toEqual(
      ['169.254.10.0/24', 'metadata.internal'],
    );
  });
});
