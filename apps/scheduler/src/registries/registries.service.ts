import { join } from 'node:path';
import {
  clusterAggregate,
  clusterStreamId,
  DEFAULT_PROJECT_NAME,
  decideCluster,
  decideRepository,
  DomainError,
  normalizeGitUrl,
  repositoryAggregate,
  repositoryStreamId,
  ValidationFailedError,
  type ClusterAdded,
  type ClusterCommand,
  type RepositoryCommand,
  type RepositoryRegistration,
} from '@berth/domain';
import {
  ClustersRepository,
  type ClusterRow,
  RepositoriesRepository,
  type RepositoryRow,
} from '@berth/event-store';
import { SecretBox } from '@berth/infra';
import { clientOptionsOf, KubeCluster, type KubeClientOptions } from '@berth/kube';
import { hostOf, OutboundGuard, OutboundRefusedError } from '@berth/net';
import { GitMirrorCache, isSourceError, redactUrl, type GitCredentials } from '@berth/sources';
import { Injectable } from '@nestjs/common';
import { KubeConfig } from '@kubernetes/client-node';
import { metadataOf, type RequestActor } from '../http/request-actor';
import { SchedulerContext } from '../scheduler.context';
import { readKubeconfig, serverUrlProblem, type ReadKubeconfig } from './kubeconfig.reader';
import {
  clusterCredentialsOf,
  type ClusterRequest,
  type RepositoryRequest,
} from './registry-requests.schema';

/** The in-cluster destination, always present (Argo CD's `in-cluster`). */
export const IN_CLUSTER = { name: 'in-cluster', server: 'https://kubernetes.default.svc' };

/** The outcome of a registration: `changed` is false when the same registration was already there. */
export interface Registration<T> {
  item: T;
  changed: boolean;
}

/**
 * Repositories and clusters with their credentials. A connection check runs before anything is
 * stored; credentials are sealed with AES-256-GCM and never returned, logged or put in an event.
 * Registering under a URL or name that is taken is refused (409) unless the caller passes
 * `?upsert=true` (Argo CD's flag); the event then records what was replaced, and by whom (metadata).
 */
@Injectable()
export class RegistriesService {
  private readonly box: SecretBox;
  private readonly git: GitMirrorCache;
  private readonly guard: OutboundGuard;
  private readonly repositories: RepositoriesRepository;
  private readonly clusters: ClustersRepository;

  constructor(private readonly ctx: SchedulerContext) {
    this.box = SecretBox.fromConfig(ctx.config);
    this.repositories = new RepositoriesRepository(ctx.dataSource);
    this.clusters = ctx.clusters;
    this.guard = OutboundGuard.fromAllowList(ctx.config.outboundAllow);
    this.git = new GitMirrorCache({
      cacheDir: join(ctx.config.dataDir, 'scheduler-git'),
      allowFileUrls: ctx.config.allowFileRepos,
      allowHttp: ctx.config.allowHttpRepos,
      networkTimeoutMs: 20_000,
      outbound: this.guard,
    });
  }

