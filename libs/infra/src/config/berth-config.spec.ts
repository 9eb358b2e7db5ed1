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
      liveState: { enabled: true, debounceMs: 250, watchTimeoutSeconds: 300 },
    });
  });

  it('the live-state cache: on by default, its debounce and watch timeout bounded', () => {
    expect(
      loadConfig({
        BERTH_LIVE_STATE_CACHE: 'false',
        BERTH_LIVE_STATE_DEBOUNCE_MS: '250',
        BERTH_WATCH_TIMEOUT_SECONDS: '60',
      }).liveState,
    ).toEqual({ enabled: false, debounceMs: 250, watchTimeoutSeconds: 60 });
    expect(() => loadConfig({ BERTH_WATCH_TIMEOUT_SECONDS: '5' })).toThrow(
      /BERTH_WATCH_TIMEOUT_SECONDS: "5" must be a whole number from 10/,
    );
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

  it("the default destination: KUBECONFIG when set (even in a pod), else the pod's service account", () => {
    expect(loadConfig({ KUBECONFIG: '/k', KUBERNETES_SERVICE_HOST: '10.0.0.1' }).defaultCluster).toEqual({
      kubeconfigPath: '/k',
      inPod: true,
    });
    expect(loadConfig({}).defaultCluster).toEqual({ kubeconfigPath: undefined, inPod: false });
  });

  it("Argo CD's public settings: badge off, no URL and no banner by default; URLs and the position checked", () => {
    expect(loadConfig({}).serverSettings).toEqual({
      url: undefined,
      statusBadgeEnabled: false,
      statusBadgeRootUrl: undefined,
      uiBanner: { content: undefined, url: undefined, permanent: false, position: undefined },
    });
    expect(
      loadConfig({
        BERTH_URL: 'https://berth.example.com',
        BERTH_STATUS_BADGE_ENABLED: 'true',
        BERTH_UI_BANNER_CONTENT: 'maintenance at 18:00',
        BERTH_UI_BANNER_POSITION: 'bottom',
      }).serverSettings,
    ).toMatchObject({
      url: 'https://berth.example.com',
      statusBadgeEnabled: true,
      uiBanner: { content: 'maintenance at 18:00', position: 'bottom' },
    });
    let error: unknown;
    try {
      loadConfig({ BERTH_URL: 'ftp://berth', BERTH_UI_BANNER_URL: 'nope', BERTH_UI_BANNER_POSITION: 'left' });
    } catch (e) {
      error = e;
    }
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/BERTH_URL: "ftp:\/\/berth\/?" must be an http:\/\/ or https:\/\/ URL/);
    expect(problems).toMatch(/BERTH_UI_BANNER_URL: "nope" is not a URL/);
    expect(problems).toMatch(/BERTH_UI_BANNER_POSITION: "left" must be top, bottom or both/);
  });

  it('reads the RBAC config file (argocd-rbac-cm) from BERTH_RBAC_CONFIG; none by default', () => {
    expect(loadConfig({}).rbacConfigFile).toBeUndefined();
    expect(loadConfig({ BERTH_RBAC_CONFIG: '/etc/berth/argocd-rbac-cm.yaml' }).rbacConfigFile).toBe(
      '/etc/berth/argocd-rbac-cm.yaml',
    );
  });

  it('refuses a previous secret key that is not a key, naming the variable', () => {
    expect(() => loadConfig({ BERTH_SECRET_KEY_PREVIOUS: 'short' })).toThrow(
      /BERTH_SECRET_KEY_PREVIOUS: must be 32 bytes/,
    );
  });

  it('reads the global compare options (Argo CD resource.compareoptions, controller.diff.server.side); both off by default', () => {
    expect(loadConfig({}).compareOptions).toEqual({ ignoreAggregatedRoles: false, serverSideDiff: false });
    expect(loadConfig({ BERTH_COMPARE_IGNORE_AGGREGATED_ROLES: 'true' }).compareOptions).toEqual({
      ignoreAggregatedRoles: true,
      serverSideDiff: false,
    });
    expect(loadConfig({ BERTH_DIFF_SERVER_SIDE: 'true' }).compareOptions).toEqual({
      ignoreAggregatedRoles: false,
      serverSideDiff: true,
    });
    expect(() => loadConfig({ BERTH_COMPARE_IGNORE_AGGREGATED_ROLES: 'maybe' })).toThrow(
      'BERTH_COMPARE_IGNORE_AGGREGATED_ROLES: "maybe" must be true or false',
    );
    expect(() => loadConfig({ BERTH_DIFF_SERVER_SIDE: 'on' })).toThrow(
      'BERTH_DIFF_SERVER_SIDE: "on" must be true or false',
    );
  });

  it('reads the outbound allow-list as a comma-separated list', () => {
    expect(loadConfig({ BERTH_OUTBOUND_ALLOW: ' 169.254.10.0/24 ,metadata.internal' }).outboundAllow).toEqual(
      ['169.254.10.0/24', 'metadata.internal'],
    );
  });
});

