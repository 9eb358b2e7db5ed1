import { join } from 'node:path';
import {
  clusterStreamId,
  DomainError,
  normalizeGitUrl,
  repositoryStreamId,
  type ClusterAdded,
  type ClusterRemoved,
  type RepositoryAdded,
  type RepositoryRemoved,
} from '@berth/domain';
import { SecretBox } from '@berth/infra';
import { GitMirrorCache, isRenderError, redactUrl, type GitCredentials } from '@berth/render';
import { OutboundGuard } from '@berth/net';
import { Injectable } from '@nestjs/common';
import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import type { RequestActor } from '../applications/applications.service';
import { SchedulerContext } from '../scheduler.context';

export interface AddRepositoryBody {
  repo?: unknown;
  name?: unknown;
  type?: unknown;
  project?: unknown;
  username?: unknown;
  password?: unknown;
  sshPrivateKey?: unknown;
  knownHosts?: unknown;
  insecureIgnoreHostKey?: unknown;
}

export interface AddClusterBody {
  name?: unknown;
  server?: unknown;
  kubeconfig?: unknown;
  bearerToken?: unknown;
  caData?: unknown;
  insecure?: unknown;
}

/** The in-cluster destination, always present (Argo CD's `in-cluster`). */
export const IN_CLUSTER = { name: 'in-cluster', server: 'https://kubernetes.default.svc' };

/**
 * Repositories and clusters with their credentials. A connection check runs before anything is
 * stored; credentials are sealed with AES-256-GCM and never returned, logged or put in an event.
 */
@Injectable()
export class RegistriesService {
  private readonly box = SecretBox.fromEnv();
  private readonly git: GitMirrorCache;

  constructor(private readonly ctx: SchedulerContext) {
    this.git = new GitMirrorCache({
      cacheDir: join(ctx.config.dataDir, 'scheduler-git'),
      allowFileUrls: ctx.config.allowFileRepos,
      allowHttp: ctx.config.allowHttpRepos,
      networkTimeoutMs: 20_000,
      outbound: OutboundGuard.fromAllowList(ctx.config.outboundAllow),
    });
  }

  async addRepository(body: AddRepositoryBody, who: RequestActor) {
    const repo = requireString(body.repo, 'repo', 'the repository URL, e.g. https://github.com/org/repo.git');
    const type = body.type === undefined ? 'git' : body.type;
    if (type !== 'git' && type !== 'helm')
      throw invalid('type', `${JSON.stringify(type)} must be git or helm`);
    const credentials = credentialsFrom(body);
    if (credentials && !this.box.canSeal) {
      throw invalid(
        'password',
        'storing credentials needs BERTH_SECRET_KEY set on the scheduler and workers; generate one with `openssl rand -base64 32`',
      );
    }
    if (type === 'git') {
      try {
        await this.git.lsRemote(repo, credentials);
      } catch (error) {
        if (isRenderError(error)) {
          throw new DomainError(
            'Invalid',
            `repository ${redactUrl(repo)} failed the connection check (${error.code}): ${error.message}`,
            {
              reason: error.code,
            },
          );
        }
        throw error;
      }
    }
    const normalized = normalizeGitUrl(repo);
    const credentialType = credentials?.type ?? 'none';
    const event: RepositoryAdded = {
      type: 'RepositoryAdded',
      schemaVersion: 1,
      data: {
        repository: repo,
        type,
        credentialType,
        summary: `added ${type} repository ${redactUrl(repo)} (${credentialType === 'none' ? 'no credentials' : `${credentialType} credentials`})`,
        ...(typeof body.name === 'string' ? { name: body.name } : {}),
        ...(typeof body.project === 'string' ? { project: body.project } : {}),
        ...(credentials?.type === 'https' ? { username: credentials.username } : {}),
      },
    };
    const sealed = credentials ? this.box.seal(JSON.stringify(credentials)) : null;
    await this.ctx.store.append(
      repositoryStreamId(normalized),
      'any',
      [event],
      metadataOf(who),
      async (m) => {
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
      },
    );
    return this.getRepository(repo);
  }

  async listRepositories() {
    const rows: RepositoryRow[] = await this.ctx.dataSource.query(`SELECT * FROM repositories ORDER BY url`);
    return { items: rows.map(publicRepository) };
  }

  async getRepository(repo: string) {
    const rows: RepositoryRow[] = await this.ctx.dataSource.query(
      `SELECT * FROM repositories WHERE normalized_url = $1`,
      [normalizeGitUrl(repo)],
    );
    if (!rows[0])
      throw new DomainError(
        'NotFound',
        `repository ${redactUrl(repo)} is not registered; list them with GET /api/v1/repositories`,
      );
    return publicRepository(rows[0]);
  }