  async addRepository(
    body: RepositoryRequest,
    who: RequestActor,
    upsert: boolean,
  ): Promise<Registration<object>> {
    const repo = body.repo.trim();
    if (/^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]*@/i.test(repo)) {
      throw invalid(
        'repo',
        'holds a password; send the URL without it and the password in "password" (a URL is stored and shown as it is)',
      );
    }
    // Registration-time check (the mirror cache checks again where git connects).
    if (hostOf(repo) !== undefined) await this.guard.assertAllowed(repo, 'repo');
    const type = body.type ?? 'git';
    const credentials = credentialsFrom(body);
    if (credentials && !this.box.canSeal) {
      throw invalid(
        'password',
        'storing credentials needs BERTH_SECRET_KEY set on the scheduler and workers; generate one with `openssl rand -base64 32`',
      );
    }
    const normalized = normalizeGitUrl(repo);
    const streamId = repositoryStreamId(normalized);
    const existing = await this.findRepository(normalized);
    const credentialType = credentials?.type ?? 'none';
    const username = credentials?.type === 'https' ? credentials.username : undefined;
    const registration: RepositoryRegistration = {
      repository: repo,
      type,
      credentialType,
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.project !== undefined ? { project: body.project } : {}),
      ...(username !== undefined ? { username } : {}),
    };
    const command: RepositoryCommand = {
      type: 'RegisterRepository',
      registration,
      upsert,
      sameCredentials: this.sameSecret(
        existing?.sealed_credentials ?? null,
        credentials ? JSON.stringify(credentials) : null,
      ),
    };
    // Decided once before the connection check, so a refused registration never reaches the remote.
    const loaded = await this.ctx.commands.load(repositoryAggregate, streamId);
    if (decideRepository(command, loaded.state).length === 0 && existing)
      return { item: publicRepository(existing), changed: false };
    if (type === 'git') await this.checkGitAccess(repo, credentials);
    const sealed = credentials ? this.box.seal(JSON.stringify(credentials)) : null;
    // A registration that raced this one is decided again on top of it (409 unless upsert).
    await this.ctx.commands.handle(
      repositoryAggregate,
      streamId,
      (state) => decideRepository(command, state),
      metadataOf(who),
      {
        known: loaded,
        // Credentials never enter the log: they are stored sealed beside the event, in its transaction.
        alsoInTransaction: (m) =>
          this.repositories.save(m, {
            url: repo,
            normalizedUrl: normalized,
            name: registration.name ?? null,
            type,
            project: registration.project ?? null,
            credentialType,
            username: registration.username ?? null,
            sealedCredentials: sealed,
            connectionState: { status: 'Successful', attemptedAt: new Date().toISOString() },
          }),
      },
    );
    return { item: await this.getRepository(repo), changed: true };
  }

  /**
   * Argo CD's ValidateAccess: the connection check of a registration (`git ls-remote` with these
   * credentials), nothing stored or recorded. Helm repositories are checked when an app renders from them.
   */
  async validateRepositoryAccess(body: RepositoryRequest): Promise<void> {
    const repo = body.repo.trim();
    if (hostOf(repo) !== undefined) await this.guard.assertAllowed(repo, 'repo');
    if ((body.type ?? 'git') !== 'git')
      throw invalid(
        'type',
        'only git repositories are checked ahead; a Helm repository is read when an app renders from it',
      );
    await this.checkGitAccess(repo, credentialsFrom(body));
  }

  private async checkGitAccess(repo: string, credentials: ReturnType<typeof credentialsFrom>): Promise<void> {
    try {
      await this.git.lsRemote(repo, credentials);
    } catch (error) {
      if (isSourceError(error)) {
        const secrets =
          credentials?.type === 'https'
            ? [credentials.password]
            : credentials
              ? [credentials.privateKey]
              : [];
        throw new DomainError(
          'Invalid',
          redact(
            `repository ${redactUrl(repo)} failed the connection check (${error.code}): ${error.message}`,
            secrets,
          ),
          { reason: error.code, field: 'repo' },
        );
      }
      throw error;
    }
  }

  async listRepositories() {
    return { items: (await this.repositories.list()).map(publicRepository) };
  }

  async getRepository(repo: string) {
    const row = await this.findRepository(normalizeGitUrl(repo));
    if (!row)
      throw new DomainError(
        'NotFound',
        `repository ${redactUrl(repo)} is not registered; list them with GET /api/v1/repositories`,
      );
    return publicRepository(row);
  }

  private findRepository(normalized: string): Promise<RepositoryRow | undefined> {
    return this.repositories.find(normalized);
  }

  /** Whether a sealed value holds `plain` (null: no credentials). A value sealed under a retired key differs. */
  private sameSecret(sealed: string | null, plain: string | null): boolean {
    if (sealed === null || plain === null) return sealed === plain;
    try {
      return this.box.open(sealed) === plain;
    } catch {
      return false;
    }
  }

  async removeRepository(repo: string, who: RequestActor): Promise<void> {
    await this.getRepository(repo);
    const normalized = normalizeGitUrl(repo);
    await this.ctx.commands.handle(
      repositoryAggregate,
      repositoryStreamId(normalized),
      (state) => decideRepository({ type: 'RemoveRepository' }, state),
      metadataOf(who),
      { alsoInTransaction: (m) => this.repositories.remove(m, normalized) },
    );
  }

  /**
   * Registers a cluster from Argo CD's Cluster body (server, name, config {bearerToken | username+password |
   * tlsClientConfig certData+keyData, caData, insecure, serverName}, project) or Berth's kubeconfig form.
   * The credentials become a kubeconfig, checked by connecting, then sealed; they are never answered.
   */
  async addCluster(
    body: ClusterRequest,
    who: RequestActor,
    upsert: boolean,
    stored?: { server: string; text: string; authType: ClusterAdded['data']['authType'] },
  ): Promise<Registration<object>> {
    const name = body.name ?? (body.server ? clusterNameOfServer(body.server) : undefined);
    if (name === undefined)
      throw invalid('name', 'required field is missing: a name for the cluster, e.g. prod-eu');
    if (name === IN_CLUSTER.name)
      throw invalid('name', `"${IN_CLUSTER.name}" is reserved for the cluster Berth runs in`);
    let read: ReadKubeconfig;
    let authType: ClusterAdded['data']['authType'];
    const credentials = clusterCredentialsOf(body);
    if (credentials === '' && stored) {
      // An update without credentials keeps the stored ones (for the same server only: they were given for it).
      if (body.server !== undefined && body.server.trim().replace(/\/+$/, '') !== stored.server)
        throw invalid(
          'server',
          `${stored.server} is the server these credentials were given for; send credentials for the new server`,
        );
      read = { server: stored.server, text: stored.text, secrets: [] };
      authType = stored.authType;
    } else if (credentials === 'kubeconfig') {
      read = readKubeconfig(body.kubeconfig!);
      authType = 'kubeconfig';
    } else {
      const server = body.server!.trim().replace(/\/+$/, '');
      const problem = serverUrlProblem(server);
      if (problem) throw invalid('server', problem);
      const config = body.config ?? {};
      const tls = config.tlsClientConfig ?? {};
      const user = {
        token: config.bearerToken ?? body.bearerToken,
        username: config.username,
        password: config.password,
        certData: tls.certData,
        keyData: tls.keyData,
      };
      read = {
        server,
        text: kubeconfigFor(server, user, {
          caData: tls.caData ?? body.caData,
          insecure: (tls.insecure ?? body.insecure) === true,
          serverName: tls.serverName,
        }),
        secrets: [user.token, user.password, user.keyData].filter((v): v is string => !!v),
      };
      authType = credentials === '' ? 'token' : credentials;
    }
    const serverField = authType === 'kubeconfig' ? 'kubeconfig' : 'server';
    const project = await this.projectOf(body);
    if (read.server === IN_CLUSTER.server)
      throw invalid(
        serverField,
        `${IN_CLUSTER.server} is the in-cluster destination, always available as "${IN_CLUSTER.name}"`,
      );
    // Registration-time check; the worker checks again each time it connects (libs/kube/src/cluster-resolver.ts).
    await this.guard.assertAllowed(read.server, serverField);
    if (!this.box.canSeal) {
      throw invalid(
        'kubeconfig',
        'storing cluster credentials needs BERTH_SECRET_KEY; generate one with `openssl rand -base64 32`',
      );
    }
    const rows = await this.clusters.findByNameOrServer(name, read.server);
    const existing = rows.find((r) => r.name === name);
    const streamId = clusterStreamId(name);
    const command: ClusterCommand = {
      type: 'RegisterCluster',
      registration: { cluster: name, server: read.server, authType, ...(project ? { project } : {}) },
      upsert,
      sameCredentials: this.sameSecret(existing?.sealed_config ?? null, read.text),
      // Workers find a destination by server too: two names for one server would be ambiguous.
      ...(rows.find((r) => r.name !== name)
        ? { serverTakenBy: rows.find((r) => r.name !== name)!.name }
        : {}),
      serverField,
    };
    // Decided once before the connection check, so a refused registration never reaches the cluster.
    const loaded = await this.ctx.commands.load(clusterAggregate, streamId);
    if (decideCluster(command, loaded.state).length === 0 && existing)
      return { item: publicCluster(existing), changed: false };
    const kc = new KubeConfig();
    kc.loadFromString(read.text); // JSON built by readKubeconfig/kubeconfigFor: nothing client-node could refuse
    const state = await checkCluster(kc, clientOptionsOf(this.ctx.config), read.secrets);
    if (state.status !== 'Successful') {
      throw new DomainError(
        'Invalid',
        `cluster ${name} (${read.server}) failed the connection check: ${state.message}`,
        { field: serverField },
      );
    }
    const sealed = this.box.seal(read.text);
    // A registration that raced this one is decided again on top of it (409 unless upsert).
    await this.ctx.commands.handle(
      clusterAggregate,
      streamId,
      (current) => decideCluster(command, current),
      metadataOf(who),
      {
        known: loaded,
        // The kubeconfig never enters the log: it is stored sealed beside the event, in its transaction.
        alsoInTransaction: (m) =>
          this.clusters.save(m, {
            name,
            server: read.server,
            authType,
            project: project ?? null,
            sealedConfig: sealed,
            connectionState: state,
          }),
      },
    );
    return { item: await this.getCluster(name), changed: true };
  }

  /**
   * The project a cluster is registered with (Argo CD's project-scoped clusters): it must exist, since only
   * its Applications may then use the cluster. `""` is no project, as in Argo CD's cluster secrets.
   */
  private async projectOf(body: ClusterRequest): Promise<string | undefined> {
    const project = body.project;
    if (project === undefined || project === '') return undefined;
    if (project === DEFAULT_PROJECT_NAME || (await this.ctx.projects.find(project))) return project;
    throw invalid(
      'project',
      `project "${project}" does not exist; create it first (POST /api/v1/projects), or leave project out for a cluster any project may name in its destinations`,
    );
  }

  /**
   * Argo CD's ClusterID: by server URL (the default, `id.type=server`) or by name (`id.type=name`). Without
   * `id.type`, a value that is not a URL is read as a name, as Berth's routes took it before.
   */
  async clusterNameOf(id: string, type?: string): Promise<string> {
    if (type === 'name') return id;
    const server = id.trim().replace(/\/+$/, '');
    if (server === IN_CLUSTER.server) return IN_CLUSTER.name;
    const row = (await this.clusters.list()).find((r) => r.server === server);
    if (row) return row.name;
    if (type === undefined && !id.includes('://')) return id;
    throw new DomainError(
      'NotFound',
      `no cluster is registered with server ${JSON.stringify(server)}; list them with GET /api/v1/clusters, or pass ?id.type=name to name one`,
    );
  }

  /**
   * Argo CD's Update: the registration replaced by the body (credentials left out: the stored ones stay).
   * The name stays: a body naming another is refused.
   */
  async updateCluster(name: string, body: ClusterRequest, who: RequestActor): Promise<object> {
    if (name === IN_CLUSTER.name) throw invalid('name', 'the in-cluster destination cannot be changed');
    const row = await this.clusters.find(name);
    if (!row?.sealed_config)
      throw new DomainError(
        'NotFound',
        `cluster "${name}" is not registered; list them with GET /api/v1/clusters`,
      );
    if (body.name !== undefined && body.name !== name)
      throw invalid(
        'name',
        `"${body.name}" is not the cluster in the URL ("${name}"); renaming is not supported`,
      );
    const stored = {
      server: row.server,
      text: this.box.open(row.sealed_config),
      authType: row.auth_type as ClusterAdded['data']['authType'],
    };
    return (await this.addCluster({ ...body, name }, who, true, stored)).item;
  }

  async listClusters() {
    return { items: [await this.inClusterEntry(), ...(await this.clusters.list()).map(publicCluster)] };
  }

  async getCluster(name: string) {
    if (name === IN_CLUSTER.name) return this.inClusterEntry();
    const row = await this.clusters.find(name);
    if (!row)
      throw new DomainError(
        'NotFound',
        `cluster "${name}" is not registered; list them with GET /api/v1/clusters`,
      );
    return publicCluster(row);
  }

  /** Re-checks a cluster's connection and records the result in the read model (not an event: a reading). */
  async checkCluster(name: string) {
    if (name === IN_CLUSTER.name) return this.inClusterEntry();
    const row = await this.clusters.find(name);
    if (!row) throw new DomainError('NotFound', `cluster "${name}" is not registered`);
    let state;
    try {
      // Read again: a kubeconfig stored before these checks existed may run a command or read a file.
      const read = readKubeconfig(this.box.open(row.sealed_config!));
      await this.guard.assertAllowed(read.server, 'server');
      const kc = new KubeConfig();
      kc.loadFromString(read.text);
      state = await checkCluster(kc, clientOptionsOf(this.ctx.config), read.secrets);
    } catch (error) {
      if (!(error instanceof ValidationFailedError) && !(error instanceof OutboundRefusedError)) throw error;
      state = {
        status: 'Failed' as const,
        message: `${error.message}; register the cluster again with ?upsert=true`,
        attemptedAt: new Date().toISOString(),
      };
    }
    await this.clusters.recordConnection(name, state);
    return this.getCluster(name);
  }

  async removeCluster(name: string, who: RequestActor): Promise<void> {
    await this.getCluster(name);
    if (name === IN_CLUSTER.name) throw invalid('name', 'the in-cluster destination cannot be removed');
    await this.ctx.commands.handle(
      clusterAggregate,
      clusterStreamId(name),
      (state) => decideCluster({ type: 'RemoveCluster' }, state),
      metadataOf(who),
      { alsoInTransaction: (m) => this.clusters.remove(m, name) },
    );
  }

  private async inClusterEntry() {
    // The default destination: in a pod, the in-cluster config; elsewhere, the kubeconfig Berth was started with.
    const kc = new KubeConfig();
    // Never the kubeconfig's path or its loader's error (which quotes it): answers carry no local file paths.
    let source: 'kubeconfig' | 'service account' = 'service account';
    try {
      // The worker's rule (InClusterResolver.fromConfig): an explicit KUBECONFIG first, then the pod's account.
      const { kubeconfigPath, inPod } = this.ctx.config.defaultCluster;
      if (kubeconfigPath) {
        source = 'kubeconfig';
        kc.loadFromFile(kubeconfigPath);
      } else if (inPod) kc.loadFromCluster();
      else {
        return argoCluster({
          ...IN_CLUSTER,
          authType: 'in-cluster',
          connectionState: { status: 'Unknown', message: 'no in-cluster config and no KUBECONFIG set' },
        });
      }
    } catch {
      return argoCluster({
        ...IN_CLUSTER,
        authType: 'in-cluster',
        connectionState: {
          status: 'Failed',
          message: `the scheduler's ${source === 'kubeconfig' ? 'KUBECONFIG' : 'in-cluster config'} could not be read`,
        },
      });
    }
    const state = await checkCluster(kc, clientOptionsOf(this.ctx.config));
    return argoCluster({
      ...IN_CLUSTER,
      authType: 'in-cluster',
      connectionState: { ...state, message: redactPaths(state.message) },
    });
  }
}

