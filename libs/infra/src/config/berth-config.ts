import { isIP } from 'node:net';
import { OutboundPolicy } from '@berth/net';
import { hasHashTag, readRedisTopology, type RedisSettings } from './redis-settings';
import { settingOf } from './settings-schema';

/**
 * Berth's configuration, read once from the environment (merged over `berth.yaml` by `loadBerthSettings`)
 * and validated at start. A bad value stops the process with one line per problem naming the variable
 * and what it should look like. Defaults, ranges and documentation of every setting: SETTINGS
 * (settings-schema.ts), the one source of the README's table and each process's `--help`.
 */
export interface BerthConfig {
  /** Postgres for everything that runs in one transaction or one statement: safe through PgBouncer in transaction mode. */
  databaseUrl: string;
  /**
   * Postgres for the sessions that must stay on one server connection (`BERTH_DATABASE_LISTEN_URL`, default
   * DATABASE_URL): LISTEN for event-log wakeups (scheduler watch streams, notifier). Behind PgBouncer in
   * transaction mode it must point at Postgres itself (docs/scaling.md).
   */
  databaseListenUrl: string;
  /** REDIS_URL: the server, or with a Cluster or Sentinels only the credentials, database and TLS. */
  redisUrl: string;
  /** REDIS_URL with its topology (BERTH_REDIS_CLUSTER_NODES, BERTH_REDIS_SENTINELS): what every connection opens. */
  redis: RedisSettings;
  /**
   * Prefix of every BullMQ queue and Redis key, so several Berths (or tests) can share a Redis. On a Redis
   * Cluster it carries a hash tag (default `{berth}`), so every key of a queue shares one slot.
   */
  queuePrefix: string;
  /**
   * The address every process's HTTP port listens on (`BERTH_BIND_ADDRESS`): `127.0.0.1` by default, so a
   * local run is not reachable from the network; containers set `0.0.0.0`.
   */
  bindAddress: string;
  schedulerPort: number;
  workerPort: number;
  notifierPort: number;
  workerConcurrency: number;
  /** Seconds between periodic refreshes of one app (Argo CD: timeout.reconciliation, 120 s). */
  refreshIntervalSeconds: number;
  /** Up to this many seconds added at random, so apps do not all refresh at once (Argo CD: 60 s). */
  refreshJitterSeconds: number;
  /**
   * How long one `git ls-remote` of a repository may serve other refreshes of apps in it (s). A push webhook
   * or a user's refresh makes workers read the refs again at once; 0 = ask the remote on every refresh.
   */
  gitRefsMaxAgeSeconds: number;
  /** Data directory for git mirrors and other worker caches. */
  dataDir: string;
  /** Allow `file://` repoURLs (tests, demo). Off by default: a user must not make the worker read its disk. */
  allowFileRepos: boolean;
  /** Allow plain `http://` repoURLs (local test servers). Off by default: credentials would cross the wire in clear. */
  allowHttpRepos: boolean;
  /** 32-byte key (base64 or hex) for credentials at rest. */
  secretKey: string | undefined;
  /** The key being rotated out (`BERTH_SECRET_KEY_PREVIOUS`): opens, never seals (docs/secrets.md). */
  secretKeyPrevious: string | undefined;
  /**
   * The default destination (`in-cluster`): the kubeconfig file `KUBECONFIG` names when set (explicit beats
   * ambient, as with kubectl), else the pod's service account when running in one (`KUBERNETES_SERVICE_HOST`).
   */
  defaultCluster: { kubeconfigPath: string | undefined; inPod: boolean };
  /** How long a Kubernetes API request may go unanswered (`BERTH_KUBE_REQUEST_TIMEOUT_SECONDS`). */
  kubeRequestTimeoutSeconds: number;
  /**
   * Local accounts and login settings, an `argocd-cm` ConfigMap or its data map (`BERTH_ACCOUNTS_CONFIG`);
   * undefined: `config/accounts.yaml` if it exists, else only the built-in `admin` (docs/accounts.md).
   */
  accountsConfigFile: string | undefined;
  /**
   * The key that signs and verifies session tokens and API keys (HS256, Argo CD's `server.secretkey`;
   * `BERTH_SERVER_SECRET_KEY`, 32 bytes base64 or hex). Unset: a key Berth generates at its first start and
   * keeps in Postgres (sealed with BERTH_SECRET_KEY when set).
   */
  serverSecretKey: string | undefined;
  /** The signing key being rotated out (`BERTH_SERVER_SECRET_KEY_PREVIOUS`): verifies, never signs. */
  serverSecretKeyPrevious: string | undefined;
  /**
   * Values of the accounts config's `$` references (`clientSecret: $oidc.okta.clientSecret` in `oidc.config`),
   * from `BERTH_ACCOUNTS_SECRET_<KEY>` (`OIDC_OKTA_CLIENTSECRET`), keyed by `<KEY>`. Never logged.
   */
  accountsSecrets: Record<string, string>;
  /** `/metrics` answers only authenticated requests (`BERTH_METRICS_REQUIRE_AUTH`); open by default, as Argo CD's. */
  metricsRequireAuth: boolean;
  /**
   * Failed-login protection (Argo CD's session manager): after `maxFailures` failed logins of one user within
   * `failureWindowSeconds` of the last one, that user's logins are refused until the window has passed;
   * the same per source address with `maxFailuresPerAddress`.
   */
  loginProtection: { maxFailures: number; failureWindowSeconds: number; maxFailuresPerAddress: number };
  /** The notifier's argocd-notifications-cm file (`NOTIFICATIONS_CONFIG`); undefined: the default path if it exists. */
  notificationsConfigFile: string | undefined;
  /**
   * The RBAC policy (`BERTH_RBAC_CONFIG`): an argocd-rbac-cm ConfigMap or its data map, hot-reloaded
   * (docs/rbac.md). Undefined: the built-in roles only, no default role.
   */
  rbacConfigFile: string | undefined;
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  /** `text` (default, for people) or `json` (`LOG_FORMAT`): one JSON object per line, for a log pipeline. */
  logFormat: 'text' | 'json';
  /** Argo CD resource customizations (`<group>/<kind>/health.lua`) for CRD health; none by default. */
  resourceCustomizationsDir: string | undefined;
  /**
   * Config management plugins (`BERTH_PLUGINS_DIR`): Argo CD `ConfigManagementPlugin` files the operator
   * declares (`*.yaml` or `<name>/plugin.yaml`); none by default, and then a `plugin` source is refused.
   */
  pluginsDir: string | undefined;
  /**
   * Argo CD's global compare options, for every app's diff.
   * `ignoreAggregatedRoles` (`BERTH_COMPARE_IGNORE_AGGREGATED_ROLES`, argocd-cm `resource.compareoptions`,
   * default false as in Argo CD): the `rules` the API server aggregates into a ClusterRole with an
   * `aggregationRule` are not drift.
   * `serverSideDiff` (`BERTH_DIFF_SERVER_SIDE`, argocd-cmd-params-cm `controller.diff.server.side`, default
   * false as in Argo CD): every app is compared with server-side diff (one server-side apply dry run per
   * live resource, cached); an app's `argocd.argoproj.io/compare-options: ServerSideDiff=false` opts out.
   */
  compareOptions: { ignoreAggregatedRoles: boolean; serverSideDiff: boolean };
  /**
   * The worker's watch-fed cluster cache (docs/adr/0005-live-state-cluster-cache.md): `enabled`
   * (`BERTH_LIVE_STATE_CACHE`, default true) makes refreshes read live state from it and live changes
   * request refreshes; `debounceMs` (`BERTH_LIVE_STATE_DEBOUNCE_MS`, 250) is how long changes to one
   * app's objects are gathered into one refresh request; `watchTimeoutSeconds`
   * (`BERTH_WATCH_TIMEOUT_SECONDS`, 300) ends each watch request server-side, to be opened again.
   */
  liveState: { enabled: boolean; debounceMs: number; watchTimeoutSeconds: number };
  /**
   * Destinations re-opened for outbound connections that are refused by default (link-local addresses and
   * cloud metadata hosts): CIDRs, addresses or host names (`*.example.com`). See docs/security.md.
   */
  outboundAllow: string[];
  /**
   * Secrets that verify Git push webhooks, per provider (`WEBHOOK_<PROVIDER>_SECRET`). Once any is set, a
   * webhook for a provider without one is refused: it could not be told apart from a forgery.
   */
  webhookSecrets: { github?: string; gitlab?: string; gitea?: string; bitbucket?: string };
  /**
   * The notifier's budget for rendering one notification from an operator's templates, so that no template
   * can stop the notifier (docs/security.md). Over budget, the delivery fails with an error naming the limit.
   */
  notificationRender: {
    /** Wall time for rendering one notification, in ms (default 5000); the render thread is stopped past it. */
    timeoutMs: number;
    /** Largest output of one template field, in characters (default 1,048,576). */
    maxOutputChars: number;
    /** Loop iterations, template calls and function calls of one template field (default 1,000,000). */
    maxSteps: number;
  };
  /**
   * Values of the notifications config's `$name` references, from `BERTH_NOTIFICATIONS_SECRET_<NAME>`,
   * keyed by `<NAME>` (`$slack-token` is `SLACK_TOKEN`). Never logged.
   */
  notificationSecrets: Record<string, string>;
  /**
   * Argo CD's `argocd-cm` keys that `GET /api/v1/settings` serves and the status badge reads (docs/api.md).
   * Each is public (readable before login), so none holds a secret.
   */
  serverSettings: ServerSettings;
}

