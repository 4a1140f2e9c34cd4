import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** How a simulated API server answers. */
export type ServerBehaviour =
  | { kind: 'ok' }
  /** `/health` (and readiness) answer with this status, like vLLM after EngineDeadError. */
  | { kind: 'failing'; status: number }
  /** Connections are accepted but never answered. */
  | { kind: 'hung' }
  /** Not listening: connection refused. */
  | { kind: 'killed' };

/** A request handler that may read the server's behaviour. */
export type SimulatedHandler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  behaviour: ServerBehaviour,
) => void;

/**
 * One listening HTTP server on a loopback address whose behaviour can be
 * switched at run time: answer, fail, hang, or stop listening.
 */
export class SimulatedServer {
  private server?: http.Server;
  private readonly sockets = new Set<Socket>();
  private behaviour: ServerBehaviour = { kind: 'ok' };
  private served = 0;
  private readonly servedByPath = new Map<string, number>();

  private constructor(
    readonly host: string,
    private port: number,
    private readonly handler: SimulatedHandler,
  ) {}

  /** Starts listening; `port` 0 picks a free port. */
  static async start(options: {
    host: string;
    port: number;
    handler: SimulatedHandler;
  }): Promise<SimulatedServer> {
    const s = new SimulatedServer(options.host, options.port, options.handler);
    await s.listen();
    return s;
  }

  /** The bound port. */
  get boundPort(): number {
    return this.port;
  }

  /** Requests answered or held so far. */
  get requests(): number {
    return this.served;
  }

  /** Requests for one path (query left out) so far; `<path> by Prometheus` counts its scrapes alone. */
  requestsTo(path: string): number {
    return this.servedByPath.get(path) ?? 0;
  }

  get state(): ServerBehaviour['kind'] {
    return this.behaviour.kind;
  }

  /** Stops listening and drops open connections: the next connect is refused. */
  async kill(): Promise<void> {
    this.behaviour = { kind: 'killed' };
    await this.shutdown();
  }

  /** Answers `/health` with `status`. */
  fail(status = 503): void {
    this.behaviour = { kind: 'failing', status };
  }

  /** Accepts connections and requests but never answers. */
  hang(): void {
    this.behaviour = { kind: 'hung' };
  }

  /** Back to normal; listens again after a kill. */
  async heal(): Promise<void> {
    const wasKilled = this.behaviour.kind === 'killed';
    const wasHung = this.behaviour.kind === 'hung';
    this.behaviour = { kind: 'ok' };
    if (wasHung) this.dropConnections();
    if (wasKilled) await this.listen();
  }

  /** Stops for good. */
  async close(): Promise<void> {
    this.behaviour = { kind: 'killed' };
    await this.shutdown();
  }

  private listen(): Promise<void> {
    const server = http.createServer((req, res) => {
      this.served++;
      const path = (req.url ?? '/').split('?')[0];
      this.servedByPath.set(path, (this.servedByPath.get(path) ?? 0) + 1);
      // Scrapes apart from probes: Prometheus names itself in User-Agent.
      if (req.headers['user-agent']?.startsWith('Prometheus/')) {
        const scraped = `${path} by Prometheus`;
        this.servedByPath.set(
          scraped,
          (this.servedByPath.get(scraped) ?? 0) + 1,
        );
      }
      if (this.behaviour.kind === 'hung') return;
      this.handler(req, res, this.behaviour);
    });
    server.on('connection', socket => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        this.port = (server.address() as AddressInfo).port;
        this.server = server;
        resolve();
      });
    });
  }

  private dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private shutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.dropConnections();
    if (!server) return Promise.resolve();
    return new Promise(resolve => server.close(() => resolve()));
  }
}