/** What the API shows: never the sealed value, only whether there is one. */
function publicRepository(row: RepositoryRow) {
  return {
    repo: row.url,
    name: row.name ?? undefined,
    type: row.type,
    project: row.project ?? undefined,
    username: row.username ?? undefined,
    credentialType: row.credential_type,
    hasCredentials: row.sealed_credentials !== null,
    connectionState: row.connection_state,
    createdAt: row.created_at,
  };
}

/**
 * Argo CD's Cluster as its server answers it (Sanitized: no credentials), plus Berth's `authType` and
 * `createdAt`. `connectionState` and `serverVersion` also appear under `info`, where current Argo CD puts them.
 */
function publicCluster(row: ClusterRow) {
  const state = row.connection_state as {
    status?: string;
    message?: string;
    attemptedAt?: string;
    serverVersion?: string;
  };
  return argoCluster({
    name: row.name,
    server: row.server,
    authType: row.auth_type,
    ...(row.project ? { project: row.project } : {}),
    connectionState: state,
    createdAt: row.created_at,
  });
}

function argoCluster(cluster: {
  name: string;
  server: string;
  authType: string;
  project?: string;
  connectionState: { status?: string; message?: string; attemptedAt?: string; serverVersion?: string };
  createdAt?: unknown;
}) {
  const { serverVersion, ...connectionState } = cluster.connectionState;
  const version = serverVersion?.replace(/^v/, '').split('.').slice(0, 2).join('.');
  return {
    ...cluster,
    config: {},
    namespaces: [],
    connectionState: { status: 'Unknown', message: '', ...connectionState },
    ...(version ? { serverVersion: version } : {}),
    info: {
      connectionState: { status: 'Unknown', message: '', ...connectionState },
      ...(version ? { serverVersion: version } : {}),
    },
  };
}

