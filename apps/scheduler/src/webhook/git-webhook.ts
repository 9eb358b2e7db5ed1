import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a push tells us: which repository, which ref. */
export interface PushEvent {
  provider: 'github' | 'gitlab' | 'gitea' | 'bitbucket';
  repoUrls: string[];
  /** Branch or tag name without refs/heads/ or refs/tags/. */
  ref?: string;
  /**
   * Files the pushed commits added, modified or removed (GitHub, GitLab, Gitea payloads list them);
   * undefined when the payload does not say (Bitbucket Cloud), which means "anything may have changed".
   */
  changedFiles?: string[];
}

export class WebhookError extends Error {
  override readonly name = 'WebhookError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface WebhookSecrets {
  github?: string;
  gitlab?: string;
  gitea?: string;
  bitbucket?: string;
}

type Headers = Record<string, string | string[] | undefined>;

const header = (headers: Headers, name: string) => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** The header that carries each provider's delivery id (unique per delivery, repeated on a retry). */
const DELIVERY_HEADERS: Record<PushEvent['provider'], string> = {
  github: 'x-github-delivery',
  gitlab: 'x-gitlab-event-uuid',
  gitea: 'x-gitea-delivery',
  bitbucket: 'x-request-uuid',
};

const SECRET_SETTINGS: Record<PushEvent['provider'], string> = {
  github: 'WEBHOOK_GITHUB_SECRET',
  gitlab: 'WEBHOOK_GITLAB_SECRET',
  gitea: 'WEBHOOK_GITEA_SECRET',
  bitbucket: 'WEBHOOK_BITBUCKET_SECRET',
};

/** Who sent a webhook, and whether its signature was checked. */
export interface WebhookDelivery {
  provider: PushEvent['provider'];
  /** The provider's delivery id header, when the request has one. */
  deliveryId?: string;
  /** True when the request was verified with the provider's secret. */
  verified: boolean;
}

/**
 * Which provider sent the request, checked against the configured secrets. While no secret is configured
 * every webhook is accepted unsigned (Argo CD's default); once any is, Berth is known to be reachable by
 * strangers, so a request for a provider without a secret, or without a valid signature, is refused (401):
 * otherwise a forger would only need to send another provider's header.
 */
export function verifyWebhook(headers: Headers, rawBody: string, secrets: WebhookSecrets): WebhookDelivery {
  let provider: PushEvent['provider'];
  if (header(headers, 'x-github-event')) provider = 'github';
  else if (header(headers, 'x-gitlab-event')) provider = 'gitlab';
  else if (header(headers, 'x-gitea-event')) provider = 'gitea';
  else if (header(headers, 'x-event-key')) provider = 'bitbucket';
  else
    throw new WebhookError(
      400,
      'unknown webhook: expected a GitHub, GitLab, Gitea or Bitbucket push event header',
    );
  const deliveryId = header(headers, DELIVERY_HEADERS[provider])?.trim() || undefined;
  const secret = secrets[provider];
  if (secret) {
    verify(provider, headers, rawBody, secret);
    return { provider, deliveryId, verified: true };
  }
  if (Object.values(secrets).some(Boolean)) {
    throw new WebhookError(
      401,
      `${provider} webhook refused: webhook secrets are configured but none for ${provider}, so its requests ` +
        `cannot be verified; set ${SECRET_SETTINGS[provider]} (and the same secret in the ${provider} webhook) to accept them`,
    );
  }
  return { provider, deliveryId, verified: false };
}

/**
 * Parses a GitHub, GitLab, Gitea or Bitbucket push webhook whose sender `verifyWebhook` established
 * (HMAC-SHA256 for GitHub and Gitea, the token for GitLab, Bitbucket's `X-Hub-Signature`).
 * Returns undefined for events that are not pushes (pings).
 */
