import { boolean } from '@berth/domain/application/field-checks';
import { bodySchema, type QuerySchema } from '../http/request-pipes';
import { queryBoolean, requestObject, secretText, text, unsupported } from '../http/request-checks';

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

export const REPOSITORY_REQUEST = bodySchema<RepositoryRequest>(
  'Repository',
  requestObject({
    fields: {
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
    },
    required: { repo: 'the repository URL, e.g. https://github.com/org/repo.git' },
  }),
);

export interface ClusterRequest {
  name: string;
  /** Argo CD's project-scoped cluster: an existing project; "" or absent: not scoped. */
  project?: string;
  server?: string;
  kubeconfig?: string;
  bearerToken?: string;
  caData?: string;
  insecure?: boolean;
}

export const CLUSTER_REQUEST = bodySchema<ClusterRequest>(
  'Cluster',
  requestObject({
    fields: {
      name: text({
        maxLength: 253,
        pattern: /^[^\s/]+$/,
        fix: 'a name without spaces or "/", e.g. prod-eu',
      }),
      server: text({ maxLength: 2048 }),
      kubeconfig: secretText(256 * 1024),
      bearerToken: secretText(),
      caData: text({
        maxLength: 64 * 1024,
        pattern: /^[A-Za-z0-9+/=\s]*$/,
        fix: 'base64 of the PEM CA bundle',
      }),
      insecure: boolean,
      config: unsupported(
        "Argo CD's config block; send bearerToken, caData and insecure at the top level, or a kubeconfig",
        isEmpty,
      ),
      namespaces: unsupported('namespace-scoped clusters', isEmpty),
      clusterResources: unsupported('clusterResources', (v) => v === false),
      project: text({
        maxLength: 253,
        pattern: /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$/,
        fix: 'the name of an existing project, e.g. team-a',
      }),
      labels: unsupported('cluster labels', isEmpty),
      annotations: unsupported('cluster annotations', isEmpty),
      shard: unsupported('controller shards', (v) => v === 0),
    },
    required: { name: 'a name for the cluster, e.g. prod-eu' },
    rules: (body, _path, issues) => {
      if (typeof body['kubeconfig'] === 'string') {
        for (const field of ['server', 'bearerToken', 'caData', 'insecure']) {
          if (body[field] !== undefined && body[field] !== null)
            issues.error(
              field,
              'cannot be combined with kubeconfig',
              'send either a kubeconfig or server + bearerToken',
            );
        }
        return;
      }
      if (typeof body['server'] !== 'string' || body['server'] === '')
        issues.error(
          'server',
          'required field is missing',
          'the API server URL, e.g. https://10.0.0.1:6443, or send a kubeconfig',
        );
      if (typeof body['bearerToken'] !== 'string' || body['bearerToken'] === '')
        issues.error(
          'bearerToken',
          'required field is missing',
          'a service-account token, or send a kubeconfig',
        );
    },
  }),
);

/** Argo CD's `upsert` flag of repository and cluster create: replace what is registered under that URL/name. */
export const REGISTER_QUERY: QuerySchema = { upsert: queryBoolean };
export const CLUSTER_GET_QUERY: QuerySchema = { refresh: queryBoolean };
