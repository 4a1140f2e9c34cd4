import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  RunningPrometheus,
  freePort,
  startPrometheus,
} from '@internal/wide-ep-rank-simulator';
import { PrometheusClient, PrometheusQueryError } from './PrometheusClient';

jest.setTimeout(60_000);

const client = (
  url: string,
  headers: Record<string, string> = {},
  timeoutMs = 2000,
) =>
  new PrometheusClient({
    endpoint: { cluster: 'prod', url, headers, configPath: 'x' },
    timeoutMs,
  });

async function server(handler: http.RequestListener) {
  const s = http.createServer(handler);
  await new Promise<void>(r => s.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    close: () => {
      s.closeAllConnections();
      return new Promise(r => s.close(r));
    },
  };
}

async function failure(p: Promise<unknown>): Promise<PrometheusQueryError> {
  try {
    await p;
  } catch (error) {
    expect(error).toBeInstanceOf(PrometheusQueryError);
    return error as PrometheusQueryError;
  }
  throw new Error('expected a failure');
}

describe('PrometheusClient against the real Prometheus', () => {
  let prometheus: RunningPrometheus;
  beforeAll(async () => {
    prometheus = await startPrometheus();
  });
  afterAll(async () => {
    await prometheus?.stop();
  });

  it('instant and range queries, counted', async () => {
    const c = client(prometheus.url);
    // data.result as Prometheus gives it: values as it prints them.
    expect(
      await c.query(
        'label_replace(vector(2.5), "pod", "p-0", "", "")',
        1_700_000_000,
      ),
    ).toEqual([{ metric: { pod: 'p-0' }, value: [1_700_000_000, '2.5'] }]);
    const range = await c.queryRange(
      'vector(1)',
      1_700_000_000,
      1_700_000_020,
      10,
    );
    expect(range).toEqual([
      {
        metric: {},
        values: [
          [1_700_000_000, '1'],
          [1_700_000_010, '1'],
          [1_700_000_020, '1'],
        ],
      },
    ]);
    expect(c.queryCount).toBe(2);
    expect(await prometheus.queryCounts()).toMatchObject({
      query: 1,
      queryRange: 1,
    });
  });

  it('a PromQL error names the cluster and what Prometheus said', async () => {
    const e = await failure(client(prometheus.url).query('sum by (pod'));
    expect(e.message).toMatch(
      new RegExp(
        `^Prometheus of cluster "prod" \\(${prometheus.url.replace(
          /\./g,
          '\\.',
        )}\\) answered HTTP 400: bad_data: `,
      ),
    );
  });
});

describe('PrometheusClient failures', () => {
  it('unreachable', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const e = await failure(client(closed).query('up'));
    expect(e.message).toBe(
      `Prometheus of cluster "prod" (${closed}) could not be reached (ECONNREFUSED)`,
    );
  });

  it('no answer within the deadline', async () => {
    const hung = await server(() => {});
    try {
      const e = await failure(client(hung.url, {}, 200).query('up'));
      expect(e.message).toBe(
        `Prometheus of cluster "prod" (${hung.url}) did not answer within 200 ms`,
      );
    } finally {
      await hung.close();
    }
  });

  it('sends at most maxConcurrentQueries at a time; a queued query gets its whole deadline once sent', async () => {
    let inFlight = 0;
    let most = 0;
    // Each query takes 300 ms; the deadline (500 ms) is shorter than the wait of the last in line.
    const slow = await server((_req, res) => {
      inFlight++;
      most = Math.max(most, inFlight);
      setTimeout(() => {
        inFlight--;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            status: 'success',
            data: { resultType: 'vector', result: [] },
          }),
        );
      }, 300);
    });
    try {
      const limited = new PrometheusClient({
        endpoint: {
          cluster: 'prod',
          url: slow.url,
          headers: {},
          configPath: 'x',
        },
        timeoutMs: 500,
        maxConcurrentQueries: 2,
      });
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => limited.query('up')),
      );
      expect(answers).toEqual([[], [], [], [], [], []]);
      expect(most).toBe(2);
      expect(limited.queryCount).toBe(6);
    } finally {
      await slow.close();
    }
  });

  it('sends the configured headers; an auth proxy refusing them is named, the header never', async () => {
    const seen: (string | undefined)[] = [];
    const proxy = await server((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(401, { 'content-type': 'text/html' });
      res.end('<html>Unauthorized</html>');
    });
    try {
      const e = await failure(
        client(proxy.url, { Authorization: 'Bearer top-secret' }).query('up'),
      );
      expect(seen).toEqual(['Bearer top-secret']);
      expect(e.message).toBe(
        `Prometheus of cluster "prod" (${proxy.url}) answered HTTP 401 with a body that is not JSON (check wideEp.prometheus headers)`,
      );
      expect(e.message).not.toContain('top-secret');
    } finally {
      await proxy.close();
    }
  });
});
