// The scheduler's REST API as the demo uses it: each person logs in (POST /api/v1/session) and acts with
// their own session token, so the audit log names them; every write says why (X-Reason).
import { DemoError, waitFor } from './demo-error.mjs';

export class BerthClient {
  /** @param {string} baseUrl e.g. http://127.0.0.1:18080 */
  constructor(baseUrl) {
    this.baseUrl = baseUrl;
    /** @type {Map<string, string>} session token per person logged in; the first one is the default */
    this.sessions = new Map();
  }

  /** POST /api/v1/session: logs `username` in; later requests `as` them send their token. */
  async login(username, password) {
    const { token } = await this.request('POST', '/api/v1/session', {
      body: JSON.stringify({ username, password }),
      anonymous: true,
    });
    this.sessions.set(username, token);
    return token;
  }

  /** PUT /api/v1/account/password as `as` (the admin setting another account's: its own current password). */
  setPassword(as, currentPassword, name, newPassword) {
    return this.request('PUT', '/api/v1/account/password', {
      body: JSON.stringify({ name, currentPassword, newPassword }),
      actor: as,
    });
  }

  /**
   * @param {string} method
   * @param {string} path
   * @param {{ body?: string, actor?: string, reason?: string, anonymous?: boolean, headers?: Record<string, string>, withHeaders?: boolean }} [options]
   *   actor: who logged in sends it (default: the first person who logged in); withHeaders: answer
   *   `{body, headers}` instead of the body
   */
  async request(method, path, options = {}) {
    const headers = { ...options.headers };
    if (!options.anonymous) {
      const token = options.actor ? this.sessions.get(options.actor) : this.sessions.values().next().value;
      if (!token) throw new DemoError('ApiError', `${options.actor ?? 'nobody'} has not logged in`);
      headers['Authorization'] = `Bearer ${token}`;
    }
    if (options.reason) headers['X-Reason'] = options.reason;
    if (options.body !== undefined && !headers['Content-Type']) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: options.body,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      throw new DemoError('ApiError', `${method} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
    }
    return options.withHeaders ? { body: json, headers: res.headers } : json;
  }

  /**
   * Creates an Application; answers `{application, warnings}`: the Application Berth answers (as Argo CD),
   * and the warnings it sent in `Warning` headers (`299 - "<text>"`), e.g. a field this build ignores.
   */
  async createApplication(manifestYaml, actor, reason) {
    const { body, headers } = await this.request('POST', '/api/v1/applications', {
      body: manifestYaml,
      actor,
      reason,
      headers: { 'Content-Type': 'application/yaml' },
      withHeaders: true,
    });
    const warnings = [...(headers.get('warning') ?? '').matchAll(/299 - "((?:[^"\\]|\\.)*)"/g)].map((m) =>
      m[1].replace(/\\(.)/g, '$1'),
    );
    return { application: body, warnings };
  }

  getApplication(name) {
    return this.request('GET', `/api/v1/applications/${encodeURIComponent(name)}`);
  }

  sync(name, actor, reason, body = {}) {
    return this.request('POST', `/api/v1/applications/${encodeURIComponent(name)}/sync`, {
      body: JSON.stringify(body),
      actor,
      reason,
    });
  }

  /** The app's stream in Berth's event log (`.../events` is Argo CD's Kubernetes EventList). */
  events(name) {
    return this.request('GET', `/api/v1/applications/${encodeURIComponent(name)}/audit`);
  }

  audit(query = '') {
    return this.request('GET', `/api/v1/audit${query ? `?${query}` : ''}`);
  }

  /** A GitHub-style push webhook, as GitHub would deliver it after `git push`. */
  pushWebhook(body) {
    return this.request('POST', '/api/webhook', {
      body,
      anonymous: true, // GitHub sends no Berth token: a webhook is checked by its own signature
      headers: { 'Content-Type': 'application/json', 'X-GitHub-Event': 'push' },
    });
  }

  /**
   * Polls an application until `predicate(app)` holds; bounded, and the timeout message shows the
   * last status seen so the user can tell which part did not converge.
   */
  async waitForApp(name, description, predicate, timeoutMs = 60_000) {
    let last;
    return waitFor(
      `${name} ${description}`,
      async () => {
        last = await this.getApplication(name);
        return predicate(last) ? last : undefined;
      },
      { timeoutMs, intervalMs: 300, lastState: () => summarize(last) },
    );
  }
}

/** One line of status, as `argocd app get` would print the essentials. */
export function summarize(app) {
  if (!app) return 'not found';
  const s = app.status ?? {};
  const op = s.operationState;
  return (
    `sync=${s.sync?.status} health=${s.health?.status} revision=${short(s.sync?.revision)}` +
    (op ? ` operation=${op.phase}${op.message ? ` (${op.message})` : ''}` : '') +
    ((s.conditions ?? []).length ? ` conditions=${s.conditions.map((c) => c.type).join(',')}` : '')
  );
}

export function short(sha) {
  return typeof sha === 'string' ? sha.slice(0, 7) : '';
}