export function parsePushWebhook(
  headers: Headers,
  rawBody: string,
  { provider }: WebhookDelivery,
): PushEvent | undefined {
  const event =
    header(headers, 'x-github-event') ??
    header(headers, 'x-gitlab-event') ??
    header(headers, 'x-gitea-event') ??
    header(headers, 'x-event-key');
  if (!/push/i.test(event ?? '')) return undefined;

  let body: unknown;
  try {
    body = JSON.parse(rawBody) as unknown;
  } catch {
    throw new WebhookError(400, 'webhook body is not JSON');
  }
  const repoUrls: string[] = [];
  let ref: string | undefined;
  if (provider === 'bitbucket') {
    const repo = at(body, 'repository');
    const html = at(repo, 'links', 'html', 'href');
    if (typeof html === 'string') repoUrls.push(html);
    const fullName = at(repo, 'full_name');
    if (typeof fullName === 'string') repoUrls.push(`https://bitbucket.org/${fullName}`);
    const name = at(body, 'push', 'changes', 0, 'new', 'name');
    if (typeof name === 'string') ref = name;
  } else {
    const repo = at(body, 'repository') ?? at(body, 'project');
    for (const key of ['html_url', 'clone_url', 'ssh_url', 'git_http_url', 'git_ssh_url', 'web_url', 'url']) {
      const url = at(repo, key);
      if (typeof url === 'string') repoUrls.push(url);
    }
    const pushedRef = at(body, 'ref');
    if (typeof pushedRef === 'string') ref = pushedRef.replace(/^refs\/(heads|tags)\//, '');
  }
  if (repoUrls.length === 0) throw new WebhookError(400, 'push webhook names no repository');
  const changedFiles = provider === 'bitbucket' ? undefined : changedFilesOf(at(body, 'commits'));
  return { provider, repoUrls, ...(ref ? { ref } : {}), ...(changedFiles ? { changedFiles } : {}) };
}

/**
 * The member at `path` of a parsed JSON payload, or undefined where the payload has no such member (or is
 * not an object there): provider payloads are untyped, so every read is checked by its caller.
 */
function at(value: unknown, ...path: Array<string | number>): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** The union of `added`, `modified` and `removed` over the pushed commits; undefined when not listed. */
function changedFilesOf(commits: unknown): string[] | undefined {
  if (!Array.isArray(commits) || commits.length === 0) return undefined;
  const files = new Set<string>();
  for (const commit of commits as Array<Record<string, unknown>>) {
    for (const key of ['added', 'modified', 'removed']) {
      const list = commit?.[key];
      if (Array.isArray(list)) for (const f of list) if (typeof f === 'string') files.add(f);
    }
  }
  return files.size > 0 ? [...files] : undefined;
}

function verify(provider: PushEvent['provider'], headers: Headers, rawBody: string, secret: string): void {
  const hmac = (algo: 'sha256' | 'sha1') => createHmac(algo, secret).update(rawBody).digest('hex');
  const expected: Record<PushEvent['provider'], [string, string]> = {
    github: ['x-hub-signature-256', `sha256=${hmac('sha256')}`],
    gitea: ['x-gitea-signature', hmac('sha256')],
    gitlab: ['x-gitlab-token', secret],
    bitbucket: ['x-hub-signature', `sha256=${hmac('sha256')}`],
  };
  const [name, value] = expected[provider];
  const given = header(headers, name);
  if (!given)
    throw new WebhookError(
      401,
      `${provider} webhook refused: it carries no ${name} header, and ${SECRET_SETTINGS[provider]} requires a signed request`,
    );
  if (!safeEqual(given, value))
    throw new WebhookError(401, `${provider} webhook signature does not match the configured secret`);
}

function safeEqual(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `https://github.com/Org/Repo.git`, `git@github.com:org/repo` and `ssh://...` all become `github.com/org/repo`. */
export function normalizeRepoUrl(url: string): string {
  let u = url.trim().toLowerCase();
  u = u.replace(/^git@([^:]+):/, '$1/');
  u = u.replace(/^[a-z+]+:\/\//, '');
  u = u.replace(/^[^@/]+@/, '');
  u = u.replace(/\.git$/, '').replace(/\/+$/, '');
  return u;
}
