/**
 * Where a dependency lives, for messages people read (startup failures, /readyz, 503 answers):
 * host, port and database, never the user's password. `postgres://u:pw@db:5432/berth` -> `db:5432/berth`.
 */
export function endpointOf(url: string): string {
  try {
    const parsed = new URL(url);
    const port = parsed.port || (parsed.protocol.startsWith('postgres') ? '5432' : '6379');
    const path = parsed.pathname.length > 1 ? parsed.pathname : '';
    return `${parsed.hostname}:${port}${path}`;
  } catch {
    return 'an unparsable URL';
  }
}

/** The user name in a URL, if any (never the password). */
export function userOf(url: string): string | undefined {
  try {
    const user = decodeURIComponent(new URL(url).username);
    return user === '' ? undefined : user;
  } catch {
    return undefined;
  }
}

/**
 * Removes every password found in `urls` from `text`: a library's error message may quote the URL it
 * was given, and no secret may reach a log line or an answer.
 */
export function withoutSecrets(text: string, urls: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const url of urls) {
    if (!url) continue;
    let password: string;
    try {
      password = new URL(url).password;
    } catch {
      continue;
    }
    if (!password) continue;
    for (const form of new Set([password, decodeURIComponent(password)])) out = out.split(form).join('***');
  }
  return out;
}
