import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/robot/send?access_token=x`. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Parsed body when it is JSON. */
  json?: unknown;
}

export interface ScriptedResponse {
  status?: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON. */
  body?: string | object;
  /**
   * Record the request but never answer it (until close): the sender sees a request in flight, as when the
   * receiver acted on it and the answer is slow to come back, and can be killed in that window.
   */
  hold?: boolean;
}

export type Responder = (req: RecordedRequest) => ScriptedResponse;

/** A local HTTP endpoint on 127.0.0.1 that records every request and answers from a script. */
export interface HttpReceiver {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Answers for the next requests, in order; afterwards the default responder answers again. */
  enqueue(...responses: ScriptedResponse[]): void;
  close(): Promise<void>;
}

export async function startHttpReceiver(
  defaultResponder: Responder = () => ({ status: 200, body: 'ok' }),
): Promise<HttpReceiver> {
  const requests: RecordedRequest[] = [];
  const script: ScriptedResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body,
      };
      try {
        recorded.json = body ? (JSON.parse(body) as unknown) : undefined;
      } catch {
        // not JSON: keep the raw body only
      }
      requests.push(recorded);
      const answer = script.shift() ?? defaultResponder(recorded);
      if (answer.hold) return;
      const payload =
        typeof answer.body === 'string' || answer.body === undefined
          ? (answer.body ?? '')
          : JSON.stringify(answer.body);
      const contentType =
        typeof answer.body === 'object' ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8';
      res.writeHead(answer.status ?? 200, { 'content-type': contentType, ...answer.headers });
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...responses) => script.push(...responses),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
