/**
 * Every setting of BerthConfig, once: its environment variable, its key in `berth.yaml`, type, default,
 * the processes that read it, whether it is a secret, and what it means. `loadConfig` takes defaults and
 * ranges from here; the README's configuration table, `berth.yaml.example` and each process's `--help`
 * are generated from it (`npm run docs:config`), and a spec fails when the committed copies differ.
 */

/** A Berth process that reads BerthConfig (`start` is `npm start`'s supervisor, scripts/start.mjs). */
export type BerthProcess = 'scheduler' | 'worker' | 'notifier' | 'start';

export type SettingType =
  | { kind: 'string' }
  | { kind: 'url'; schemes: readonly string[] }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'bool' }
  | { kind: 'enum'; values: readonly string[] }
  /** Comma-separated in the environment, a YAML list (or one comma-separated string) in the file. */
  | { kind: 'list'; example: string }
  /**
   * A family of variables `<env><KEY>`; in the file a map `{ name: value }` whose names become `<KEY>` as
   * the matching config references them (upper case, every other character than A-Z and 0-9 an `_`).
   */
  | { kind: 'map'; example: string };

export interface SettingSpec {
  /** The environment variable (for a `map`, the prefix of its variables). */
  readonly env: string;
  /** The dotted key in `berth.yaml`; undefined: the environment only. */
  readonly file: string | undefined;
  readonly type: SettingType;
  /** What `loadConfig` uses when the setting is absent; undefined: unset. */
  readonly default: string | number | boolean | undefined;
  /** The default as people read it, when it is not a literal (another setting, a file if present). */
  readonly defaultText?: string;
  /** A value to show in berth.yaml.example when there is no default to show. */
  readonly example?: string;
  readonly processes: readonly BerthProcess[];
  /** Never echoed in errors, logs or `--help`; a URL setting marked secret may carry a password. */
  readonly secret: boolean;
  readonly description: string;
}

const ALL: readonly BerthProcess[] = ['scheduler', 'worker', 'notifier', 'start'];
const SERVED: readonly BerthProcess[] = ['scheduler', 'worker', 'notifier'];
const RENDERING: readonly BerthProcess[] = ['scheduler', 'worker'];
const KEY_32_BYTES = '32-byte key as base64 (44 chars) or hex (64 chars); `openssl rand -base64 32`';