  async removeRepository(repo: string, who: RequestActor): Promise<void> {
    const existing = await this.getRepository(repo);
    const normalized = normalizeGitUrl(repo);
    const event: RepositoryRemoved = {
      type: 'RepositoryRemoved',
      schemaVersion: 1,
      data: { repository: existing.repo, summary: `removed repository ${existing.repo}` },
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

  async addCluster(body: AddClusterBody, who: RequestActor) {
    const name = requireString(body.name, 'name', 'a name for the cluster, e.g. prod-eu');
    if (name === IN_CLUSTER.name)
      throw invalid('name', `"${IN_CLUSTER.name}" is reserved for the cluster Berth runs in`);
    let kubeconfig: string;
    let authType: ClusterAdded['data']['authType'];
    if (typeof body.kubeconfig === 'string') {
      kubeconfig = body.kubeconfig;
      authType = 'kubeconfig';
    } else {
      const server = requireString(
        body.server,
        'server',
        'the API server URL, e.g. https://10.0.0.1:6443, or send a kubeconfig',
      );
      const token = requireString(
        body.bearerToken,
        'bearerToken',
        'a service-account token, or send a kubeconfig',
      );
      kubeconfig = kubeconfigFor(
        server,
        token,
        typeof body.caData === 'string' ? body.caData : undefined,
        body.insecure === true,
      );
      authType = 'token';
    }
    const kc = new KubeConfig();
    try {
      kc.loadFromString(kubeconfig);
    } catch (error) {
      throw invalid('kubeconfig', `is not a valid kubeconfig: ${(error as Error).message}`);
    }
    const server = kc.getCurrentCluster()?.server;
    if (!server)
      throw invalid('kubeconfig', 'has no current context with a cluster server; set current-context');
    if (server === IN_CLUSTER.server)
      throw invalid(
        'server',
        `${IN_CLUSTER.server} is the in-cluster destination, always available as "${IN_CLUSTER.name}"`,
      );
    if (!this.box.canSeal) {
      throw invalid(
        'kubeconfig',
        'storing cluster credentials needs BERTH_SECRET_KEY; generate one with `openssl rand -base64 32`',
      );
    }
    const state = await checkCluster(kc);
    if (state.status !== 'Successful') {
      throw new DomainError(
        'Invalid',
        `cluster ${name} (${server}) failed the connection check: ${state.message}`,
      );
    }
    const event: ClusterAdded = {
      type: 'ClusterAdded',
      schemaVersion: 1,
      data: { cluster: name, server, authType, summary: `added cluster ${name} (${server}, ${authType})` },
    };
    await this.ctx.store.append(clusterStreamId(name), 'any', [event], metadataOf(who), async (m) => {
      await m.query(
        `INSERT INTO clusters (name, server, auth_type, sealed_config, connection_state) VALUES ($1, $2, $3, $4, $5::jsonb)
         ON CONFLICT (name) DO UPDATE SET server = EXCLUDED.server, auth_type = EXCLUDED.auth_type,
           sealed_config = EXCLUDED.sealed_config, connection_state = EXCLUDED.connection_state, updated_at = now()`,
        [name, server, authType, this.box.seal(kubeconfig), JSON.stringify(state)],
      );
    });
    return this.getCluster(name);
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
    const kc = new KubeConfig();
    kc.loadFromString(this.box.open(rows[0].sealed_config!));
    const state = await checkCluster(kc);
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
      schemaVersion: 1,
      data: {
        cluster: name,
        server: existing.server,
        summary: `removed cluster ${name} (${existing.server})`,
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

async function checkCluster(kc: KubeConfig): Promise<{
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
    const message = (error as Error).message.replace(/Bearer \S+/g, 'Bearer ***');
    return { status: 'Failed', message, attemptedAt };
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

function credentialsFrom(body: AddRepositoryBody): GitCredentials | undefined {
  if (typeof body.sshPrivateKey === 'string' && body.sshPrivateKey.trim() !== '') {
    return {
      type: 'ssh',
      privateKey: body.sshPrivateKey,
      ...(typeof body.knownHosts === 'string' ? { knownHosts: body.knownHosts } : {}),
      ...(body.insecureIgnoreHostKey === true ? { insecureIgnoreHostKey: true } : {}),
    };
  }
  if (body.password !== undefined || body.username !== undefined) {
    const password = requireString(body.password, 'password', 'the password or access token for username');
    return {
      type: 'https',
      username: typeof body.username === 'string' && body.username !== '' ? body.username : 'x-access-token',
      password,
    };
  }
  return undefined;
}

function requireString(value: unknown, field: string, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(field, `is required: ${what}`);
  return value.trim();
}

function invalid(field: string, message: string): DomainError {
  return new DomainError('Invalid', `${field}: ${message}`, { field });
}

function metadataOf(who: RequestActor) {
  return {
    actor: who.actor,
    correlationId: who.correlationId,
    source: 'scheduler',
    ...(who.reason ? { reason: who.reason } : {}),
  };
}
