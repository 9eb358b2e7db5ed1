/** One request the sandbox answered, as a test asserts on it ("what was sent"). */
export interface RecordedRequest {
  method: string;
  /** URL path, e.g. `/apis/apps/v1/namespaces/shop/deployments/web`. */
  path: string;
  /** Query parameters (`fieldManager`, `force`, `dryRun`, `fieldValidation` ...), the last value of each. */
  query: Record<string, string>;
  /** Media type of the body, without parameters (`application/apply-patch+yaml`). */
  contentType?: string;
  userAgent?: string;
  /** The body as text, up to 64 KiB. */
  body?: string;
  /** HTTP status of the answer, once sent. */
  status?: number;
}

const maxBodyChars = 64 * 1024;

/**
 * The requests a sandbox answered, oldest first, for tests (`recordRequests: true`): at most `limit`
 * are kept, the oldest dropped first.
 */
export class RequestLog {
  private entries: RecordedRequest[] = [];

  constructor(
    readonly enabled: boolean,
    private readonly limit = 10_000,
  ) {}

  /** Starts an entry for a request; undefined when recording is off. */
  begin(method: string, url: URL, contentType: string | undefined, userAgent: string | undefined) {
    if (!this.enabled) return undefined;
    const entry: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams.entries()),
      ...(contentType ? { contentType: contentType.split(';')[0]!.trim() } : {}),
      ...(userAgent ? { userAgent } : {}),
    };
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    return {
      body(text: string) {
        if (text) entry.body = text.slice(0, maxBodyChars);
      },
      status(code: number) {
        entry.status = code;
      },
    };
  }

  /** The recorded requests, oldest first; with `filter`, only those it accepts. */
  list(filter?: (request: RecordedRequest) => boolean): RecordedRequest[] {
    return filter ? this.entries.filter(filter) : [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}
