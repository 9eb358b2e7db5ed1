import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { listenFailure } from './listen-port';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * A process's HTTP port, from its first moment to its last. While the process waits for its
 * dependencies it answers by itself: `/healthz` 200 (alive: a supervisor must not restart a process
 * that only waits), `/readyz` 503 naming what it waits for, in Terminus's shape, and every other
 * request 503 with `Retry-After`. Then `serve(app)` hands every request to the Nest app, on the same
 * socket: there is no moment at which the port refuses connections.
 */
export class ProcessHttpServer {
  /** The dependency the start waits for, if any, and what to say about it. */
  private waitingFor: { dependency: string | undefined; message: string };
  private handler: Handler = (req, res) => this.answerWhileStarting(req, res);

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly processName: string,
  ) {
    this.waitingFor = { dependency: undefined, message: `${processName} is starting` };
  }

  /**
   * Listens on `port` (0: any free port). A port that cannot be used ends the start with the one
   * line naming `variable` (StartupError), as before anything else is tried.
   */
  static async listen(
    processName: string,
    port: number,
    host: string,
    variable: string,
  ): Promise<ProcessHttpServer> {
    const server = createServer();
    const bound = await new Promise<number>((resolve, reject) => {
      server.once('error', (error) => reject(listenFailure(error, port, variable, host) ?? error));
      server.listen(port, host, () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
    // After the start a listen error cannot happen; a client's broken socket is not the process's problem.
    server.on('clientError', (_error, socket) => socket.destroy());
    const self = new ProcessHttpServer(server, bound, processName);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => self.handler(req, res));
    return self;
  }

  /**
   * What the process waits for (`postgres`, `redis`; undefined: its own start), as /readyz and the
   * 503 answers say until `serve`. /readyz names `startup` as well throughout, so a client can tell a
   * process that is starting from one that runs without a dependency.
   */
  waiting(dependency: string | undefined, message: string): void {
    this.waitingFor = { dependency, message };
  }

  /** Initializes the Nest app (routes, bootstrap hooks) and from now on lets it answer every request. */
  async serve(app: INestApplication): Promise<void> {
    await app.init();
    this.handler = app.getHttpAdapter().getInstance() as Handler;
  }

  /** Stops listening and ends idle keep-alive connections; requests in flight finish. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }

  private answerWhileStarting(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    const { dependency, message } = this.waitingFor;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(body));
    };
    if (path === '/healthz') return send(200, { status: 'ok' });
    const down = {
      startup: { status: 'down', message: `${this.processName} is starting` },
      ...(dependency ? { [dependency]: { status: 'down', message } } : {}),
    };
    if (path === '/readyz') return send(503, { status: 'error', info: {}, error: down, details: down });
    send(
      503,
      {
        error: 'Unavailable',
        dependency: dependency ?? 'startup',
        message: `${message}; nothing was recorded: retry once GET /readyz answers 200`,
      },
      { 'Retry-After': '5' },
    );
  }
}
