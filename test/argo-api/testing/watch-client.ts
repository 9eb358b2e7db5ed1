import { get, type ClientRequest, type IncomingMessage } from 'node:http';

/**
 * A client of a grpc-gateway stream (Argo CD's Watch): one GET held open, one JSON object per line. Keeps
 * every line received; `next` waits for the first unread one that matches.
 */
export class WatchClient {
  readonly lines: unknown[] = [];
  private read = 0;
  private buffer = '';
  private waiters: Array<() => void> = [];

  private constructor(
    private readonly request: ClientRequest,
    readonly response: IncomingMessage,
  ) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      this.buffer += chunk;
      let newline: number;
      while ((newline = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, newline);
        this.buffer = this.buffer.slice(newline + 1);
        if (line.trim() !== '') this.lines.push(JSON.parse(line) as unknown);
      }
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** Opens the stream; resolves once the answer's head is in (any status). */
  static open(url: string, headers: Record<string, string> = {}): Promise<WatchClient> {
    return new Promise((resolve, reject) => {
      const request = get(url, { headers }, (response) => resolve(new WatchClient(request, response)));
      request.on('error', reject);
    });
  }

  /** The next unread line that `match` accepts (lines before it are read and skipped). */
  async next<T>(match: (line: T) => boolean, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.read < this.lines.length) {
        const line = this.lines[this.read++] as T;
        if (match(line)) return line;
      }
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no matching line within ${timeoutMs} ms; received: ${JSON.stringify(this.lines)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The lines not read yet by `next`. */
  unread(): unknown[] {
    return this.lines.slice(this.read);
  }

  close(): void {
    this.request.destroy();
  }
}
