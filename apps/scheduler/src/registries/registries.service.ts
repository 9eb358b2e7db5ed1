import { join } from 'node:path';
import {
  clusterStreamId,
  DomainError,
  normalizeGitUrl,
  repositoryStreamId,
  ValidationFailedError,
  type ClusterAdded,
  type ClusterRemoved,
  type RepositoryAdded,
  type RepositoryRemoved,
} from '@berth/domain';
import { SecretBox } from '@berth/infra';
import { hostOf, OutboundGuard, OutboundRefusedError } from '@berth/net';
import { GitMirrorCache, isRenderError, redactUrl, type GitCredentials } from '@berth/render';
import { Injectable } from '@nestjs/common';
import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import type { RequestActor } from '../http/request-actor';
import { SchedulerContext } from '../scheduler.context';
import { readKubeconfig, serverUrlProblem, type ReadKubeconfig } from './kubeconfig.reader';
import type { ClusterRequest, RepositoryRequest } from './registry-requests.schema';

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
  private readonly box = SecretBox.fromEnv();
  private readonly git: GitMirrorCache;
  private readonly guard: OutboundGuard;

  constructor(private readonly ctx: SchedulerContext) {
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
    const version = await this.ctx.store.streamVersion(streamId);
    const existing = await this.findRepository(normalized);
    const credentialType = credentials?.type ?? 'none';
    const username = credentials?.type === 'https' ? credentials.username : undefined;
    if (existing && !upsert) {
      const same =
        existing.url === repo &&
        existing.type === type &&
        existing.name === (body.name ?? null) &&
        existing.project === (body.project ?? null) &&
        existing.credential_type === credentialType &&
        existing.username === (username ?? null) &&
        this.sameSecret(existing.sealed_credentials, credentials ? JSON.stringify(credentials) : null);
      if (same) return { item: publicRepository(existing), changed: false };
      throw new DomainError(
        'AlreadyExists',
        `repository ${redactUrl(existing.url)} is already registered (${existing.type}, ${describeCredentials(existing.credential_type)}); pass ?upsert=true to replace it`,
        {
          field: 'repo',
          issues: [
            { field: 'repo', message: 'is already registered', fix: 'pass ?upsert=true to replace it' },
          ],
        },
      );
    }
    if (type === 'git') {
      try {
        await this.git.lsRemote(repo, credentials);
      } catch (error) {
        if (isRenderError(error)) {
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
    const event: RepositoryAdded = {
      type: 'RepositoryAdded',
      schemaVersion: 2,
      data: {
        repository: repo,
        type,
        credentialType,
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.project !== undefined ? { project: body.project } : {}),
        ...(username !== undefined ? { username } : {}),
        ...(existing
          ? {
              replaced: {
                repository: existing.url,
                type: existing.type as 'git' | 'helm',
                credentialType: existing.credential_type as 'none' | 'https' | 'ssh',
                ...(existing.username !== null ? { username: existing.username } : {}),
                ...(existing.name !== null ? { name: existing.name } : {}),
                ...(existing.project !== null ? { project: existing.project } : {}),
              },
            }
          : {}),
      },
    };
    const sealed = credentials ? this.box.seal(JSON.stringify(credentials)) : null;
    // The version read above: a registration that raced this one makes this append fail (409).
    await this.ctx.store.append(streamId, version ?? 'no_stream', [event], metadataOf(who), async (m) => {
      await m.query(
        `INSERT INTO repositories (url, normalized_url, name, type, project, credential_type, username, sealed_credentials, connection_state)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)
         ON CONFLICT (normalized_url) DO UPDATE SET url = EXCLUDED.url, name = EXCLUDED.name, type = EXCLUDED.type,
           project = EXCLUDED.project, credential_type = EXCLUDED.credential_type, username = EXCLUDED.username,
           sealed_credentials = EXCLUDED.sealed_credentials, connection_state = EXCLUDED.connection_state, updated_at = now()`,
        [
          repo,
          normalized,
          event.data.name ?? null,
          type,
          event.data.project ?? null,
          credentialType,
          event.data.username ?? null,
          sealed,
          JSON.stringify({ status: 'Successful', attemptedAt: new Date().toISOString() }),
        ],
      );
    });
    return { item: await this.getRepository(repo), changed: true };
  }

  async listRepositories() {
    const rows: RepositoryRow[] = await this.ctx.dataSource.query(`SELECT * FROM repositories ORDER BY url`);
    return { items: rows.map(publicRepository) };
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

  private async findRepository(normalized: string): Promise<RepositoryRow | undefined> {
    const rows: RepositoryRow[] = await this.ctx.dataSource.query(
      `SELECT * FROM repositories WHERE normalized_url = $1`,
      [normalized],
    );
    return rows[0];
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
    const existing = await this.getRepository(repo);
    const normalized = normalizeGitUrl(repo);
    const event: RepositoryRemoved = {
      type: 'RepositoryRemoved',
      schemaVersion: 2,
      data: { repository: existing.repo },
    };
    await this.ctx.store.append(
      repositoryStreamId(normalized),
      'any',
      [event],
      metadataOf(who),
      async (m) => {
        await m.query(`DELETE FROM repositories WHERE normalized_url = $1`, [normalized]);
      },
    );
  }

  async addCluster(body: ClusterRequest, who: RequestActor, upsert: boolean): Promise<Registration<object>> {
    const name = body.name;
    if (name === IN_CLUSTER.name)
      throw invalid('name', `"${IN_CLUSTER.name}" is reserved for the cluster Berth runs in`);
    let read: ReadKubeconfig;
    let authType: ClusterAdded['data']['authType'];
    if (body.kubeconfig !== undefined) {
      read = readKubeconfig(body.kubeconfig);
      authType = 'kubeconfig';
    } else {
      const server = body.server!.trim().replace(/\/+$/, '');
      const problem = serverUrlProblem(server);
      if (problem) throw invalid('server', problem);
      read = {
        server,
        text: kubeconfigFor(server, body.bearerToken!, body.caData, body.insecure === true),
        secrets: [body.bearerToken!],
      };
      authType = 'token';
    }
    const serverField = authType === 'kubeconfig' ? 'kubeconfig' : 'server';
    if (read.server === IN_CLUSTER.server)
      throw invalid(
        serverField,
        `${IN_CLUSTER.server} is the in-cluster destination, always available as "${IN_CLUSTER.name}"`,
      );
    // Registration-time check; the worker checks again each time it connects (cluster-resolver.ts).
    await this.guard.assertAllowed(read.server, serverField);
    if (!this.box.canSeal) {
      throw invalid(
        'kubeconfig',
        'storing cluster credentials needs BERTH_SECRET_KEY; generate one with `openssl rand -base64 32`',
      );
    }
    const rows: ClusterRow[] = await this.ctx.dataSource.query(
      `SELECT * FROM clusters WHERE name = $1 OR server = $2`,
      [name, read.server],
    );
    const existing = rows.find((r) => r.name === name);
    const sameServer = rows.find((r) => r.name !== name);
    if (sameServer) {
      // Workers find a destination by server too: two names for one server would be ambiguous.
      throw new DomainError(
        'AlreadyExists',
        `${read.server} is already registered as cluster "${sameServer.name}"; register it under that name (with ?upsert=true to replace it) or remove that one first`,
        {
          field: serverField,
          issues: [{ field: serverField, message: `is already registered as cluster "${sameServer.name}"` }],
        },
      );
    }
    const streamId = clusterStreamId(name);
    const version = await this.ctx.store.streamVersion(streamId);
    if (existing && !upsert) {
      if (
        existing.server === read.server &&
        existing.auth_type === authType &&
        this.sameSecret(existing.sealed_config, read.text)
      )
        return { item: publicCluster(existing), changed: false };
      throw new DomainError(
        'AlreadyExists',
        `cluster "${name}" is already registered (${existing.server}, ${existing.auth_type}); pass ?upsert=true to replace it`,
        {
          field: 'name',
          issues: [
            { field: 'name', message: 'is already registered', fix: 'pass ?upsert=true to replace it' },
          ],
        },
      );
    }
    const kc = new KubeConfig();
    kc.loadFromString(read.text); // JSON built by readKubeconfig/kubeconfigFor: nothing client-node could refuse
    const state = await checkCluster(kc, read.secrets);
    if (state.status !== 'Successful') {
      throw new DomainError(
        'Invalid',
        `cluster ${name} (${read.server}) failed the connection check: ${state.message}`,
        { field: serverField },
      );
    }
    const event: ClusterAdded = {
      type: 'ClusterAdded',
      schemaVersion: 2,
      data: {
        cluster: name,
        server: read.server,
        authType,
        ...(existing ? { replaced: { server: existing.server, authType: existing.auth_type } } : {}),
      },
    };
    // The version read above: a registration that raced this one makes this append fail (409).
    await this.ctx.store.append(streamId, version ?? 'no_stream', [event], metadataOf(who), async (m) => {
      await m.query(
        `INSERT INTO clusters (name, server, auth_type, sealed_config, connection_state) VALUES ($1, $2, $3, $4, $5::jsonb)
         ON CONFLICT (name) DO UPDATE SET server = EXCLUDED.server, auth_type = EXCLUDED.auth_type,
           sealed_config = EXCLUDED.sealed_config, connection_state = EXCLUDED.connection_state, updated_at = now()`,
        [name, read.server, authType, this.box.seal(read.text), JSON.stringify(state)],
      );
    });
    return { item: await this.getCluster(name), changed: true };
  }

  async listClusters() {
    const rows: ClusterRow[] = await this.ctx.dataSource.query(`SELECT * FROM clusters ORDER BY name`);
    return { items: [await this.inClusterEntry(), ...rows.map(publicCluster)] };
  }

  async getCluster(name: string) {
    if (name === IN_CLUSTER.name) return this.inClusterEntry();
    const rows: ClusterRow[] = await this.ctx.dataSource.query(`SELECT * FROM clusters WHERE name = $1`, [
      name,
    ]);
    if (!rows[0])
      throw new DomainError(
        'NotFound',
        `cluster "${name}" is not registered; list them with GET /api/v1/clusters`,
      );
    return publicCluster(rows[0]);
  }

  /** Re-checks a cluster's connection and records the result in the read model (not an event: a reading). */
  async checkCluster(name: string) {
    if (name === IN_CLUSTER.name) return this.inClusterEntry();
    const rows: ClusterRow[] = await this.ctx.dataSource.query(`SELECT * FROM clusters WHERE name = $1`, [
      name,
    ]);
    if (!rows[0]) throw new DomainError('NotFound', `cluster "${name}" is not registered`);
    let state;
    try {
      // Read again: a kubeconfig stored before these checks existed may run a command or read a file.
      const read = readKubeconfig(this.box.open(rows[0].sealed_config!));
      await this.guard.assertAllowed(read.server, 'server');
      const kc = new KubeConfig();
      kc.loadFromString(read.text);
      state = await checkCluster(kc, read.secrets);
    } catch (error) {
      if (!(error instanceof ValidationFailedError) && !(error instanceof OutboundRefusedError)) throw error;
      state = {
        status: 'Failed' as const,
        message: `${error.message}; register the cluster again with ?upsert=true`,
        attemptedAt: new Date().toISOString(),
      };
    }
    await this.ctx.dataSource.query(
      `UPDATE clusters SET connection_state = $2::jsonb, updated_at = now() WHERE name = $1`,
      [name, JSON.stringify(state)],
    );
    return this.getCluster(name);
  }

  async removeCluster(name: string, who: RequestActor): Promise<void> {
    const existing = await this.getCluster(name);
    if (name === IN_CLUSTER.name) throw invalid('name', 'the in-cluster destination cannot be removed');
    const event: ClusterRemoved = {
      type: 'ClusterRemoved',
      schemaVersion: 2,
      data: {
        cluster: name,
        server: existing.server,
      },
    };
    await this.ctx.store.append(clusterStreamId(name), 'any', [event], metadataOf(who), async (m) => {
      await m.query(`DELETE FROM clusters WHERE name = $1`, [name]);
    });
  }

  private async inClusterEntry() {
    // The default destination: in a pod, the in-cluster config; elsewhere, the kubeconfig Berth was started with.
    const kc = new KubeConfig();
    let source = 'in-cluster service account';
    try {
      if (process.env['KUBERNETES_SERVICE_HOST']) kc.loadFromCluster();
      else if (process.env['KUBECONFIG']) {
        kc.loadFromFile(process.env['KUBECONFIG']);
        source = `kubeconfig ${process.env['KUBECONFIG']}`;
      } else {
        return {
          ...IN_CLUSTER,
          authType: 'in-cluster',
          connectionState: { status: 'Unknown', message: 'no in-cluster config and no KUBECONFIG set' },
        };
      }
    } catch (error) {
      return {
        ...IN_CLUSTER,
        authType: 'in-cluster',
        connectionState: { status: 'Failed', message: (error as Error).message },
      };
    }
    return { ...IN_CLUSTER, authType: 'in-cluster', source, connectionState: await checkCluster(kc) };
  }
}

interface RepositoryRow {
  url: string;
  name: string | null;
  type: string;
  project: string | null;
  credential_type: string;
  username: string | null;
  sealed_credentials: string | null;
  connection_state: Record<string, unknown>;
  created_at: Date;
}

interface ClusterRow {
  name: string;
  server: string;
  auth_type: string;
  sealed_config: string | null;
  connection_state: Record<string, unknown>;
  created_at: Date;
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

function publicCluster(row: ClusterRow) {
  return {
    name: row.name,
    server: row.server,
    authType: row.auth_type,
    connectionState: row.connection_state,
    createdAt: row.created_at,
  };
}

async function checkCluster(
  kc: KubeConfig,
  secrets: readonly string[] = [],
): Promise<{
  status: 'Successful' | 'Failed';
  message: string;
  attemptedAt: string;
  serverVersion?: string;
}> {
  const attemptedAt = new Date().toISOString();
  try {
    const version = await kc.makeApiClient(VersionApi).getCode();
    return {
      status: 'Successful',
      message: `reached Kubernetes ${version.gitVersion}`,
      serverVersion: version.gitVersion,
      attemptedAt,
    };
  } catch (error) {
    return { status: 'Failed', message: redact((error as Error).message, secrets), attemptedAt };
  }
}

function kubeconfigFor(server: string, token: string, caData: string | undefined, insecure: boolean): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'c',
        cluster: {
          server,
          ...(caData ? { 'certificate-authority-data': caData } : {}),
          ...(insecure ? { 'insecure-skip-tls-verify': true } : {}),
        },
      },
    ],
    users: [{ name: 'u', user: { token } }],
    contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'c',
  });
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

function describeCredentials(type: string): string {
  return type === 'none' ? 'no credentials' : `${type} credentials`;
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

function invalid(field: string, message: string): DomainError {
  return new DomainError('Invalid', `${field}: ${message}`, {
    field,
    issues: [{ field, message }],
  });
}

function metadataOf(who: RequestActor) {
  return {
    actor: who.actor,
    correlationId: who.correlationId,
    source: 'scheduler',
    ...(who.reason ? { reason: who.reason } : {}),
  };
}
