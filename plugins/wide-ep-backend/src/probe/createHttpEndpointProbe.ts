import http from 'node:http';
import {
  EndpointProbe,
  PROBE_PATHS,
  ProbeOutcome,
  ProbeTarget,
  isIpAddress,
  parseVllmMetrics,
} from '@internal/plugin-wide-ep-common';

/** Options for {@link createHttpEndpointProbe}. @public */
export interface HttpEndpointProbeOptions {
  /** Deadline of each request (connect to last byte). */
  timeoutMs: number;
  /** Sockets kept per endpoint. Default 2: /health and /metrics. */
  maxSocketsPerHost?: number;
  /** /metrics bodies beyond this are cut off and ignored. Default 8 MiB. */
  maxMetricsBytes?: number;
  /**
   * Whether to fetch /metrics too. Default true; false where the load comes
   * from Prometheus, so only /health is probed.
   */
  metrics?: boolean;
}

/** Probes one vLLM API endpoint. @public */
export interface EndpointProbeFn {
  (target: ProbeTarget): Promise<EndpointProbe>;
  /** Closes pooled connections. */
  close(): void;
}

interface Reply {
  outcome: ProbeOutcome;
  body?: string;
}

/**
 * Probes vLLM endpoints over plain HTTP: `GET /health` and (unless
 * `metrics: false`) `GET /metrics` in parallel, each with a hard deadline. Never rejects: every failure is
 * an outcome.
 *
 * @remarks
 * URLs are assembled only from a literal IP, a numeric port and the fixed
 * {@link PROBE_PATHS}; redirects are not followed. Connections are kept
 * alive between rounds, and a request that fails on a reused socket the
 * server had already closed is retried once on a fresh one (the Node.js
 * keep-alive race), so an idle timeout is not mistaken for a dead rank.
 *
 * @public
 */
export function createHttpEndpointProbe(
  options: HttpEndpointProbeOptions,
): EndpointProbeFn {
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: options.maxSocketsPerHost ?? 2,
    maxFreeSockets: options.maxSocketsPerHost ?? 2,
  });
  const maxBytes = options.maxMetricsBytes ?? 8 * 1024 * 1024;

  const get = (
    target: ProbeTarget,
    path: string,
    keepBody: boolean,
    retried = false,
  ): Promise<Reply> =>
    new Promise(resolve => {
      let settled = false;
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), options.timeoutMs);
      const finish = (reply: Reply) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(reply);
      };
      const failed = (e: NodeJS.ErrnoException): Reply => {
        if (abort.signal.aborted)
          return { outcome: { kind: 'timeout', timeoutMs: options.timeoutMs } };
        return {
          outcome:
            e.code === 'ECONNREFUSED'
              ? { kind: 'refused' }
              : { kind: 'error', message: e.code ?? e.message },
        };
      };
      const req = http.request(
        {
          host: target.host,
          port: target.port,
          path,
          method: 'GET',
          agent,
          signal: abort.signal,
          headers: { accept: 'text/plain, */*' },
        },
        res => {
          const status = res.statusCode ?? 0;
          res.on('error', (e: NodeJS.ErrnoException) => finish(failed(e)));
          if (status !== 200 || !keepBody) {
            res.resume();
            res.on('end', () =>
              finish({
                outcome:
                  status === 200
                    ? { kind: 'ok' }
                    : { kind: 'httpStatus', status },
              }),
            );
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) {
              finish({
                outcome: {
                  kind: 'error',
                  message: `${path} larger than ${maxBytes} bytes`,
                },
              });
              req.destroy();
            } else {
              chunks.push(chunk);
            }
          });
          res.on('end', () =>
            finish({
              outcome: { kind: 'ok' },
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      req.on('error', (e: NodeJS.ErrnoException) => {
        // A kept-alive socket the server closed meanwhile: retry once on a fresh one.
        if (
          !retried &&
          !settled &&
          req.reusedSocket &&
          !abort.signal.aborted &&
          (e.code === 'ECONNRESET' || e.message === 'socket hang up')
        ) {
          settled = true;
          clearTimeout(timer);
          get(target, path, keepBody, true).then(resolve);
          return;
        }
        finish(failed(e));
      });
      req.end();
    });

  const probe = (async (target: ProbeTarget): Promise<EndpointProbe> => {
    const probedAt = new Date().toISOString();
    // Defence in depth: targets come from pod status, but never send a request anywhere else.
    if (
      !isIpAddress(target.host) ||
      !Number.isInteger(target.port) ||
      target.port < 1 ||
      target.port > 65535
    ) {
      return {
        probedAt,
        health: {
          kind: 'error',
          message:
            'refused to probe a target that is not an IP address and port',
        },
      };
    }
    const [health, metrics] = await Promise.all([
      get(target, PROBE_PATHS.health, false),
      options.metrics === false
        ? undefined
        : get(target, PROBE_PATHS.metrics, true),
    ]);
    return {
      probedAt,
      health: health.outcome,
      ...(metrics?.outcome.kind === 'ok' && metrics.body !== undefined
        ? { engines: parseVllmMetrics(metrics.body) }
        : {}),
    };
  }) as EndpointProbeFn;
  probe.close = () => agent.destroy();
  return probe;
}
