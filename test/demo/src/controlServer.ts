import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DemoOperator } from './DemoOperator';

/** A running control endpoint. */
export interface ControlServer {
  /** e.g. `http://127.0.0.1:17480` */
  readonly url: string;
  close(): Promise<void>;
}

const RANK_ACTIONS = ['kill', 'heal', 'fail', 'hang'] as const;
type RankAction = (typeof RANK_ACTIONS)[number];

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(`${JSON.stringify(body, null, 2)}\n`);
}

/**
 * HTTP control endpoint of the demo operator, on loopback only:
 *
 * - `GET  /healthz`: 200 once the operator runs
 * - `GET  /pods`: every simulated pod, its node, IP and ranks (port, state)
 * - `POST /ranks/<namespace>/<pod>/<port>/kill|heal|fail|hang`: the
 *   simulated vLLM API server on that port stops listening, comes back,
 *   answers /health with 503, or stops answering
 * - `POST /pods/<namespace>/<pod>/restart`: delete the pod; it is recreated
 *   and goes ContainerCreating → Running → Ready again
 */
export async function startControlServer(
  operator: DemoOperator,
  options: { host?: string; port: number },
): Promise<ControlServer> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1' && host !== '::1' && host !== 'localhost') {
    throw new Error(
      `the control endpoint listens on loopback only, not ${host}`,
    );
  }
  const server = http.createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    const parts = path.split('/').filter(Boolean);
    const handle = async () => {
      if (req.method === 'GET' && path === '/healthz')
        return reply(res, 200, { status: 'ok', simulated: true });
      if (req.method === 'GET' && (path === '/pods' || path === '/'))
        return reply(res, 200, { simulated: true, pods: operator.pods() });
      if (
        req.method === 'POST' &&
        parts[0] === 'ranks' &&
        parts.length === 5 &&
        (RANK_ACTIONS as readonly string[]).includes(parts[4])
      ) {
        const port = Number(parts[3]);
        if (!Number.isInteger(port) || port < 1 || port > 65535)
          return reply(res, 400, { error: `bad port "${parts[3]}"` });
        const error = await operator.controlRank(
          parts[1],
          parts[2],
          port,
          parts[4] as RankAction,
        );
        return error
          ? reply(res, 404, { error })
          : reply(res, 200, {
              ok: true,
              action: parts[4],
              namespace: parts[1],
              pod: parts[2],
              port,
            });
      }
      if (
        req.method === 'POST' &&
        parts[0] === 'pods' &&
        parts.length === 4 &&
        parts[3] === 'restart'
      ) {
        const error = await operator.restartPod(parts[1], parts[2]);
        return error
          ? reply(res, 404, { error })
          : reply(res, 200, {
              ok: true,
              action: 'restart',
              namespace: parts[1],
              pod: parts[2],
            });
      }
      return reply(res, 404, {
        error: `unknown route ${req.method} ${path}`,
        routes: [
          'GET /healthz',
          'GET /pods',
          'POST /ranks/<ns>/<pod>/<port>/kill|heal|fail|hang',
          'POST /pods/<ns>/<pod>/restart',
        ],
      });
    };
    req.resume();
    handle().catch(error =>
      reply(res, 500, { error: (error as Error).message }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
