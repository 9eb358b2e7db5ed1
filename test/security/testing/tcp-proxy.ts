import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP hop in front of a real server (Postgres), so a test can take the server away from a running
 * Berth process the ways a network does: `refuse` (the server is down: connections reset, new ones
 * refused), `blackhole` (a host that stopped answering: new connections hang), `forward` (back).
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private mode: 'forward' | 'blackhole' = 'forward';
  private boundPort = 0;

  private constructor(private readonly targetPort: number) {}

  /** Listens on a free port of 127.0.0.1 and forwards to `targetPort` there. */
  static async start(targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetPort);
    proxy.boundPort = await proxy.listen(0);
    return proxy;
  }

  get port(): number {
    return this.boundPort;
  }

  /** Postgres is down: open connections are reset, new ones refused (nothing listens on the port). */
  async refuse(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }

  /** Postgres stopped answering: open connections are dropped, new ones are accepted and never answered. */
  async blackhole(): Promise<void> {
    this.mode = 'blackhole';
    this.dropConnections();
    if (!this.server) await this.listen(this.port);
  }

  async forward(): Promise<void> {
    this.mode = 'forward';
    this.dropConnections();
    if (!this.server) await this.listen(this.port);
  }

  async close(): Promise<void> {
    await this.refuse();
  }

  private dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private listen(port: number): Promise<number> {
    const server = createServer((client) => {
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      client.on('error', () => undefined);
      if (this.mode === 'blackhole') return;
      const upstream = createConnection(this.targetPort, '127.0.0.1');
      this.sockets.add(upstream);
      upstream.on('close', () => {
        this.sockets.delete(upstream);
        client.destroy();
      });
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      client.pipe(upstream).pipe(client);
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }
}
