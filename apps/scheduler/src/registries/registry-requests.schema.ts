import { boolean } from '@berth/domain/application/field-checks';
import { bodySchema, type QuerySchema } from '../http/request-pipes';
import {
  queryBoolean,
  queryEnum,
  queryText,
  requestObject,
  secretText,
  text,
  unsupported,
} from '../http/request-checks';

/**
 * The bodies and query strings of the repository and cluster API. Repository fields are Argo CD's
 * (v1alpha1Repository) plus `knownHosts`; Argo CD fields Berth does not implement are accepted only
 * at their off value (its UI sends them all), otherwise refused by name. Credentials are checked
 * with `secretText`, whose messages never repeat the value.
 */

const isOff = (value: unknown) => value === false || value === '' || value === 0;
const off = (what: string) => unsupported(what, isOff);
const isEmpty = (value: unknown) =>
  value === '' ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === 'object' && value !== null && Object.keys(value).length === 0);

export interface RepositoryRequest {
  repo: string;
  name?: string;
  type?: 'git' | 'helm';
  project?: string;
  username?: string;
  password?: string;
  sshPrivateKey?: string;
  knownHosts?: string;
  insecureIgnoreHostKey?: boolean;
}

/** Argo CD's Repository (and RepoAccessQuery) fields Berth takes, and the ones it refuses by name. */
const REPOSITORY_FIELDS = {
  repo: text({ maxLength: 2048 }),
  name: text({ maxLength: 253 }),
  type: text({ pattern: /^(git|helm)$/, fix: 'use git or helm' }),
  project: text({ maxLength: 253 }),
  username: text({ maxLength: 1024 }),
  password: secretText(),
  sshPrivateKey: secretText(),
  knownHosts: text({ maxLength: 64 * 1024 }),
  insecureIgnoreHostKey: boolean,
  insecure: off('skipping TLS verification for a repository'),
  enableLfs: off('Git LFS'),
  enableOCI: off('OCI Helm repositories'),
  forceHttpBasicAuth: off('forceHttpBasicAuth'),
  useAzureWorkloadIdentity: off('Azure workload identity'),
  tlsClientCertData: off('TLS client certificates for repositories'),
  tlsClientCertKey: off('TLS client certificates for repositories'),
  githubAppPrivateKey: off('GitHub App credentials'),
  githubAppID: off('GitHub App credentials'),
  githubAppInstallationID: off('GitHub App credentials'),
  githubAppEnterpriseBaseUrl: off('GitHub App credentials'),
  gcpServiceAccountKey: off('GCP service account keys'),
  bearerToken: off('bearer tokens for repositories; use password'),
  proxy: off('a proxy for repositories'),
  noProxy: off('a proxy for repositories'),
  // Output-only in Argo CD: its UI may send them back unchanged.
  inheritedCreds: unsupported('inheritedCreds', (v) => v === false),
  connectionState: unsupported('connectionState (an output)', isEmpty),
};

export const REPOSITORY_REQUEST = bodySchema<RepositoryRequest>(
  'Repository',
  requestObject({
    fields: REPOSITORY_FIELDS,
    required: { repo: 'the repository URL, e.g. https://github.com/org/repo.git' },
  }),
);

/** Argo CD's RepoAccessQuery (ValidateAccess): the repository is in the path; `repo` in the body is optional. */
export const REPOSITORY_VALIDATE_REQUEST = bodySchema<Omit<RepositoryRequest, 'repo'> & { repo?: string }>(
  'RepoAccessQuery',
  requestObject({ fields: REPOSITORY_FIELDS }),
);

/** Base64 of PEM data (a CA bundle, a client certificate or key). */
const pemData = (what: string) =>
  text({ maxLength: 64 * 1024, pattern: /^[A-Za-z0-9+/=\s]*$/, fix: `base64 of the PEM ${what}` });
const pemSecret = secretText(64 * 1024);

/** Argo CD's TLSClientConfig: the CA, a client certificate and key, skip-verify, the name to verify. */
const tlsClientConfig = requestObject({
  fields: {
    caData: pemData('CA bundle'),
    certData: pemData('client certificate'),
    keyData: pemSecret,
    insecure: boolean,
    serverName: text({
      maxLength: 253,
      pattern: /^[A-Za-z0-9.-]*$/,
      fix: 'a DNS name, e.g. api.prod.example.com',
    }),
  },
  rules: (tls, path, issues) => {
    if (isBlank(tls['certData']) !== isBlank(tls['keyData']))
      issues.error(
        `${path}.${isBlank(tls['certData']) ? 'certData' : 'keyData'}`,
        'required field is missing',
        'a client certificate needs both certData and keyData',
      );
  },
});

const isBlank = (value: unknown) => value === undefined || value === null || value === '';

/** Argo CD's ClusterConfig: how to authenticate to the API server. */
const clusterConfig = requestObject({
  fields: {
    bearerToken: secretText(),
    username: text({ maxLength: 1024 }),
    password: secretText(),
    tlsClientConfig,
    // Runs a command on the scheduler and workers to get a token: refused, as kubeconfigs with `exec` are.
    execProviderConfig: unsupported(
      'execProviderConfig (running a command to get credentials, which Berth refuses for kubeconfigs too); use a bearerToken or a client certificate',
      isEmpty,
    ),
    awsAuthConfig: unsupported('awsAuthConfig (EKS IAM authentication); use a bearerToken', isEmpty),
    proxyUrl: off('a proxy for clusters'),
    disableCompression: unsupported('disableCompression', (v) => v === false),
  },
});