async function checkCluster(
  kc: KubeConfig,
  options: KubeClientOptions,
  secrets: readonly string[] = [],
): Promise<{
  status: 'Successful' | 'Failed';
  message: string;
  attemptedAt: string;
  serverVersion?: string;
}> {
  const attemptedAt = new Date().toISOString();
  try {
    // Through KubeCluster, so the check gives up after BERTH_KUBE_REQUEST_TIMEOUT_SECONDS like any request.
    const version = await new KubeCluster(kc, options).serverVersion();
    return {
      status: 'Successful',
      message: `reached Kubernetes ${version}`,
      serverVersion: version,
      attemptedAt,
    };
  } catch (error) {
    return { status: 'Failed', message: redact((error as Error).message, secrets), attemptedAt };
  }
}

/** A kubeconfig for Argo CD's ClusterConfig: one of a token, basic auth or a client certificate. */
function kubeconfigFor(
  server: string,
  user: { token?: string; username?: string; password?: string; certData?: string; keyData?: string },
  tls: { caData?: string; insecure: boolean; serverName?: string },
): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'c',
        cluster: {
          server,
          ...(tls.caData ? { 'certificate-authority-data': tls.caData } : {}),
          ...(tls.insecure ? { 'insecure-skip-tls-verify': true } : {}),
          ...(tls.serverName ? { 'tls-server-name': tls.serverName } : {}),
        },
      },
    ],
    users: [
      {
        name: 'u',
        user: {
          ...(user.token ? { token: user.token } : {}),
          ...(user.username ? { username: user.username, password: user.password ?? '' } : {}),
          ...(user.certData ? { 'client-certificate-data': user.certData } : {}),
          ...(user.keyData ? { 'client-key-data': user.keyData } : {}),
        },
      },
    ],
    contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'c',
  });
}

