import { RenderError, type RenderErrorCode } from '../render.error';
import { redactUrl } from './repo-url';

const RULES: { code: RenderErrorCode; pattern: RegExp }[] = [
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

const ADVICE: Partial<Record<RenderErrorCode, string>> = {
  'auth-failed': 'check the repository credentials (username/token or SSH key and known_hosts)',
  'not-found':
    'check spec.source.repoURL; private repositories also answer "not found" without valid credentials',
  unreachable: 'check the host name, port and network path from the worker; this is retried',
};

/**
 * Turns git's stderr into a typed error. Secrets never reach the message: user info is cut
 * out of URLs and any known secret string is replaced.
 */
export function classifyGitError(
  stderr: string,
  repoUrl: string,
  secrets: readonly string[] = [],
  cause?: unknown,
): RenderError {
  let text = redactUrl(stderr).trim();
  for (const secret of secrets) if (secret) text = text.split(secret).join('***');
  const lastLines = text.split('\n').slice(-4).join(' | ');
  const rule = RULES.find((candidate) => candidate.pattern.test(text));
  const code = rule?.code ?? 'git-failed';
  const advice = ADVICE[code] ?? 'see the git message above';
  return new RenderError(
    code,
    `git ${code === 'git-failed' ? 'failed' : code} for ${redactUrl(repoUrl)}: ${lastLines}; ${advice}`,
    'spec.source.repoURL',
    { cause },
  );
}
