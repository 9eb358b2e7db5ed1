/**
 * A browser for an OIDC provider's development pages (the `oidc-provider` package in a test process): it
 * keeps the provider's cookies (paths ignored: every request goes to the provider), follows its redirects,
 * logs in and consents, and stops where the provider sends the browser back to the client.
 */
export class OidcBrowser {
  private readonly cookies = new Map<string, string>();

  async go(url: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: this.cookieHeader() },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
    return res;
  }

  /**
   * Follows the provider's redirects from `start`, logging in as `user` and consenting on its development
   * pages, until it sends the browser to a URL under `clientPrefix`; returns that URL (not visited).
   */
  async signIn(start: string, user: string, clientPrefix: string): Promise<URL> {
    let url = start;
    for (let step = 0; step < 20; step++) {
      if (url.startsWith(clientPrefix)) return new URL(url);
      const res = await this.go(url);
      const location = res.headers.get('location');
      if (location) {
        url = new URL(location, url).href;
        continue;
      }
      const page = await res.text();
      const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
      const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
      if (!prompt || !action)
        throw new Error(`unexpected page at ${url} (${res.status}): ${page.slice(0, 300)}`);
      const body = new URLSearchParams(
        prompt === 'login' ? { prompt, login: user, password: 'any' } : { prompt },
      );
      const posted = await this.go(new URL(action, url).href, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
      });
      url = new URL(posted.headers.get('location') ?? '', url).href;
    }
    throw new Error(`the provider never sent the browser back to ${clientPrefix}`);
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}
