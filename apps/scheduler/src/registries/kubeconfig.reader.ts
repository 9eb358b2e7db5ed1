import { ValidationFailedError, type Issue } from '@berth/domain';
import { isPlainObject, type PlainObject } from '@berth/domain/application/field-checks';
import { DocumentLimitError, parseApplicationDocument } from '@berth/infra';

/** A registered cluster's kubeconfig, reduced to what Berth uses and may use. */
export interface ReadKubeconfig {
  server: string;
  /** JSON kubeconfig with only the current context, its cluster and its user, and only allowed fields. */
  text: string;
  /** Every credential in it, to scrub from any message that might quote one. */
  secrets: string[];
}

const CLUSTER_FIELDS = new Set([
  'server',
  'certificate-authority-data',
  'insecure-skip-tls-verify',
  'tls-server-name',
  'disable-compression',
  'extensions',
]);
const USER_FIELDS = new Set([
  'token',
  'client-certificate-data',
  'client-key-data',
  'username',
  'password',
  'extensions',
]);
const SECRET_USER_FIELDS = ['token', 'client-key-data', 'password'];

/**
 * Fields client-node would act on that an API caller must not get Berth to act on: they run a
 * program on the scheduler and workers, read their files (and send them to the caller's server), or
 * route connections where the outbound policy cannot see them.
 */
const REFUSED: Record<string, { why: string; fix: string }> = {
  exec: {
    why: "runs a command on Berth's hosts",
    fix: 'create a service-account token and send it as "token"',
  },
  'auth-provider': {
    why: "runs a command or refreshes tokens from Berth's hosts",
    fix: 'send a "token" instead',
  },
  'token-file': { why: "reads a file on Berth's hosts", fix: 'put the token itself in "token"' },
  tokenFile: { why: "reads a file on Berth's hosts", fix: 'put the token itself in "token"' },
  'client-certificate': { why: "reads a file on Berth's hosts", fix: 'use client-certificate-data' },
  'client-key': { why: "reads a file on Berth's hosts", fix: 'use client-key-data' },
  'certificate-authority': { why: "reads a file on Berth's hosts", fix: 'use certificate-authority-data' },
  'proxy-url': {
    why: 'sends the connections through a proxy the outbound policy cannot check',
    fix: 'remove it; register the server Berth can reach directly',
  },
};

/**
 * Why `server` is not an API server URL Berth may store, or undefined. A user:password in it would
 * be stored, shown in the API and the audit log, and sent nowhere useful (fetch refuses it).
 */
export function serverUrlProblem(server: unknown): string | undefined {
  if (typeof server !== 'string' || !/^https?:\/\/[^/\s]+(\/\S*)?$/i.test(server))
    return 'must be the API server URL, e.g. https://10.0.0.1:6443';
  if (/^https?:\/\/[^/]*@/i.test(server))
    return 'must not hold credentials; send a token (bearerToken, or token in the kubeconfig user)';
  return undefined;
}

/**
 * Reads a kubeconfig sent to `POST /api/v1/clusters`. Problems are reported by field path and YAML
 * position only: the text holds credentials and no message may quote it (client-node's own YAML
 * errors print the lines around the error, token included).
 */
