import type {
  PrometheusMatrixSeries,
  PrometheusVectorSample,
} from '@internal/plugin-wide-ep-common';
import { createConcurrencyLimit } from '../probe/createConcurrencyLimit';
import type { PrometheusEndpoint } from './prometheusConfig';

/**
 * A query that did not answer: Prometheus unreachable, an HTTP or PromQL
 * error, a timeout. The message names the cluster and what went wrong,
 * never a header.
 * @public
 */
export class PrometheusQueryError extends Error {
  name = 'PrometheusQueryError';
}

/** Options for {@link PrometheusClient}. @public */
export interface PrometheusClientOptions {
  endpoint: PrometheusEndpoint;
  timeoutMs: number;
  /**
   * Queries in flight at a time; the others wait their turn, and their
   * deadline starts when they are sent. Default unbounded.
   */
  maxConcurrentQueries?: number;
  /** Responses beyond this many bytes are refused. Default 64 MiB. */
  maxResponseBytes?: number;
  /** Injected by tests; default the global fetch. */
  fetch?: typeof fetch;
}

/**
 * The two Prometheus HTTP API calls the load source needs,
 * `/api/v1/query` and `/api/v1/query_range` (POST, form-encoded, as
 * Grafana sends long queries), with a deadline each. Counts the queries it
 * sends, so tests and benchmarks can check they do not grow with viewers.
 * @public
 */
export class PrometheusClient {
  private sent = 0;
  private readonly fetchFn: typeof fetch;
  private readonly limit: <T>(fn: () => Promise<T>) => Promise<T>;

  constructor(private readonly options: PrometheusClientOptions) {
    this.fetchFn = options.fetch ?? fetch;
    this.limit = options.maxConcurrentQueries
      ? createConcurrencyLimit(options.maxConcurrentQueries)
      : fn => fn();
  }

  /** Queries sent since creation. */
  get queryCount(): number {
    return this.sent;
  }

  get cluster(): string {
    return this.options.endpoint.cluster;
  }

  /** Instant query at `time` (unix seconds; default now): `data.result` of the vector. */
  async query(
    promql: string,
    time?: number,
  ): Promise<PrometheusVectorSample[]> {
    const data = await this.call('query', {
      query: promql,
      ...(time !== undefined ? { time: String(time) } : {}),
    });
    if (data.resultType !== 'vector')
      throw new PrometheusQueryError(
        `Prometheus of cluster "${this.cluster}" answered a ${data.resultType}, not a vector`,
      );
    return data.result as PrometheusVectorSample[];
  }

  /** Range query from `start` to `end` (unix seconds) every `stepSeconds`: `data.result` of the matrix. */
  async queryRange(
    promql: string,
    start: number,
    end: number,
    stepSeconds: number,
  ): Promise<PrometheusMatrixSeries[]> {
    const data = await this.call('query_range', {
      query: promql,
      start: String(start),
      end: String(end),
      step: String(stepSeconds),
    });
    if (data.resultType !== 'matrix')
      throw new PrometheusQueryError(
        `Prometheus of cluster "${this.cluster}" answered a ${data.resultType}, not a matrix`,
      );
    return data.result as PrometheusMatrixSeries[];
  }

  private call(
    api: 'query' | 'query_range',
    params: Record<string, string>,
  ): Promise<{ resultType: string; result: unknown[] }> {
    return this.limit(() => this.send(api, params));
  }

  private async send(
    api: 'query' | 'query_range',
    params: Record<string, string>,
  ): Promise<{ resultType: string; result: unknown[] }> {
    const { endpoint, timeoutMs } = this.options;
    const where = `Prometheus of cluster "${endpoint.cluster}" (${endpoint.url})`;
    this.sent++;
    let res: Response;
    try {
      res = await this.fetchFn(`${endpoint.url}/api/v1/${api}`, {
        method: 'POST',
        headers: {
          ...endpoint.headers,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({
          ...params,
          // Prometheus stops evaluating too, not only this client waiting.
          timeout: `${timeoutMs / 1000}s`,
        }).toString(),
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const e = error as Error & {
        cause?: { code?: string; message?: string };
      };
      if (e.name === 'TimeoutError' || e.name === 'AbortError')
        throw new PrometheusQueryError(
          `${where} did not answer within ${timeoutMs} ms`,
        );
      throw new PrometheusQueryError(
        `${where} could not be reached (${
          e.cause?.code ?? e.cause?.message ?? e.message
        })`,
      );
    }
    const text = await this.readBody(res, where);
    let body: {
      status?: string;
      error?: string;
      errorType?: string;
      data?: { resultType: string; result: unknown[] };
    };
    try {
      body = JSON.parse(text);
    } catch {
      throw new PrometheusQueryError(
        `${where} answered HTTP ${res.status} with a body that is not JSON${
          res.status === 401 || res.status === 403
            ? ' (check wideEp.prometheus headers)'
            : ''
        }`,
      );
    }
    if (body.status !== 'success' || !body.data) {
      throw new PrometheusQueryError(
        `${where} answered HTTP ${res.status}: ${body.errorType ?? 'error'}: ${
          body.error ?? 'no data'
        }`,
      );
    }
    return body.data;
  }

  private async readBody(res: Response, where: string): Promise<string> {
    const max = this.options.maxResponseBytes ?? 64 * 1024 * 1024;
    const length = Number(res.headers.get('content-length') ?? 0);
    if (length > max) {
      await res.body?.cancel();
      throw new PrometheusQueryError(
        `${where} answered ${length} bytes, more than ${max}`,
      );
    }
    try {
      return await res.text();
    } catch (error) {
      throw new PrometheusQueryError(
        `${where} broke off its answer (${(error as Error).message})`,
      );
    }
  }
}