export const SETTINGS: readonly SettingSpec[] = [
  {
    env: 'DATABASE_URL',
    file: 'database.url',
    type: { kind: 'url', schemes: ['postgres', 'postgresql'] },
    default: 'postgres://postgres@127.0.0.1:5432/berth',
    processes: ALL,
    secret: true,
    description:
      'Postgres (event log, read models); may go through PgBouncer in transaction mode (docs/scaling.md). Its password is never shown.',
  },
  {
    env: 'BERTH_DATABASE_LISTEN_URL',
    file: 'database.listenUrl',
    type: { kind: 'url', schemes: ['postgres', 'postgresql'] },
    example: 'postgres://berth:password@postgres-direct:5432/berth',
    default: undefined,
    defaultText: 'DATABASE_URL',
    processes: ['scheduler', 'notifier'],
    secret: true,
    description:
      'Postgres for the LISTEN sessions (scheduler watch streams, notifier): must reach Postgres itself, never a transaction-mode pooler (a LISTEN there hears nothing; docs/scaling.md)',
  },
  {
    env: 'REDIS_URL',
    file: 'redis.url',
    type: { kind: 'url', schemes: ['redis', 'rediss'] },
    default: 'redis://127.0.0.1:6379',
    processes: ALL,
    secret: true,
    description:
      'Redis (queues, caches); with a Cluster or Sentinels below, only its user, password, database and `rediss://` (TLS) are used',
  },
  {
    env: 'BERTH_REDIS_CLUSTER_NODES',
    file: 'redis.clusterNodes',
    type: { kind: 'list', example: 'redis-0:6379,redis-1:6379' },
    default: undefined,
    processes: SERVED,
    secret: false,
    description:
      'Redis Cluster seed nodes, `host:port`; every connection (queues, leases, caches, login counters) goes to the cluster',
  },
  {
    env: 'BERTH_REDIS_SENTINELS',
    file: 'redis.sentinels',
    type: { kind: 'list', example: 's1:26379,s2:26379,s3:26379' },
    default: undefined,
    processes: SERVED,
    secret: false,
    description:
      'Redis Sentinel: `host:port` of the Sentinels; connections follow the master across failovers',
  },
  {
    env: 'BERTH_REDIS_SENTINEL_MASTER',
    file: 'redis.sentinelMaster',
    type: { kind: 'string' },
    example: 'mymaster',
    default: undefined,
    processes: SERVED,
    secret: false,
    description: 'the master name the Sentinels monitor (required with `BERTH_REDIS_SENTINELS`)',
  },
  {
    env: 'BERTH_REDIS_SENTINEL_PASSWORD',
    file: 'redis.sentinelPassword',
    type: { kind: 'string' },
    example: '...',
    default: undefined,
    processes: SERVED,
    secret: true,
    description: "the Sentinels' own password, if they require one",
  },
  {
    env: 'BERTH_QUEUE_PREFIX',
    file: 'redis.queuePrefix',
    type: { kind: 'string' },
    example: 'berth',
    default: undefined,
    defaultText: '`berth`; `{berth}` with a Cluster',
    processes: SERVED,
    secret: false,
    description:
      "prefix of every queue and Redis key; with a Cluster it must hold a hash tag (`{...}`) so each queue's keys share a slot",
  },
  {
    env: 'BERTH_BIND_ADDRESS',
    file: 'bindAddress',
    type: { kind: 'string' },
    default: '127.0.0.1',
    processes: SERVED,
    secret: false,
    description: 'address every process listens on (`0.0.0.0` in containers)',
  },
  {
    env: 'SCHEDULER_PORT',
    file: 'scheduler.port',
    type: { kind: 'int', min: 0, max: 65535 },
    default: 8080,
    processes: ['scheduler', 'start'],
    secret: false,
    description: "the scheduler's HTTP port (API, /healthz, /readyz, /metrics)",
  },
  {
    env: 'WORKER_PORT',
    file: 'worker.port',
    type: { kind: 'int', min: 0, max: 65535 },
    default: 8081,
    processes: ['worker', 'start'],
    secret: false,
    description:
      "a worker's HTTP port (health, metrics); `npm start` gives its workers this one and the next free ones",
  },
  {
    env: 'NOTIFIER_PORT',
    file: 'notifier.port',
    type: { kind: 'int', min: 0, max: 65535 },
    default: 8082,
    processes: ['notifier', 'start'],
    secret: false,
    description: "the notifier's HTTP port (its API, health, metrics)",
  },
  {
    env: 'WORKER_CONCURRENCY',
    file: 'worker.concurrency',
    type: { kind: 'int', min: 1, max: 256 },
    default: 4,
    processes: ['worker', 'notifier'],
    secret: false,
    description:
      'jobs one worker process runs at once (per queue); the notifier sends this many deliveries at once',
  },
  {
    env: 'GIT_REFS_MAX_AGE_SECONDS',
    file: 'worker.gitRefsMaxAgeSeconds',
    type: { kind: 'int', min: 0, max: 3600 },
    default: 5,
    processes: ['worker'],
    secret: false,
    description:
      "one `git ls-remote` of a repo serves the refreshes of its apps for this long (a push webhook or a user's refresh always reads again); 0 = every refresh asks the remote",
  },
  {
    env: 'REFRESH_INTERVAL_SECONDS',
    file: 'refresh.intervalSeconds',
    type: { kind: 'int', min: 0, max: Number.MAX_SAFE_INTEGER },
    default: 120,
    processes: ['scheduler'],
    secret: false,
    description:
      "periodic refresh of every app (Argo CD's `timeout.reconciliation`); one app can set its own with the annotation `berth.dev/refresh-interval: 30s` (`0` = off)",
  },
  {
    env: 'REFRESH_JITTER_SECONDS',
    file: 'refresh.jitterSeconds',
    type: { kind: 'int', min: 0, max: Number.MAX_SAFE_INTEGER },
    default: 60,
    processes: ['scheduler'],
    secret: false,
    description:
      'up to this much added at random to each periodic refresh, so apps do not all refresh at once',
  },
  {
    env: 'BERTH_LIVE_STATE_CACHE',
    file: 'worker.liveState.enabled',
    type: { kind: 'bool' },
    default: true,
    processes: ['worker'],
    secret: false,
    description:
      "keep a watch-fed cache of each cluster; refreshes read live state from it, and a change to an object an app tracks requests that app's refresh (docs/live-state.md, ADR 0005)",
  },
  {
    env: 'BERTH_LIVE_STATE_DEBOUNCE_MS',
    file: 'worker.liveState.debounceMs',
    type: { kind: 'int', min: 0, max: 60_000 },
    default: 250,
    processes: ['worker'],
    secret: false,
    description:
      "changes to one app's live objects within this long become one refresh request (Argo CD requests at once, deduplicating while queued; 250 ms keeps a rollout's bursts to a few refreshes)",
  },
  {
    env: 'BERTH_WATCH_TIMEOUT_SECONDS',
    file: 'worker.liveState.watchTimeoutSeconds',
    type: { kind: 'int', min: 10, max: 3600 },
    default: 300,
    processes: ['worker'],
    secret: false,
    description:
      'each watch request ends server-side after this long and is opened again from the last resourceVersion seen',
  },
  {
    env: 'BERTH_DATA_DIR',
    file: 'dataDir',
    type: { kind: 'string' },
    default: '.data',
    processes: ['scheduler', 'worker', 'start'],
    secret: false,
    description: 'git mirrors and caches (`npm start` also keeps its logs there)',
  },
  {
    env: 'BERTH_ALLOW_FILE_REPOS',
    file: 'repositories.allowFile',
    type: { kind: 'bool' },
    default: false,
    processes: ['scheduler', 'worker', 'start'],
    secret: false,
    description:
      'allow `file://` repoURLs (tests, demo, `npm start` on the sandbox): a user could make the worker read its disk',
  },
  {
    env: 'BERTH_ALLOW_HTTP_REPOS',
    file: 'repositories.allowHttp',
    type: { kind: 'bool' },
    default: false,
    processes: RENDERING,
    secret: false,
    description:
      'allow plain `http://` repoURLs (local git servers): credentials would cross the wire in clear',
  },
  {
    env: 'BERTH_OUTBOUND_ALLOW',
    file: 'outbound.allow',
    type: { kind: 'list', example: '169.254.10.0/24,*.internal.example.com' },
    default: undefined,
    processes: SERVED,
    secret: false,
    description:
      're-open destinations refused by default (link-local addresses, cloud metadata hosts) for repositories, Helm repositories, clusters and notification services: CIDRs, addresses or host names (`*.example.com`); docs/security.md',
  },
  {
    env: 'BERTH_SECRET_KEY',
    file: 'secretKey',
    type: { kind: 'string' },
    example: '<openssl rand -base64 32>',
    default: undefined,
    processes: SERVED,
    secret: true,
    description: `key for credentials at rest, a ${KEY_32_BYTES}`,
  },
  {
    env: 'BERTH_SECRET_KEY_PREVIOUS',
    file: 'secretKeyPrevious',
    type: { kind: 'string' },
    example: '<the key BERTH_SECRET_KEY had before>',
    default: undefined,
    processes: SERVED,
    secret: true,
    description: 'the key being rotated out (decrypts, never encrypts); docs/secrets.md',
  },
  {
    env: 'KUBECONFIG',
    file: 'kubeconfig',
    type: { kind: 'string' },
    example: '/home/me/.kube/config',
    default: undefined,
    processes: ['scheduler', 'worker', 'start'],
    secret: false,
    description:
      "the default destination (`in-cluster`); when unset, the pod's service account; `npm start` starts the sandbox cluster when there is neither and no registered cluster",
  },
  {
    env: 'BERTH_KUBE_REQUEST_TIMEOUT_SECONDS',
    file: 'kube.requestTimeoutSeconds',
    type: { kind: 'int', min: 1, max: 3600 },
    default: 30,
    processes: ['scheduler', 'worker'],
    secret: false,
    description:
      'a Kubernetes API request (watches and followed logs excepted) not answered within this long fails as unreachable and is retried, so a hung cluster never stalls a job (Argo CD: ARGOCD_K8S_TCP_TIMEOUT, 30 s)',
  },
  {
    env: 'BERTH_ACCOUNTS_CONFIG',
    file: 'accounts.configFile',
    type: { kind: 'string' },
    example: 'config/accounts.yaml',
    default: undefined,
    defaultText: '`config/accounts.yaml` if present',
    processes: ['scheduler'],
    secret: false,
    description: 'local accounts and login settings, an argocd-cm file (hot-reloaded; docs/accounts.md)',
  },
  {
    env: 'BERTH_ACCOUNTS_SECRET_',
    file: 'accounts.secrets',
    type: { kind: 'map', example: 'oidc.okta.clientSecret' },
    default: undefined,
    processes: ['scheduler'],
    secret: true,
    description:
      "values of the accounts config's `$` references (`clientSecret: $oidc.okta.clientSecret` -> `BERTH_ACCOUNTS_SECRET_OIDC_OKTA_CLIENTSECRET`)",
  },
  {
    env: 'BERTH_SERVER_SECRET_KEY',
    file: 'server.secretKey',
    type: { kind: 'string' },
    example: '<openssl rand -base64 32>',
    default: undefined,
    defaultText: 'generated, kept in Postgres',
    processes: SERVED,
    secret: true,
    description: `signs session tokens and API keys (Argo CD's \`server.secretkey\`), a ${KEY_32_BYTES}`,
  },
  {
    env: 'BERTH_SERVER_SECRET_KEY_PREVIOUS',
    file: 'server.secretKeyPrevious',
    type: { kind: 'string' },
    example: '<the key BERTH_SERVER_SECRET_KEY had before>',
    default: undefined,
    processes: SERVED,
    secret: true,
    description: 'the signing key being rotated out: still verifies, never signs',
  },
  {
    env: 'BERTH_METRICS_REQUIRE_AUTH',
    file: 'metrics.requireAuth',
    type: { kind: 'bool' },
    default: false,
    processes: SERVED,
    secret: false,
    description: "`/metrics` needs a token too (open by default, as Argo CD's)",
  },
  {
    env: 'BERTH_SESSION_FAILURE_MAX_FAIL_COUNT',
    file: 'login.maxFailures',
    type: { kind: 'int', min: 1, max: 1_000_000 },
    default: 5,
    processes: ['scheduler'],
    secret: false,
    description: "failed logins of one user before that user's logins are refused (Argo CD's default)",
  },
  {
    env: 'BERTH_SESSION_FAILURE_WINDOW_SECONDS',
    file: 'login.failureWindowSeconds',
    type: { kind: 'int', min: 0, max: 31_536_000 },
    default: 300,
    processes: ['scheduler'],
    secret: false,
    description: 'how long after the last failed login they are refused',
  },
  {
    env: 'BERTH_SESSION_FAILURE_MAX_FAIL_COUNT_PER_ADDRESS',
    file: 'login.maxFailuresPerAddress',
    type: { kind: 'int', min: 1, max: 1_000_000 },
    default: 20,
    processes: ['scheduler'],
    secret: false,
    description: 'failed logins from one source address before its logins are refused',
  },
  {
    env: 'BERTH_RBAC_CONFIG',
    file: 'rbac.configFile',
    type: { kind: 'string' },
    example: 'config/rbac.yaml',
    default: undefined,
    processes: SERVED,
    secret: false,
    description:
      'the argocd-rbac-cm file (ConfigMap or data map, hot-reloaded; docs/rbac.md); without it the built-in roles alone',
  },
  {
    env: 'LOG_LEVEL',
    file: 'log.level',
    type: { kind: 'enum', values: ['error', 'warn', 'log', 'debug', 'verbose'] },
    default: 'log',
    processes: SERVED,
    secret: false,
    description: 'that level and every more severe one; `debug` adds stack traces to startup failures',
  },
  {
    env: 'LOG_FORMAT',
    file: 'log.format',
    type: { kind: 'enum', values: ['text', 'json'] },
    default: 'text',
    processes: SERVED,
    secret: false,
    description:
      '`json`: one JSON object per line (`level`, `timestamp`, `message`, `context`, `process`), plus `application`, `correlationId` and `actor` on every line about an app',
  },
  {
    env: 'BERTH_RESOURCE_CUSTOMIZATIONS_DIR',
    file: 'resourceCustomizationsDir',
    type: { kind: 'string' },
    example: 'config/resource_customizations',
    default: undefined,
    processes: RENDERING,
    secret: false,
    description:
      'Argo CD `resource_customizations` tree (`<group>/<kind>/health.lua`): health checks (docs/health.md) and resource actions (docs/resource-actions.md)',
  },
  {
    env: 'BERTH_PLUGINS_DIR',
    file: 'pluginsDir',
    type: { kind: 'string' },
    example: 'config/plugins',
    default: undefined,
    processes: RENDERING,
    secret: false,
    description:
      'config management plugins (Argo CD `ConfigManagementPlugin` files: `*.yaml` or `<name>/plugin.yaml`); docs/sources.md',
  },
  {
    env: 'BERTH_COMPARE_IGNORE_AGGREGATED_ROLES',
    file: 'diff.ignoreAggregatedRoles',
    type: { kind: 'bool' },
    default: false,
    processes: RENDERING,
    secret: false,
    description:
      "Argo CD's `resource.compareoptions: ignoreAggregatedRoles`: the `rules` of a ClusterRole with an `aggregationRule` are not drift",
  },
  {
    env: 'BERTH_DIFF_SERVER_SIDE',
    file: 'diff.serverSide',
    type: { kind: 'bool' },
    default: false,
    processes: RENDERING,
    secret: false,
    description:
      "Argo CD's `controller.diff.server.side`: every app is compared with server-side diff; an app opts out with `argocd.argoproj.io/compare-options: ServerSideDiff=false`",
  },
  ...(['github', 'gitlab', 'gitea', 'bitbucket'] as const).map((provider): SettingSpec => ({
    env: `WEBHOOK_${provider.toUpperCase()}_SECRET`,
    file: `webhooks.${provider}Secret`,
    type: { kind: 'string' },
    default: undefined,
    processes: ['scheduler'],
    secret: true,
    description: `verifies ${provider} push webhooks; once any webhook secret is set, webhooks of a provider without one are refused (401)`,
  })),
  {
    env: 'NOTIFICATIONS_CONFIG',
    file: 'notifications.configFile',
    type: { kind: 'string' },
    example: 'config/notifications.yaml',
    default: undefined,
    defaultText: '`config/notifications.yaml` if present',
    processes: ['notifier', 'start'],
    secret: false,
    description:
      "the notifier's argocd-notifications-cm file (hot-reloaded); `npm start` without one starts the notifier with notifications off",
  },
  {
    env: 'BERTH_NOTIFICATIONS_SECRET_',
    file: 'notifications.secrets',
    type: { kind: 'map', example: 'slack-token' },
    default: undefined,
    processes: ['notifier'],
    secret: true,
    description:
      'value of `$<name>` in the notifications config (`$slack-token` -> `BERTH_NOTIFICATIONS_SECRET_SLACK_TOKEN`); bound to the hosts of the services that use it',
  },
  {
    env: 'BERTH_NOTIFICATIONS_RENDER_TIMEOUT_MS',
    file: 'notifications.render.timeoutMs',
    type: { kind: 'int', min: 100, max: 600_000 },
    default: 5_000,
    processes: ['notifier'],
    secret: false,
    description: 'wall time of rendering one notification (on a worker thread, stopped past it)',
  },
  {
    env: 'BERTH_NOTIFICATIONS_RENDER_MAX_OUTPUT_CHARS',
    file: 'notifications.render.maxOutputChars',
    type: { kind: 'int', min: 1_024, max: 268_435_456 },
    default: 1_048_576,
    processes: ['notifier'],
    secret: false,
    description: 'largest output of one template field, in characters',
  },
  {
    env: 'BERTH_NOTIFICATIONS_RENDER_MAX_STEPS',
    file: 'notifications.render.maxSteps',
    type: { kind: 'int', min: 1_000, max: 1_000_000_000 },
    default: 1_000_000,
    processes: ['notifier'],
    secret: false,
    description: 'loop iterations, template calls and function calls of one template field',
  },
  {
    env: 'BERTH_URL',
    file: 'server.url',
    type: { kind: 'url', schemes: ['http', 'https'] },
    example: 'https://berth.example.com',
    default: undefined,
    processes: ['scheduler'],
    secret: false,
    description: 'argocd-cm `url`: where people reach Berth (served by `GET /api/v1/settings`; links use it)',
  },
  {
    env: 'BERTH_STATUS_BADGE_ENABLED',
    file: 'server.statusBadge.enabled',
    type: { kind: 'bool' },
    default: false,
    processes: ['scheduler'],
    secret: false,
    description:
      'argocd-cm `statusbadge.enabled`: `GET /api/badge` draws real statuses (it answers without login, so it is off by default)',
  },
  {
    env: 'BERTH_STATUS_BADGE_URL',
    file: 'server.statusBadge.url',
    type: { kind: 'url', schemes: ['http', 'https'] },
    example: 'https://berth.example.com',
    default: undefined,
    defaultText: '`BERTH_URL`',
    processes: ['scheduler'],
    secret: false,
    description: 'argocd-cm `statusbadge.url`: base URL of badge links',
  },
  {
    env: 'BERTH_UI_BANNER_CONTENT',
    file: 'server.uiBanner.content',
    type: { kind: 'string' },
    example: 'maintenance at 18:00',
    default: undefined,
    processes: ['scheduler'],
    secret: false,
    description: 'argocd-cm `ui.bannercontent`, served by `GET /api/v1/settings` to logged-in callers',
  },
  {
    env: 'BERTH_UI_BANNER_URL',
    file: 'server.uiBanner.url',
    type: { kind: 'url', schemes: ['http', 'https'] },
    example: 'https://status.example.com',
    default: undefined,
    processes: ['scheduler'],
    secret: false,
    description: 'argocd-cm `ui.bannerurl`',
  },
  {
    env: 'BERTH_UI_BANNER_PERMANENT',
    file: 'server.uiBanner.permanent',
    type: { kind: 'bool' },
    default: false,
    processes: ['scheduler'],
    secret: false,
    description: 'argocd-cm `ui.bannerpermanent`',
  },
  {
    env: 'BERTH_UI_BANNER_POSITION',
    file: 'server.uiBanner.position',
    type: { kind: 'enum', values: ['top', 'bottom', 'both'] },
    example: 'top',
    default: undefined,
    processes: ['scheduler'],
    secret: false,
    description: 'argocd-cm `ui.bannerposition`',
  },
  ...(
    [
      ['HELM_PATH', 'helm'],
      ['KUBECTL_PATH', 'kubectl'],
      ['KUSTOMIZE_PATH', 'kustomize'],
    ] as const
  ).map(([env, tool]): SettingSpec => ({
    env,
    file: undefined,
    type: { kind: 'string' },
    default: undefined,
    defaultText: '`.tools/bin`, then `PATH`',
    processes: RENDERING,
    secret: false,
    description: `the \`${tool}\` binary (\`npm run tools\` installs it); environment only (the renderer reads it, not through BerthConfig)`,
  })),
  {
    env: 'JSONNET_BIN_PATH',
    file: undefined,
    type: { kind: 'string' },
    default: undefined,
    defaultText: '`.tools/bin`, then `PATH`',
    processes: RENDERING,
    secret: false,
    description:
      'the `jsonnet` binary for Jsonnet sources (Debian: `apt-get install jsonnet`); not `JSONNET_PATH`, which jsonnet reads as its library path; environment only',
  },
];

const BY_ENV = new Map(SETTINGS.map((s) => [s.env, s]));

/** The setting of an environment variable (a `map`'s prefix included); throws for a name not in SETTINGS. */
export function settingOf(env: string): SettingSpec {
  const spec = BY_ENV.get(env);
  if (!spec) throw new Error(`BUG: ${env} is not in SETTINGS (libs/infra/src/config/settings-schema.ts)`);
  return spec;
}

/** The settings one process reads, in table order. */
export function settingsOfProcess(process: BerthProcess): SettingSpec[] {
  return SETTINGS.filter((s) => s.processes.includes(process));
}
