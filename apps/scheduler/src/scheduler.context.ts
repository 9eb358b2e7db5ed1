import {
  ApplicationsRepository,
  AuditLogRepository,
  ClustersRepository,
  ApplicationSetsRepository,
  ProjectsRepository,
  CommandHandler,
  createCommandHandler,
  createDataSource,
  PostgresEventStore,
} from '@berth/event-store';
import { pluginFullName, type ConfigManagementPlugin } from '@berth/domain';
import {
  AccountService,
  Authentication,
  Authorizer,
  openAuthorization,
  LoginService,
  OidcLogin,
  PasswordHasher,
  RedisLoginFailureStore,
  accountPermission,
} from '@berth/auth';
import { BerthMetrics, type BerthConfig, type RedisClient } from '@berth/infra';
import { Logger } from '@nestjs/common';
import type { RbacConfigSource } from '@berth/rbac';
import { loadConfigManagementPlugins } from '@berth/render';
import { createFailFastRedis, JobQueues } from '@berth/queues';
import { assertMigrated, countAdapterRequests } from '@berth/runtime';
import type { DataSource } from 'typeorm';

/** The scheduler's connections, made once at start and handed to the Nest module. */
export class SchedulerContext {
  private constructor(
    readonly config: BerthConfig,
    readonly dataSource: DataSource,
    readonly store: PostgresEventStore,
    readonly redis: RedisClient,
    readonly queues: JobQueues,
    readonly metrics: BerthMetrics,
    /** The one command path: every write of an aggregate goes through it. */
    readonly commands: CommandHandler,
    readonly applications: ApplicationsRepository,
    readonly projects: ProjectsRepository,
    readonly clusters: ClustersRepository,
    readonly auditLog: AuditLogRepository,
    /** Token checks of every request (AuthGuard). */
    readonly auth: Authentication,
    /** POST /api/v1/session: passwords checked with failed-login protection. */
    readonly logins: LoginService,
    /** Accounts, passwords, API keys, logouts. */
    readonly accountService: AccountService,
    /** SSO: /auth/login and /auth/callback with the OIDC provider of oidc.config. */
    readonly sso: OidcLogin,
    /** The operator's config management plugins: Applications naming another one are refused. */
    readonly plugins: readonly ConfigManagementPlugin[],
    /** The clock decisions are judged at (sync windows, approval expiry); tests give a fixed one. */
    readonly now: () => Date,
    /**
     * The RBAC policy in force (BERTH_RBAC_CONFIG, hot-reloaded; docs/rbac.md): approvals check the `approve`
     * right with it. Read `rbac.enforcer` per request.
     */
    readonly rbac: RbacConfigSource,
    /** Who may do what (RBAC over `rbac` and the projects' roles): every route asks it (PermissionGuard). */
    readonly authorizer: Authorizer,
    /** Stops counting the adapters' requests into `metrics` (several schedulers in one test process). */
    private readonly stopCounting: () => void,
  ) {
    this.applicationSets = new ApplicationSetsRepository(dataSource);
  }

  /** The `applicationsets` read model. */
  readonly applicationSets: ApplicationSetsRepository;

  /** What `spec.source.plugin.name` may name (`<name>-<version>` or `<name>`). */
  get pluginNames(): string[] {
    return this.plugins.map(pluginFullName);
  }

  static async open(config: BerthConfig, options: { now?: () => Date } = {}): Promise<SchedulerContext> {
    // Read before connecting anywhere: a bad plugin file stops the start, naming it.
    const plugins = config.pluginsDir ? await loadConfigManagementPlugins(config.pluginsDir) : [];
    const dataSource = createDataSource(config.databaseUrl, { applicationName: 'berth-scheduler' });
    await dataSource.initialize();
    // The account tables are read below: an unmigrated database must fail with its one line first.
    await assertMigrated(dataSource, config.databaseUrl);
    const metrics = new BerthMetrics('scheduler');
    const store = new PostgresEventStore(dataSource);
    store.onAppended((n, seconds) => {
      metrics.eventsAppended.inc(n);
      metrics.eventAppendDuration.observe(seconds);
    });
    // The scheduler's own git (repository checks) and Kubernetes (cluster checks) requests.
    const stopCounting = countAdapterRequests(metrics);
    // The API answers people: a queue call fails within 2 s while Redis is away (503) instead of waiting.
    const redis = createFailFastRedis(config.redis, 'berth-scheduler');
    const logger = new Logger('auth');
    const log = (level: 'log' | 'warn' | 'error', message: string) => logger[level](message);
    const auth = await Authentication.open({ config, dataSource, log });
    const commands = createCommandHandler(dataSource, store);
    const rbacLogger = new Logger('rbac');
    const { rbac, authorizer } = await openAuthorization({
      config,
      dataSource,
      auth,
      // Opened before the Nest app applies LOG_LEVEL: "loaded" lines only when it asks for them.
      log: (level, message) => {
        if (level !== 'log' || (config.logLevel !== 'error' && config.logLevel !== 'warn'))
          rbacLogger[level](message);
      },
    });
    const projects = new ProjectsRepository(dataSource);
    const hasher = new PasswordHasher();
    const logins = new LoginService({
      settings: () => auth.settings,
      accounts: auth.accounts,
      hasher,
      codec: auth.codec,
      failures: new RedisLoginFailureStore(redis, config.queuePrefix, log),
      limits: config.loginProtection,
      nowMs: auth.nowMs,
    });
    const accountService = new AccountService({
      settings: () => auth.settings,
      commands,
      accounts: auth.accounts,
      hasher,
      codec: auth.codec,
      login: logins,
      permission: accountPermission(authorizer),
      nowMs: auth.nowMs,
    });
    return new SchedulerContext(
      config,
      dataSource,
      store,
      redis,
      new JobQueues(redis, config.queuePrefix),
      metrics,
      commands,
      new ApplicationsRepository(dataSource),
      projects,
      new ClustersRepository(dataSource),
      new AuditLogRepository(dataSource),
      auth,
      logins,
      accountService,
      new OidcLogin({ settings: () => auth.settings, keys: auth.keys, codec: auth.codec, nowMs: auth.nowMs }),
      plugins,
      options.now ?? (() => new Date()),
      rbac,
      authorizer,
      stopCounting,
    );
  }

  async close(): Promise<void> {
    this.stopCounting();
    this.rbac.stop();
    await this.auth.close();
    await this.queues.close();
    this.redis.disconnect();
    await this.dataSource.destroy();
  }
}