/** Argo CD's public settings, each from its own variable (the argocd-cm key in brackets). */
export interface ServerSettings {
  /** Where people reach Berth (`url`; BERTH_URL), e.g. https://berth.example.com; links in answers use it. */
  url: string | undefined;
  /**
   * Serve `GET /api/badge` (`statusbadge.enabled`; BERTH_STATUS_BADGE_ENABLED). Default false, as Argo CD:
   * the badge answers without authentication and shows an app's sync and health to anyone who asks.
   */
  statusBadgeEnabled: boolean;
  /** Base URL the UI puts in badge links (`statusbadge.url`; BERTH_STATUS_BADGE_URL); default `url`. */
  statusBadgeRootUrl: string | undefined;
  /** A banner the UI shows (`ui.bannercontent`, `ui.bannerurl`, `ui.bannerpermanent`, `ui.bannerposition`). */
  uiBanner: {
    content: string | undefined;
    url: string | undefined;
    permanent: boolean;
    position: 'top' | 'bottom' | 'both' | undefined;
  };
}

export const NOTIFICATION_SECRET_ENV_PREFIX = 'BERTH_NOTIFICATIONS_SECRET_';
export const ACCOUNTS_SECRET_ENV_PREFIX = 'BERTH_ACCOUNTS_SECRET_';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): BerthConfig {
  const problems: string[] = [];
  const str = (key: string, fallback = settingOf(key).default) => env[key] ?? String(fallback);
  const url = (key: string, fallback: string, schemes: readonly string[]) => {
    const value = str(key, fallback);
    try {
      const parsed = new URL(value);
      if (!schemes.includes(parsed.protocol.replace(':', ''))) {
        problems.push(`${key}: "${redact(value)}" must use ${schemes.join(' or ')}://, e.g. ${fallback}`);
      }
    } catch {
      problems.push(`${key}: "${redact(value)}" is not a URL; use e.g. ${fallback}`);
    }
    return value;
  };
  /** A whole number in the range SETTINGS gives, its default when unset. */
  const int = (key: string) => {
    const spec = settingOf(key);
    if (spec.type.kind !== 'int' || typeof spec.default !== 'number')
      throw new Error(`BUG: ${key} is not an int`);
    const { min, max } = spec.type;
    const fallback = spec.default;
    const raw = env[key];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${key}: "${raw}" must be a whole number from ${min} to ${max}; default ${fallback}`);
      return fallback;
    }
    return value;
  };
  const bool = (key: string) => {
    const fallback = settingOf(key).default;
    if (typeof fallback !== 'boolean') throw new Error(`BUG: ${key} is not a bool`);
    const raw = env[key];
    if (raw === undefined || raw === '') return fallback;
    if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
    if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
    problems.push(`${key}: "${raw}" must be true or false`);
    return fallback;
  };
  /** One of the values SETTINGS lists (an enum setting), its default when unset. */
  const oneOf = (key: string) => {
    const spec = settingOf(key);
    if (spec.type.kind !== 'enum') throw new Error(`BUG: ${key} is not an enum`);
    const value = env[key] || String(spec.default);
    if (!spec.type.values.includes(value))
      problems.push(`${key}: "${value}" must be ${alternatives(spec.type.values)}`);
    return value;
  };
  const logLevel = oneOf('LOG_LEVEL');
  const logFormat = oneOf('LOG_FORMAT');
  const redisTopology = readRedisTopology(env, problems);
  const queuePrefix = str('BERTH_QUEUE_PREFIX', redisTopology.mode === 'cluster' ? '{berth}' : 'berth');
  if (redisTopology.mode === 'cluster' && !hasHashTag(queuePrefix))
    problems.push(
      `BERTH_QUEUE_PREFIX: "${queuePrefix}" has no hash tag; on a Redis Cluster every key of a queue must share a slot: use e.g. {${queuePrefix.replace(/[{}]/g, '') || 'berth'}}`,
    );
  const secretKey = env['BERTH_SECRET_KEY'];
  if (secretKey !== undefined && decodeKey(secretKey) === undefined) {
    problems.push(
      'BERTH_SECRET_KEY: must be 32 bytes as base64 (44 chars) or hex (64 chars); generate one with `openssl rand -base64 32`',
    );
  }
  const secretKeyPrevious = env['BERTH_SECRET_KEY_PREVIOUS'] || undefined;
  if (secretKeyPrevious !== undefined && decodeKey(secretKeyPrevious) === undefined) {
    problems.push(
      'BERTH_SECRET_KEY_PREVIOUS: must be 32 bytes as base64 (44 chars) or hex (64 chars): the key BERTH_SECRET_KEY had before',
    );
  }
  const serverSecretKey = env['BERTH_SERVER_SECRET_KEY'] || undefined;
  if (serverSecretKey !== undefined && decodeKey(serverSecretKey) === undefined) {
    problems.push(
      'BERTH_SERVER_SECRET_KEY: must be 32 bytes as base64 (44 chars) or hex (64 chars); generate one with `openssl rand -base64 32`',
    );
  }
  const serverSecretKeyPrevious = env['BERTH_SERVER_SECRET_KEY_PREVIOUS'] || undefined;
  if (serverSecretKeyPrevious !== undefined && decodeKey(serverSecretKeyPrevious) === undefined) {
    problems.push(
      'BERTH_SERVER_SECRET_KEY_PREVIOUS: must be 32 bytes as base64 (44 chars) or hex (64 chars): the key BERTH_SERVER_SECRET_KEY had before',
    );
  }
  const bindAddress = str('BERTH_BIND_ADDRESS');
  if (isIP(bindAddress) === 0 && !/^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,251}[a-zA-Z0-9])?$/.test(bindAddress)) {
    problems.push(
      `BERTH_BIND_ADDRESS: "${bindAddress}" is not an IP address or host name; use 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)`,
    );
  }
  const outboundAllow = (env['BERTH_OUTBOUND_ALLOW'] ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  try {
    new OutboundPolicy(outboundAllow);
  } catch (err) {
    problems.push(`BERTH_OUTBOUND_ALLOW: ${(err as Error).message}`);
  }
  const optionalUrl = (key: string) => {
    const value = env[key] || undefined;
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
        problems.push(`${key}: "${redact(value)}" must be an http:// or https:// URL`);
    } catch {
      problems.push(`${key}: "${redact(value)}" is not a URL; use e.g. https://berth.example.com`);
    }
    return value;
  };
  const bannerPosition = env['BERTH_UI_BANNER_POSITION'] ? oneOf('BERTH_UI_BANNER_POSITION') : undefined;
  const urlSetting = (key: string, fallback = String(settingOf(key).default)) => {
    const { type } = settingOf(key);
    return url(key, fallback, type.kind === 'url' ? type.schemes : []);
  };
  const databaseUrl = urlSetting('DATABASE_URL');
  const redisUrl = urlSetting('REDIS_URL');
  const config: BerthConfig = {
    databaseUrl,
    databaseListenUrl: env['BERTH_DATABASE_LISTEN_URL']
      ? urlSetting('BERTH_DATABASE_LISTEN_URL', databaseUrl)
      : databaseUrl,
    redisUrl,
    redis: { url: redisUrl, topology: redisTopology },
    queuePrefix,
    bindAddress,
    schedulerPort: int('SCHEDULER_PORT'),
    workerPort: int('WORKER_PORT'),
    notifierPort: int('NOTIFIER_PORT'),
    workerConcurrency: int('WORKER_CONCURRENCY'),
    refreshIntervalSeconds: int('REFRESH_INTERVAL_SECONDS'),
    refreshJitterSeconds: int('REFRESH_JITTER_SECONDS'),
    gitRefsMaxAgeSeconds: int('GIT_REFS_MAX_AGE_SECONDS'),
    dataDir: str('BERTH_DATA_DIR'),
    allowFileRepos: bool('BERTH_ALLOW_FILE_REPOS'),
    allowHttpRepos: bool('BERTH_ALLOW_HTTP_REPOS'),
    secretKey,
    secretKeyPrevious,
    defaultCluster: {
      kubeconfigPath: env['KUBECONFIG'] || undefined,
      inPod: Boolean(env['KUBERNETES_SERVICE_HOST']),
    },
    kubeRequestTimeoutSeconds: int('BERTH_KUBE_REQUEST_TIMEOUT_SECONDS'),
    accountsConfigFile: env['BERTH_ACCOUNTS_CONFIG'] || undefined,
    serverSecretKey,
    serverSecretKeyPrevious,
    accountsSecrets: Object.fromEntries(
      Object.entries(env)
        .filter(([key, value]) => key.startsWith(ACCOUNTS_SECRET_ENV_PREFIX) && value !== undefined)
        .map(([key, value]) => [key.slice(ACCOUNTS_SECRET_ENV_PREFIX.length), value as string]),
    ),
    metricsRequireAuth: bool('BERTH_METRICS_REQUIRE_AUTH'),
    loginProtection: {
      maxFailures: int('BERTH_SESSION_FAILURE_MAX_FAIL_COUNT'),
      failureWindowSeconds: int('BERTH_SESSION_FAILURE_WINDOW_SECONDS'),
      maxFailuresPerAddress: int('BERTH_SESSION_FAILURE_MAX_FAIL_COUNT_PER_ADDRESS'),
    },
    notificationsConfigFile: env['NOTIFICATIONS_CONFIG'] || undefined,
    rbacConfigFile: env['BERTH_RBAC_CONFIG'] || undefined,
    logLevel: logLevel as BerthConfig['logLevel'],
    logFormat: logFormat as BerthConfig['logFormat'],
    resourceCustomizationsDir: env['BERTH_RESOURCE_CUSTOMIZATIONS_DIR'] || undefined,
    pluginsDir: env['BERTH_PLUGINS_DIR'] || undefined,
    liveState: {
      enabled: bool('BERTH_LIVE_STATE_CACHE'),
      debounceMs: int('BERTH_LIVE_STATE_DEBOUNCE_MS'),
      watchTimeoutSeconds: int('BERTH_WATCH_TIMEOUT_SECONDS'),
    },
    compareOptions: {
      ignoreAggregatedRoles: bool('BERTH_COMPARE_IGNORE_AGGREGATED_ROLES'),
      serverSideDiff: bool('BERTH_DIFF_SERVER_SIDE'),
    },
    outboundAllow,
    webhookSecrets: {
      github: env['WEBHOOK_GITHUB_SECRET'] || undefined,
      gitlab: env['WEBHOOK_GITLAB_SECRET'] || undefined,
      gitea: env['WEBHOOK_GITEA_SECRET'] || undefined,
      bitbucket: env['WEBHOOK_BITBUCKET_SECRET'] || undefined,
    },
    notificationRender: {
      timeoutMs: int('BERTH_NOTIFICATIONS_RENDER_TIMEOUT_MS'),
      maxOutputChars: int('BERTH_NOTIFICATIONS_RENDER_MAX_OUTPUT_CHARS'),
      maxSteps: int('BERTH_NOTIFICATIONS_RENDER_MAX_STEPS'),
    },
    notificationSecrets: Object.fromEntries(
      Object.entries(env)
        .filter(([key, value]) => key.startsWith(NOTIFICATION_SECRET_ENV_PREFIX) && value !== undefined)
        .map(([key, value]) => [key.slice(NOTIFICATION_SECRET_ENV_PREFIX.length), value as string]),
    ),
    serverSettings: {
      url: optionalUrl('BERTH_URL'),
      statusBadgeEnabled: bool('BERTH_STATUS_BADGE_ENABLED'),
      statusBadgeRootUrl: optionalUrl('BERTH_STATUS_BADGE_URL'),
      uiBanner: {
        content: env['BERTH_UI_BANNER_CONTENT'] || undefined,
        url: optionalUrl('BERTH_UI_BANNER_URL'),
        permanent: bool('BERTH_UI_BANNER_PERMANENT'),
        position: bannerPosition as ServerSettings['uiBanner']['position'],
      },
    },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** `text or json`, `top, bottom or both`, `one of error, warn, log, debug, verbose`. */
function alternatives(values: readonly string[]): string {
  if (values.length > 3) return `one of ${values.join(', ')}`;
  return `${values.slice(0, -1).join(', ')} or ${values[values.length - 1] ?? ''}`;
}

export function decodeKey(text: string): Buffer | undefined {
  const hex = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : undefined;
  if (hex) return hex;
  const b64 = Buffer.from(text, 'base64');
  return b64.length === 32 ? b64 : undefined;
}

/** A URL with its password replaced, safe for an error message. */
export function redact(value: string): string {
  try {
    const parsed = new URL(value);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return value.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
  }
}
