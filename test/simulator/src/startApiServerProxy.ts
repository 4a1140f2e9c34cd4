import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

/** Options for {@link startApiServerProxy}. */
export interface ApiServerProxyOptions {
  /** The real API server, e.g. `https://127.0.0.1:16443`. */
  target: string;
  /** PEM of the CA that signed the API server certificate. */
  ca?: string | Buffer;
  /** Address to listen on. Default 127.0.0.1. */
  host?: string;
  /**
   * SIMULATES a slow link: milliseconds to hold a request before it is
   * forwarded (0 or undefined: at once), e.g. only the apply PATCHes.
   */
  delayMs?: (request: ProxiedRequest) => number | undefined;
}

/** One request the proxy forwarded. */
export interface ProxiedRequest {
  method: string;
  /** Path and query, e.g. `/api/v1/namespaces/x/pods?watch=true&…`. */
  path: string;
  watch: boolean;
  at: number;
}

/** A running proxy. */
export interface ApiServerProxy {
  /** Plain-HTTP URL clients use instead of the API server's (needs `skipTLSVerify` in client-node). */
  readonly url: string;
  /** Every request forwarded so far (LISTs, WATCHes, anything else). */
  readonly requests: ProxiedRequest[];
  /**
   * SIMULATES an API server outage: open connections, including watches,
   * are dropped and new connections are refused until {@link restore}.
   */
  cut(): Promise<void>;
  /** Accepts connections again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A plain-HTTP reverse proxy in front of a kube-apiserver that counts every
 * request and can simulate an outage. Test and demo infrastructure: the
 * caller's bearer token is passed through untouched and never logged.
 */
export async function startApiServerProxy(
  options: ApiServerProxyOptions,
): Promise<ApiServerProxy> {
  const target = new URL(options.target);
  const host = options.host ?? '127.0.0.1';
  const agent = new https.Agent({ ca: options.ca, keepAlive: true });
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  const upstream = new Set<http.ClientRequest>();
  let port = 0;
  let server: http.Server | undefined;

  const forward = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    path: string,
  ) => {
    const out = https.request(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path,
        headers: { ...req.headers, host: target.host },
        agent,
      },
      upstreamRes => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        // A watch sends no body until something changes: pass its headers on now.
        res.flushHeaders();
        upstreamRes.pipe(res);
      },
    );
    upstream.add(out);
    out.on('close', () => upstream.delete(out));
    out.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    res.on('close', () => out.destroy());
    req.pipe(out);
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = req.url ?? '/';
    const request: ProxiedRequest = {
      method: req.method ?? 'GET',
      path,
      watch: /[?&]watch=(true|1)\b/.test(path),
      at: Date.now(),
    };
    requests.push(request);
    const delay = options.delayMs?.(request) ?? 0;
    // The body waits in the request stream until it is piped on.
    if (delay > 0) setTimeout(() => forward(req, res, path), delay);
    else forward(req, res, path);
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = http.createServer(handle);
      s.on('connection', socket => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      s.once('error', reject);
      s.listen(port, host, () => {
        port = (s.address() as AddressInfo).port;
        server = s;
        resolve();
      });
    });

  const stop = () =>
    new Promise<void>(resolve => {
      const s = server;
      server = undefined;
      for (const r of upstream) r.destroy();
      for (const socket of sockets) socket.destroy();
      if (!s) resolve();
      else s.close(() => resolve());
    });

  await listen();
  return {
    url: `http://${host}:${port}`,
    requests,
    cut: stop,
    restore: async () => {
      if (!server) await listen();
    },
    close: async () => {
      await stop();
      agent.destroy();
    },
  };
}
