/**
 * Exit codes, Argo CD's (util/errors/errors.go): 1 for a command's own verdict (an operation that failed,
 * a diff that found differences), 11 when the server cannot be reached, 20 for any other error.
 */
export const EXIT = { commandSpecific: 1, connectionFailure: 11, generic: 20 } as const;

/** An error the CLI reports as lines of text and an exit code, never a stack trace. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly lines: string[],
    readonly exitCode: number = EXIT.generic,
  ) {
    super(lines.join('\n'));
  }
}

/** One problem of an API answer: Berth's `issues[]` entries. */
export interface ApiIssue {
  field?: string;
  message?: string;
  fix?: string;
}

/** A non-2xx answer, with the body's `{error, message, issues[]}` when it had one. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly body: { error?: string; message?: string; issues?: ApiIssue[] },
    readonly what: string,
  ) {
    super(formatApiError(status, body, what));
  }
}

/**
 * An API error as lines: the message with the HTTP status and code, then one line per problem with its
 * field path and fix (Berth's 400s list every problem of a request at once).
 */
export function formatApiError(
  status: number,
  body: { error?: string; message?: string; issues?: ApiIssue[] },
  what: string,
): string[] {
  const code = body.error ? ` ${body.error}` : '';
  // A 400's message lists the problems again after its first line: print them once, from `issues`.
  const text = body.message || statusText(status);
  const message = (body.issues?.length ? text.split('\n')[0]! : text).replace(/:\s*$/, '');
  const lines = [`${what}: ${message} (${status}${code})`];
  for (const issue of body.issues ?? []) {
    const field = issue.field ? `${issue.field}: ` : '';
    const fix = issue.fix ? ` (fix: ${issue.fix})` : '';
    lines.push(`  - ${field}${issue.message ?? 'invalid'}${fix}`);
  }
  if (status === 401) lines.push('  log in again: berth login <server> (or pass --auth-token)');
  return lines;
}

function statusText(status: number): string {
  if (status === 401) return 'not logged in or the token expired';
  if (status === 403) return 'permission denied';
  if (status === 404) return 'not found';
  if (status >= 500) return 'the server failed';
  return 'refused';
}

/** A request that never got an answer: name the server and what to check. */
export function networkErrorLines(server: string, cause: unknown): string[] {
  const reason = describeCause(cause);
  const lines = [`cannot reach the Berth server at ${server}: ${reason}`];
  if (/certificate|self.signed|CERT|TLS|SSL/i.test(reason))
    lines.push(
      '  check the server certificate, or pass --insecure to skip verification (not for production)',
    );
  else if (/EPROTO|wrong version number|packet length/i.test(reason))
    lines.push('  the server may speak plain HTTP: log in with http://host:port or --plaintext');
  else
    lines.push(
      '  check the address (--server, or the context of `berth login`), that the scheduler is running and listening there, and the network/proxy between',
    );
  return lines;
}

function describeCause(cause: unknown): string {
  let error = cause as { message?: string; code?: string; cause?: unknown } | undefined;
  // fetch wraps the socket error: "fetch failed" with the useful one in `cause`.
  while (error?.cause && typeof error.cause === 'object') error = error.cause;
  const code = error?.code && !error.message?.includes(error.code) ? `${error.code} ` : '';
  return `${code}${error?.message ?? String(cause)}`.trim();
}