/**
 * Argo CD's Cluster (v1alpha1Cluster) as its clients send it, plus Berth's `kubeconfig` form; output fields
 * a UI may send back (`connectionState`, `serverVersion`, `info`, `refreshRequestedAt`) are ignored.
 */
export interface ClusterRequest {
  /** Absent: derived from the server's host, as Argo CD names a cluster by its server when none is given. */
  name?: string;
  /** Argo CD's project-scoped cluster: an existing project; "" or absent: not scoped. */
  project?: string;
  server?: string;
  kubeconfig?: string;
  config?: {
    bearerToken?: string;
    username?: string;
    password?: string;
    tlsClientConfig?: {
      caData?: string;
      certData?: string;
      keyData?: string;
      insecure?: boolean;
      serverName?: string;
    } | null;
  } | null;
  /** Berth's former top-level credentials (kept: scripts use them). */
  bearerToken?: string;
  caData?: string;
  insecure?: boolean;
  namespaces?: string[] | null;
  clusterResources?: boolean | null;
}

/** What a cluster body authenticates with; `''` when it names nothing. */
export function clusterCredentialsOf(
  body: ClusterRequest,
): 'kubeconfig' | 'token' | 'basic' | 'client-certificate' | '' {
  if (typeof body.kubeconfig === 'string') return 'kubeconfig';
  const config = body.config ?? {};
  if (body.bearerToken || config.bearerToken) return 'token';
  if (config.username || config.password) return 'basic';
  if (config.tlsClientConfig?.certData) return 'client-certificate';
  return '';
}

/** A create names credentials; an update may leave them out to keep the stored ones (Argo CD's UI edits so). */
const clusterRequest = (credentialsRequired: boolean) =>
  requestObject({
    fields: {
      name: text({
        maxLength: 253,
        pattern: /^[^\s/]+$/,
        fix: 'a name without spaces or "/", e.g. prod-eu',
      }),
      server: text({ maxLength: 2048 }),
      kubeconfig: secretText(256 * 1024),
      config: clusterConfig,
      bearerToken: secretText(),
      caData: pemData('CA bundle'),
      insecure: boolean,
      namespaces: unsupported(
        'namespace-scoped clusters (namespaces); register the cluster without namespaces, with credentials that can read the whole cluster',
        isEmpty,
      ),
      // Only meaningful with namespaces (cluster-scoped resources of a namespace-scoped cluster).
      clusterResources: boolean,
      project: text({
        maxLength: 253,
        pattern: /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$/,
        fix: 'the name of an existing project, e.g. team-a',
      }),
      labels: unsupported('cluster labels', isEmpty),
      annotations: unsupported('cluster annotations', isEmpty),
      shard: unsupported('controller shards', (v) => v === 0),
      // Outputs of Argo CD's Cluster, sent back unchanged by UIs that edit what they read.
      connectionState: () => undefined,
      serverVersion: () => undefined,
      info: () => undefined,
      refreshRequestedAt: () => undefined,
    },
    rules: (body, _path, issues) => {
      const config = (body['config'] ?? {}) as Record<string, unknown>;
      if (typeof body['kubeconfig'] === 'string') {
        for (const field of ['server', 'bearerToken', 'caData', 'insecure', 'config']) {
          if (
            body[field] !== undefined &&
            body[field] !== null &&
            !(field === 'config' && isEmpty(body[field]))
          )
            issues.error(
              field,
              'cannot be combined with kubeconfig',
              'send either a kubeconfig or server + config',
            );
        }
        return;
      }
      const credentials = clusterCredentialsOf(body);
      // An update without credentials keeps the stored server too.
      if (
        (credentialsRequired || credentials !== '') &&
        (typeof body['server'] !== 'string' || body['server'] === '')
      )
        issues.error(
          'server',
          'required field is missing',
          'the API server URL, e.g. https://10.0.0.1:6443, or send a kubeconfig',
        );
      for (const field of ['bearerToken', 'caData', 'insecure'])
        if (body[field] !== undefined && body[field] !== null && !isEmpty(config))
          issues.error(
            field,
            'cannot be combined with config',
            `send config.${field === 'bearerToken' ? 'bearerToken' : `tlsClientConfig.${field}`} only`,
          );
      if (credentials === '' && credentialsRequired)
        issues.error(
          'config.bearerToken',
          'required field is missing',
          'a service-account token (or config.username + config.password, or config.tlsClientConfig.certData + keyData), or send a kubeconfig',
        );
      if (typeof config['username'] === 'string' && config['username'] !== '' && isBlank(config['password']))
        issues.error(
          'config.password',
          'required field is missing',
          'basic authentication needs username and password',
        );
    },
  });

export const CLUSTER_REQUEST = bodySchema<ClusterRequest>('Cluster', clusterRequest(true));
export const CLUSTER_UPDATE_REQUEST = bodySchema<ClusterRequest>('Cluster', clusterRequest(false));

/** Argo CD's ClusterID: the path names a cluster by its server URL (default) or, with `id.type=name`, by name. */
export const CLUSTER_ID_QUERY: QuerySchema = { 'id.type': queryEnum(['server', 'name']) };
export const CLUSTER_GET_QUERY: QuerySchema = { ...CLUSTER_ID_QUERY, refresh: queryBoolean };
/** Argo CD's ClusterUpdateRequest query: `updatedFields` (Berth replaces the registration as sent). */
export const CLUSTER_UPDATE_QUERY: QuerySchema = { ...CLUSTER_ID_QUERY, updatedFields: queryText(1024) };

/** Argo CD's `upsert` flag of repository and cluster create: replace what is registered under that URL/name. */
export const REGISTER_QUERY: QuerySchema = { upsert: queryBoolean };
