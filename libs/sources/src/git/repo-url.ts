import { isOptionLikeUrl } from '@berth/domain';
import { SourceError } from '../source.error';

export interface ParsedRepoUrl {
  scheme: 'https' | 'http' | 'ssh' | 'file';
  /** The URL as git is given it. */
  url: string;
  host: string;
}

export interface RepoUrlPolicy {
  /** `file://` reads the worker's own disk: only for tests and single-user setups. */
  allowFileUrls?: boolean;
  /** Plain `http://` sends credentials in clear text; allowed for local test servers. */
  allowHttp?: boolean;
}

const FIELD = 'spec.source.repoURL';
const SCP_LIKE = /^(?:[A-Za-z0-9._-]+@)?([A-Za-z0-9.-]+):(?!\/\/)([^\s]+)$/;

/**
 * Checks a repoURL against the schemes Berth fetches from: https, ssh (`ssh://` or scp-like
 * `git@host:org/repo.git`) and, when allowed, `file://`. Passwords in the URL are refused so
 * they never reach disk (mirror config) or logs: they belong in a repository credential.
 */
export function parseRepoUrl(raw: string, policy: RepoUrlPolicy = {}): ParsedRepoUrl {
  const url = raw.trim();
  if (!url)
    throw new SourceError('invalid-repo-url', `${FIELD} is empty; set it to the Git repository URL`, FIELD);
  if (isOptionLikeUrl(url)) {
    throw new SourceError(
      'invalid-repo-url',
      `${FIELD} "${redactUrl(url)}" starts with "-" or names a host that does, which git would read as an option; give a repository URL`,
      FIELD,
    );
  }
  const scp = SCP_LIKE.exec(url);
  if (scp && !url.includes('://')) return { scheme: 'ssh', url, host: scp[1] ?? '' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SourceError(
      'invalid-repo-url',
      `${FIELD} "${url}" is not a URL; use https://host/org/repo.git or git@host:org/repo.git`,
      FIELD,
    );
  }
  if (parsed.password) {
    throw new SourceError(
      'invalid-repo-url',
      `${FIELD} contains a password; remove it from the URL and store it as a repository credential`,
      FIELD,
    );
  }
  const shown = `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  switch (parsed.protocol) {
    case 'https:':
      return { scheme: 'https', url, host: parsed.host };
    case 'http:':
      if (policy.allowHttp) return { scheme: 'http', url, host: parsed.host };
      throw new SourceError(
        'invalid-repo-url',
        `${FIELD} "${shown}" uses plain http, which would send credentials unencrypted; use https://`,
        FIELD,
      );
    case 'ssh:':
      return { scheme: 'ssh', url, host: parsed.host };
    case 'file:':
      if (policy.allowFileUrls) return { scheme: 'file', url, host: '' };
      throw new SourceError(
        'invalid-repo-url',
        `${FIELD} "${shown}" reads the worker's local disk, which this installation does not allow; use https:// or ssh`,
        FIELD,
      );
    default:
      throw new SourceError(
        'invalid-repo-url',
        `${FIELD} "${shown}" uses the unsupported scheme "${parsed.protocol}"; use https://, ssh:// or git@host:org/repo.git`,
        FIELD,
      );
  }
}

/** A repoURL with any user info removed, safe to log and to show. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^/@\s]*@/g, '//');
}