describe('loadConfig: identity and access settings', () => {
  it('listens on 127.0.0.1 and keeps /metrics open unless told otherwise; login protection as Argo CD', () => {
    expect(loadConfig({})).toMatchObject({
      bindAddress: '127.0.0.1',
      metricsRequireAuth: false,
      accountsConfigFile: undefined,
      serverSecretKey: undefined,
      loginProtection: { maxFailures: 5, failureWindowSeconds: 300, maxFailuresPerAddress: 20 },
    });
    expect(
      loadConfig({
        BERTH_BIND_ADDRESS: '0.0.0.0',
        BERTH_METRICS_REQUIRE_AUTH: 'true',
        BERTH_SESSION_FAILURE_MAX_FAIL_COUNT: '3',
        BERTH_SESSION_FAILURE_WINDOW_SECONDS: '0',
      }),
    ).toMatchObject({
      bindAddress: '0.0.0.0',
      metricsRequireAuth: true,
      loginProtection: { maxFailures: 3, failureWindowSeconds: 0 },
    });
  });

  it('refuses a bind address or a signing key it cannot use, naming the variable', () => {
    expect(() => loadConfig({ BERTH_BIND_ADDRESS: 'every interface' })).toThrow(
      /BERTH_BIND_ADDRESS: .* 0\.0\.0\.0/,
    );
    expect(() => loadConfig({ BERTH_SERVER_SECRET_KEY: 'hunter2' })).toThrow(
      /BERTH_SERVER_SECRET_KEY: must be 32 bytes/,
    );
    expect(() => loadConfig({ BERTH_SERVER_SECRET_KEY_PREVIOUS: 'x' })).toThrow(
      /BERTH_SERVER_SECRET_KEY_PREVIOUS: must be 32 bytes/,
    );
    expect(() => loadConfig({ BERTH_SERVER_SECRET_KEY: 'hunter2' })).not.toThrow(/hunter2/);
  });
});