export function readKubeconfig(text: string): ReadKubeconfig {
  const fail = (issues: Issue[]) => new ValidationFailedError('kubeconfig', undefined, issues);
  let parsed;
  try {
    parsed = parseApplicationDocument(text);
  } catch (error) {
    if (error instanceof DocumentLimitError) throw fail([{ path: 'kubeconfig', message: error.message }]);
    throw error;
  }
  if (!parsed.ok) {
    throw fail(
      parsed.errors.slice(0, 5).map((e) => ({
        path: 'kubeconfig',
        message: `is not valid YAML at line ${e.line}, column ${e.column} (${e.code})`,
        fix: 'check it with `kubectl config view --kubeconfig FILE`',
      })),
    );
  }
  const doc = parsed.documents.length === 1 ? parsed.documents[0]!.value : undefined;
  if (!isPlainObject(doc))
    throw fail([{ path: 'kubeconfig', message: 'must be one YAML document holding a map (kind: Config)' }]);

  const issues: Issue[] = [];
  const current = doc['current-context'];
  if (typeof current !== 'string' || current === '') {
    throw fail([
      {
        path: 'kubeconfig.current-context',
        message: 'is missing',
        fix: 'set current-context to the context to use',
      },
    ]);
  }
  const context = named(doc, 'contexts', current, 'context', issues);
  const clusterName = context?.entry['cluster'];
  const userName = context?.entry['user'];
  if (context && typeof clusterName !== 'string')
    issues.push({ path: `${context.path}.cluster`, message: 'is missing' });
  const cluster =
    typeof clusterName === 'string' ? named(doc, 'clusters', clusterName, 'cluster', issues) : undefined;
  const user =
    typeof userName === 'string' && userName !== ''
      ? named(doc, 'users', userName, 'user', issues)
      : undefined;
  if (issues.length > 0) throw fail(issues);

  checkFields(cluster!.entry, cluster!.path, CLUSTER_FIELDS, issues);
  if (user) checkFields(user.entry, user.path, USER_FIELDS, issues);
  const server = cluster!.entry['server'];
  const serverProblem = serverUrlProblem(server);
  if (serverProblem) issues.push({ path: `${cluster!.path}.server`, message: serverProblem });
  for (const [field, value] of Object.entries(cluster!.entry))
    if (CLUSTER_FIELDS.has(field) && field !== 'extensions' && typeof value === 'object' && value !== null)
      issues.push({ path: `${cluster!.path}.${field}`, message: 'must be a single value' });
  for (const [field, value] of Object.entries(user?.entry ?? {}))
    if (USER_FIELDS.has(field) && field !== 'extensions' && typeof value !== 'string')
      issues.push({ path: `${user!.path}.${field}`, message: 'must be a string' });
  if (issues.length > 0) throw fail(issues);

  const { extensions: _c, ...clusterFields } = cluster!.entry;
  const { extensions: _u, ...userFields } = user?.entry ?? {};
  const secrets = SECRET_USER_FIELDS.map((f) => userFields[f]).filter(
    (v): v is string => typeof v === 'string' && v !== '',
  );
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'cluster', cluster: clusterFields }],
    users: [{ name: 'user', user: userFields }],
    contexts: [
      {
        name: 'context',
        context: {
          cluster: 'cluster',
          user: 'user',
          ...(typeof context!.entry['namespace'] === 'string'
            ? { namespace: context!.entry['namespace'] }
            : {}),
        },
      },
    ],
    'current-context': 'context',
  };
  return { server: (server as string).replace(/\/+$/, ''), text: JSON.stringify(kubeconfig), secrets };
}

/** The `inner` map of the entry named `name` in the list `list` (kubeconfig's named lists). */
function named(
  doc: PlainObject,
  list: string,
  name: string,
  inner: string,
  issues: Issue[],
): { entry: PlainObject; path: string } | undefined {
  const entries = doc[list];
  const index = Array.isArray(entries)
    ? entries.findIndex((e) => isPlainObject(e) && e['name'] === name)
    : -1;
  if (index < 0) {
    issues.push({
      path: `kubeconfig.${list}`,
      message: `has no entry named ${JSON.stringify(name)}`,
      fix: `add it, or point the context at one that exists`,
    });
    return undefined;
  }
  const entry = (entries as PlainObject[])[index]![inner];
  const path = `kubeconfig.${list}[${index}].${inner}`;
  if (!isPlainObject(entry)) {
    issues.push({ path, message: 'must be a map' });
    return undefined;
  }
  return { entry, path };
}

function checkFields(entry: PlainObject, path: string, allowed: Set<string>, issues: Issue[]): void {
  for (const field of Object.keys(entry)) {
    if (allowed.has(field)) continue;
    const refused = Object.hasOwn(REFUSED, field) ? REFUSED[field] : undefined;
    issues.push({
      path: `${path}.${field}`,
      message: refused ? `is refused: it ${refused.why}` : 'is not supported by Berth',
      fix: refused ? refused.fix : `the supported fields are ${[...allowed].join(', ')}`,
    });
  }
}
