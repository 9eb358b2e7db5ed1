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
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/DATABASE_URL: .* must use postgres or postgresql/);
    expect((error as Error).message).not.toContain('hunter2');
    expect(problems.join('\n')).toMatch(/SCHEDULER_PORT: "eighty" must be a whole number/);
    expect(problems.join('\n')).toMatch(/WORKER_CONCURRENCY: "0" must be a whole number from 1/);
    expect(problems.join('\n')).toMatch(/BERTH_ALLOW_FILE_REPOS: "maybe" must be true or false/);
    expect(problems.join('\n')).toMatch(/BERTH_SECRET_KEY: must be 32 bytes/);
  });
});
