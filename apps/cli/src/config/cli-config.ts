/**
 * The CLI's contexts, in Argo CD's shape (`~/.config/argocd/config`): named contexts pointing at a server
 * entry and a user entry holding the token. Pure: reading and writing the file is config-file.ts.
 */
export interface CliConfig {
  contexts: Array<{ name: string; server: string; user: string }>;
  'current-context': string;
  servers: Array<{ server: string; insecure?: boolean; 'grpc-web'?: boolean }>;
  users: Array<{ name: string; 'auth-token'?: string }>;
}

export const EMPTY_CONFIG: CliConfig = { contexts: [], 'current-context': '', servers: [], users: [] };

/** What a command needs to call a server: its base URL, the token, and TLS checking. */
export interface ResolvedContext {
  name: string;
  server: string;
  token?: string;
  insecure: boolean;
}

/** Reads an untrusted parsed file into a config, dropping entries of the wrong shape. */
export function configOf(parsed: unknown): CliConfig {
  const o = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
  const list = (key: string) => (Array.isArray(o[key]) ? (o[key] as unknown[]) : []).filter(isObject);
  return {
    contexts: list('contexts')
      .filter((c) => typeof c['name'] === 'string' && typeof c['server'] === 'string')
      .map((c) => ({
        name: String(c['name']),
        server: String(c['server']),
        user: String(c['user'] ?? c['name']),
      })),
    'current-context': typeof o['current-context'] === 'string' ? o['current-context'] : '',
    servers: list('servers')
      .filter((s) => typeof s['server'] === 'string')
      .map((s) => ({
        server: String(s['server']),
        ...(s['insecure'] === true ? { insecure: true } : {}),
        ...(s['grpc-web'] === true ? { 'grpc-web': true } : {}),
      })),
    users: list('users')
      .filter((u) => typeof u['name'] === 'string')
      .map((u) => ({
        name: String(u['name']),
        ...(typeof u['auth-token'] === 'string' ? { 'auth-token': u['auth-token'] } : {}),
      })),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** Adds or replaces the context `name` (server, token) and makes it current, as `argocd login` does. */
export function withLogin(
  config: CliConfig,
  login: { name: string; server: string; token: string; insecure: boolean },
): CliConfig {
  const others = <T extends { name?: string; server?: string }>(
    list: T[],
    key: 'name' | 'server',
    v: string,
  ) => list.filter((e) => e[key] !== v);
  return {
    contexts: [
      ...others(config.contexts, 'name', login.name),
      { name: login.name, server: login.server, user: login.name },
    ],
    'current-context': login.name,
    servers: [
      ...others(config.servers, 'server', login.server),
      { server: login.server, ...(login.insecure ? { insecure: true } : {}) },
    ],
    users: [...others(config.users, 'name', login.name), { name: login.name, 'auth-token': login.token }],
  };
}

/** Forgets the token of a context's user (`argocd logout`): the context stays, to log in again. */
export function withoutToken(config: CliConfig, contextName: string): CliConfig {
  const context = config.contexts.find((c) => c.name === contextName);
  if (!context) return config;
  return { ...config, users: config.users.map((u) => (u.name === context.user ? { name: u.name } : u)) };
}

/** Removes a context, its user and (when no other context uses it) its server. */
export function withoutContext(config: CliConfig, contextName: string): CliConfig {
  const context = config.contexts.find((c) => c.name === contextName);
  if (!context) return config;
  const contexts = config.contexts.filter((c) => c.name !== contextName);
  return {
    contexts,
    'current-context': config['current-context'] === contextName ? '' : config['current-context'],
    servers: config.servers.filter(
      (s) => s.server !== context.server || contexts.some((c) => c.server === s.server),
    ),
    users: config.users.filter((u) => u.name !== context.user || contexts.some((c) => c.user === u.name)),
  };
}

export function resolveContext(
  config: CliConfig,
  name = config['current-context'],
): ResolvedContext | undefined {
  const context = config.contexts.find((c) => c.name === name);
  if (!context) return undefined;
  const token = config.users.find((u) => u.name === context.user)?.['auth-token'];
  return {
    name: context.name,
    server: context.server,
    ...(token ? { token } : {}),
    insecure: config.servers.find((s) => s.server === context.server)?.insecure === true,
  };
}

/**
 * A server argument as a base URL: `https://host:port` as given; `host:port` (Argo CD's form) gets
 * https, or http with `--plaintext`. Paths, queries and credentials in it are refused: they would be
 * silently dropped or end up in the config file.
 */
export function serverUrl(input: string, plaintext = false): string {
  const text = input.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text)
    ? text
    : `${plaintext ? 'http' : 'https'}://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`"${input}" is not a server address: give host:port or http(s)://host:port`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`"${input}": only http:// and https:// servers are supported`);
  if (url.username || url.password)
    throw new Error(
      `"${input}": put no credentials in the server address; use --username/--password or --token`,
    );
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash)
    throw new Error(`"${input}": give only scheme, host and port (no path or query)`);
  return `${url.protocol}//${url.host}`;
}

/** The context name for a server, as Argo CD names it: host[:port]. */
export function contextNameOf(server: string): string {
  return new URL(server).host;
}
