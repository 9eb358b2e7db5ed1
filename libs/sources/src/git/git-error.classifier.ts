import { SourceError, type SourceErrorCode } from '../source.error';
import { redactUrl } from './repo-url';

const RULES: { code: SourceErrorCode; pattern: RegExp }[] = [
  {
    code: 'auth-failed',
    pattern:
      /authentication failed|could not read (username|password)|permission denied \((publickey|keyboard)|http(s)? (code )?40[13]|the requested url returned error: 40[13]|terminal prompts disabled|host key verification failed|invalid credentials/i,
  },
  {
    code: 'not-found',
    pattern:
      /repository .* not found|repository not found|does not appear to be a git repository|not a git repository|the requested url returned error: 404|no such file or directory|does not exist/i,
  },
  {
    code: 'unreachable',
    pattern:
      /could not resolve host|connection refused|failed to connect|timed out|connection timed out|network is unreachable|no route to host|could not connect|connection reset|empty reply from server|ssl|tls|block timeout reached|name or service not known/i,
  },
];

const ADVICE: Partial<Record<SourceErrorCode, string>> = {
  'auth-failed': 'check the repository credentials (username/token or SSH key and known_hosts)',
  'not-found':
    'check spec.source.repoURL; private repositories also answer "not found" without valid credentials',
  unreachable: 'check the host name, port and network path from the worker; this is retried',
};

/**
 * git's closing words after any failed remote command over SSH: they hide the real cause
 * (ssh's own line just above) when only the last lines are shown.
 */
const GIT_REMOTE_TRAILER =
  /^(fatal: could not read from remote repository\.|please make sure you have the correct access rights|and the repository exists\.)$/i;

/**
 * ssh's host key refusals, with advice of their own: the key is fine, the server is not the
 * one known_hosts names. Kept under `auth-failed` (not retryable, fixed in the repository's
 * credentials, where Argo CD keeps known_hosts too) but said apart from a refused key.
 */
function hostKeyProblem(text: string): string | undefined {
  const changed = /host key for (\S+) has changed/i.exec(text);
  if (changed) {
    return (
      `SSH host key verification failed: the host key of ${changed[1]} has changed since its known_hosts entry was made ` +
      "(a re-installed server, or someone in the middle); check the new key with the server owner and replace the entry in the repository credential's knownHosts"
    );
  }
  if (!/host key verification failed/i.test(text)) return undefined;
  const unknown = /no \S+ host key is known for (\S+)/i.exec(text)?.[1];
  const host = unknown ?? 'the server';
  return (
    `SSH host key verification failed: no key for ${host} is in the known_hosts of the repository credential; ` +
    `add the server's line (ssh-keyscan [-p PORT] HOST, Argo CD's argocd-ssh-known-hosts-cm) to knownHosts, ` +
    'or set insecureIgnoreHostKey: true to skip the check (not recommended)'
  );
}

/**
 * Turns git's stderr into a typed error. Secrets never reach the message: user info is cut
 * out of URLs and any known secret string is replaced.
 */
export function classifyGitError(
  stderr: string,
  repoUrl: string,
  secrets: readonly string[] = [],
  cause?: unknown,
): SourceError {
  let text = redactUrl(stderr).replace(/\r\n?/g, '\n').trim();
  for (const secret of secrets) if (secret) text = text.split(secret).join('***');
  const rule = RULES.find((candidate) => candidate.pattern.test(text));
  const code = rule?.code ?? 'git-failed';
  const hostKey = code === 'auth-failed' ? hostKeyProblem(text) : undefined;
  const lines = text.split('\n').map((line) => line.trim());
  const telling = lines.filter((line) => line && !GIT_REMOTE_TRAILER.test(line));
  const lastLines = (telling.length > 0 ? telling : lines).slice(-4).join(' | ');
  const detail = hostKey ?? `${lastLines}; ${ADVICE[code] ?? 'see the git message above'}`;
  return new SourceError(
    code,
    `git ${code === 'git-failed' ? 'failed' : code} for ${redactUrl(repoUrl)}: ${detail}`,
    'spec.source.repoURL',
    { cause },
  );
}
