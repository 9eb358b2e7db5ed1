import { Agent, fetch, type Response } from 'undici';
import { ApiError, CliError, EXIT, networkErrorLines } from './cli-error';

export interface ApiClientOptions {
  server: string;
  token?: string;
  insecure?: boolean;
  /** Per-request limit; long waits are loops of short requests. */
  timeoutMs?: number;
}

type Query = Record<string, string | number | boolean | string[] | undefined>;

/**
 * Berth's REST API, and only that: every command goes through here, so the CLI works against a remote
 * server. Answers are `unknown` until a command narrows them.
 */
export class ApiClient {
  private readonly dispatcher: Agent | undefined;

  constructor(private readonly options: ApiClientOptions) {
    this.dispatcher = options.insecure ? new Agent({ connect: { rejectUnauthorized: false } }) : undefined;
  }

  get server(): string {
    return this.options.server;
  }

  /** The token this client sends, for a client of another Berth process (the notifier) on the same login. */
  get token(): string | undefined {
    return this.options.token;
  }

  get<T = unknown>(path: string, query?: Query, what?: string): Promise<T> {
    return this.request<T>('GET', path, { query, what });
  }

  post<T = unknown>(path: string, body?: unknown, query?: Query, what?: string): Promise<T> {
    return this.request<T>('POST', path, { body, query, what });
  }

  put<T = unknown>(path: string, body?: unknown, query?: Query, what?: string): Promise<T> {
    return this.request<T>('PUT', path, { body, query, what });
  }

  delete<T = unknown>(path: string, query?: Query, what?: string): Promise<T> {
    return this.request<T>('DELETE', path, { query, what });
  }

  /** A streaming GET (newline-delimited JSON): the open response, for the caller to read. */
  async stream(path: string, query?: Query, signal?: AbortSignal): Promise<Response> {
    const response = await this.send('GET', path, { query, signal });
    if (!response.ok) throw await this.failure(response, `GET ${path}`);
    return response;
  }

  async request<T>(
    method: string,
    path: string,
    options: { body?: unknown; query?: Query; what?: string; contentType?: string },
  ): Promise<T> {
    return (await this.exchange<T>(method, path, options)).body;
  }

  /**
   * `request` with what the answer's headers add: Argo CD-shaped writes answer the object itself and put
   * validator warnings in `Warning` headers and the operation id in `X-Berth-Operation-Id`.
   */
  async exchange<T>(
    method: string,
    path: string,
    options: { body?: unknown; query?: Query; what?: string; contentType?: string },
  ): Promise<{ body: T; warnings: string[]; operationId: string | undefined }> {
    const response = await this.send(method, path, options);
    if (!response.ok) throw await this.failure(response, options.what ?? `${method} ${path}`);
    return {
      body: await this.bodyOf<T>(method, path, response),
      warnings: warningsOf(response.headers.get('warning')),
      operationId: response.headers.get('x-berth-operation-id') ?? undefined,
    };
  }

  private async bodyOf<T>(method: string, path: string, response: Response): Promise<T> {
    const text = await response.text();
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CliError([
        `${method} ${path}: the server answered ${response.status} with a body that is not JSON`,
      ]);
    }
  }

  private async send(
    method: string,
    path: string,
    options: { body?: unknown; query?: Query; contentType?: string; signal?: AbortSignal },
  ): Promise<Response> {
    const url = new URL(path, this.options.server);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(v));
    }
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.options.token) headers['Authorization'] = `Bearer ${this.options.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['Content-Type'] = options.contentType ?? 'application/json';
    }
    const signal = options.signal ?? AbortSignal.timeout(this.options.timeoutMs ?? 60_000);
    try {
      return await fetch(url, { method, headers, body, signal, dispatcher: this.dispatcher });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError')
        throw new CliError(
          [
            `${method} ${path}: no answer from ${this.options.server} within ${(this.options.timeoutMs ?? 60_000) / 1000}s`,
          ],
          EXIT.connectionFailure,
        );
      throw new CliError(networkErrorLines(this.options.server, error), EXIT.connectionFailure);
    }
  }

  private async failure(response: Response, what: string): Promise<ApiError> {
    const text = await response.text().catch(() => '');
    let body: { error?: string; message?: string; issues?: [] } = {};
    try {
      const parsed = JSON.parse(text) as unknown;
      if (parsed && typeof parsed === 'object') body = parsed;
    } catch {
      body = { message: text.trim().slice(0, 300) || undefined };
    }
    return new ApiError(response.status, body, what);
  }
}

/** A path segment from a user's value: encoded, so a name can never change the route. */
export function seg(value: string): string {
  return encodeURIComponent(value);
}

/** The texts of `Warning: 299 - "<text>"` headers (fetch joins several with ", "). */
export function warningsOf(header: string | null): string[] {
  if (!header) return [];
  return [...header.matchAll(/\d{3} \S+ "((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));
}