describe('loadConfig: webhook and notifier settings', () => {
  it('reads webhook secrets per provider, the render budget and the notification secrets', () => {
    const config = loadConfig({
      WEBHOOK_GITHUB_SECRET: 'gh',
      WEBHOOK_GITLAB_SECRET: '',
      BERTH_NOTIFICATIONS_RENDER_TIMEOUT_MS: '2000',
      BERTH_NOTIFICATIONS_SECRET_SLACK_TOKEN: 'xoxb-1',
    });
    expect(config.webhookSecrets).toEqual({ github: 'gh' });
    expect(config.notificationRender).toEqual({
      timeoutMs: 2000,
      maxOutputChars: 1_048_576,
      maxSteps: 1_000_000,
    });
    expect(config.notificationSecrets).toEqual({ SLACK_TOKEN: 'xoxb-1' });
  });

  it('refuses a render budget it cannot use, naming the variable', () => {
    expect(() => loadConfig({ BERTH_NOTIFICATIONS_RENDER_MAX_STEPS: 'lots' })).toThrow(
      /BERTH_NOTIFICATIONS_RENDER_MAX_STEPS: "lots" must be a whole number/,
    );
  });

  describe('Redis topology', () => {
    it('REDIS_URL alone is a standalone server, prefix `berth`', () => {
      expect(loadConfig({}).redis).toEqual({
        url: 'redis://127.0.0.1:6379',
        topology: { mode: 'standalone' },
      });
      expect(loadConfig({}).queuePrefix).toBe('berth');
    });

    it('BERTH_REDIS_CLUSTER_NODES: a cluster; the default prefix carries a hash tag', () => {
      const config = loadConfig({ BERTH_REDIS_CLUSTER_NODES: 'redis-0.redis:6379, [::1]:7000' });
      expect(config.redis.topology).toEqual({
        mode: 'cluster',
        nodes: [
          { host: 'redis-0.redis', port: 6379 },
          { host: '::1', port: 7000 },
        ],
      });
      expect(config.queuePrefix).toBe('{berth}');
      expect(
        loadConfig({ BERTH_REDIS_CLUSTER_NODES: 'a:1', BERTH_QUEUE_PREFIX: 'x-{team-a}' }).queuePrefix,
      ).toBe('x-{team-a}');
    });

    it('a cluster prefix without a hash tag, a bad node, both topologies, a Sentinel without master: each named', () => {
      const problems = (env: Record<string, string>) => {
        try {
          loadConfig(env);
        } catch (e) {
          return (e as ConfigError).problems.join('\n');
        }
        return '';
      };
      expect(problems({ BERTH_REDIS_CLUSTER_NODES: 'a:1', BERTH_QUEUE_PREFIX: 'berth' })).toMatch(
        /BERTH_QUEUE_PREFIX: "berth" has no hash tag.*use e\.g\. \{berth\}/,
      );
      expect(problems({ BERTH_REDIS_CLUSTER_NODES: 'a:1,b' })).toMatch(
        /BERTH_REDIS_CLUSTER_NODES: "b" must be host:port/,
      );
      expect(problems({ BERTH_REDIS_CLUSTER_NODES: 'a:99999' })).toMatch(/"a:99999" must be host:port/);
      expect(problems({ BERTH_REDIS_CLUSTER_NODES: 'a:1', BERTH_REDIS_SENTINELS: 'b:2' })).toMatch(
        /both set.*unset one/,
      );
      expect(problems({ BERTH_REDIS_SENTINELS: 's:26379' })).toMatch(/BERTH_REDIS_SENTINEL_MASTER: required/);
    });

    it('BERTH_REDIS_SENTINELS + master name: Sentinel; REDIS_URL keeps the credentials', () => {
      const config = loadConfig({
        REDIS_URL: 'redis://:pw@ignored:6379/2',
        BERTH_REDIS_SENTINELS: 's1:26379,s2:26379',
        BERTH_REDIS_SENTINEL_MASTER: 'mymaster',
      });
      expect(config.redis).toEqual({
        url: 'redis://:pw@ignored:6379/2',
        topology: {
          mode: 'sentinel',
          masterName: 'mymaster',
          sentinelPassword: undefined,
          sentinels: [
            { host: 's1', port: 26379 },
            { host: 's2', port: 26379 },
          ],
        },
      });
      expect(config.queuePrefix).toBe('berth');
    });
  });

  it('BERTH_DATABASE_LISTEN_URL defaults to DATABASE_URL and is checked like it', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@pgbouncer:6432/berth' }).databaseListenUrl).toBe(
      'postgres://u@pgbouncer:6432/berth',
    );
    expect(
      loadConfig({
        DATABASE_URL: 'postgres://u@pgbouncer:6432/berth',
        BERTH_DATABASE_LISTEN_URL: 'postgres://u@db:5432/berth',
      }).databaseListenUrl,
    ).toBe('postgres://u@db:5432/berth');
    expect(() => loadConfig({ BERTH_DATABASE_LISTEN_URL: 'mysql://x' })).toThrow(
      /BERTH_DATABASE_LISTEN_URL: .* must use postgres or postgresql/,
    );
  });

  it('LOG_FORMAT: text by default, json on request, anything else named', () => {
    expect(loadConfig({}).logFormat).toBe('text');
    expect(loadConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(() => loadConfig({ LOG_FORMAT: 'yaml' })).toThrow(/LOG_FORMAT: "yaml" must be text or json/);
  });
});