/** Argo CD names a cluster registered without a name by its server; Berth's names have no "/": the host. */
function clusterNameOfServer(server: string): string {
  try {
    return new URL(server.trim()).host.replace(/:/g, '-') || 'cluster';
  } catch {
    return 'cluster';
  }
}

function credentialsFrom(body: RepositoryRequest): GitCredentials | undefined {
  if (body.sshPrivateKey !== undefined && body.sshPrivateKey.trim() !== '') {
    return {
      type: 'ssh',
      privateKey: body.sshPrivateKey,
      ...(body.knownHosts !== undefined ? { knownHosts: body.knownHosts } : {}),
      ...(body.insecureIgnoreHostKey === true ? { insecureIgnoreHostKey: true } : {}),
    };
  }
  if (body.password !== undefined || body.username !== undefined) {
    if (body.password === undefined || body.password === '')
      throw invalid('password', 'is required: the password or access token for username');
    return {
      type: 'https',
      username: body.username !== undefined && body.username !== '' ? body.username : 'x-access-token',
      password: body.password,
    };
  }
  return undefined;
}

/**
 * Removes every credential from a message before it is shown or stored: client libraries and git
 * may quote what they were given (a token in an error, a header in a dump).
 */
function redact(message: string, secrets: readonly string[]): string {
  let out = message.replace(/Bearer \S+/gi, 'Bearer ***');
  for (const secret of secrets) {
    for (const line of secret.split(/\r?\n/)) {
      // Each line of a key too: a message may quote one line of a PEM block.
      const piece = line.trim();
      if (piece.length >= 6) out = out.split(piece).join('***');
    }
  }
  return out;
}

/** A connection error may quote a local file (a CA or key file of the scheduler's kubeconfig): not shown. */
function redactPaths(message: string): string {
  return message.replace(/(^|[\s'"(=])\/[^\s'"),]+/g, '$1<path>');
}

function invalid(field: string, message: string): DomainError {
  return new DomainError('Invalid', `${field}: ${message}`, {
    field,
    issues: [{ field, message }],
  });
}
