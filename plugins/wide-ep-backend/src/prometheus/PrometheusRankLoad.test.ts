import { parseSpec, renderDeployment } from '@internal/plugin-wide-ep-common';
import {
  readyStatus,
  renderedWorkloads,
  withStatus,
} from '@internal/plugin-wide-ep-common/testUtils';
import type { DeploymentLocator } from '@internal/plugin-wide-ep-node';
import type { PrometheusClient, PrometheusSample } from './PrometheusClient';
import { PrometheusQueryError } from './PrometheusClient';
import { PrometheusRankLoad, toDeploymentLoad } from './PrometheusRankLoad';
import { METRIC_LABEL } from './rankLoadQueries';

/** Pods of a rendered LWS H200 deployment, Ready with IPs 10.1.0.2, .3, ... */
function pods(rankPorts: boolean) {
  const parsed = parseSpec({
    name: 'wide-ep',
    namespace: 'llm-d-wide-ep',
    model: 'deepseek-ai/DeepSeek-R1-0528',
    hardware: 'h200',
    clusterProvider: 'coreweave',
    orchestrator: 'lws',
    gateway: 'istio',
    prefill: { replicas: 1, dataParallelSize: 8 },
    decode: { replicas: 1, dataParallelSize: 16 },
    rankPorts,
  });
  if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
  return renderedWorkloads(renderDeployment(parsed.spec).objects).pods.map(
    (p, i) => withStatus(p, readyStatus({ podIP: `10.1.0.${i + 2}` })),
  );
}

const LOCATOR: DeploymentLocator = {
  cluster: 'prod',
  namespace: 'llm-d-wide-ep',
  deployment: 'wide-ep',
  orchestrator: 'lws',
  computeDomains: false,
};

const sample = (
  metric: string,
  labels: Record<string, string>,
  value: number,
): PrometheusSample => ({
  metric: { [METRIC_LABEL]: metric, ...labels },
  value,
});

/** A client whose answers the test releases; counts queries. */
function gatedClient() {
  const queries: string[] = [];
  const pending: {
    resolve: (s: PrometheusSample[]) => void;
    reject: (e: Error) => void;
  }[] = [];
  const client = {
    cluster: 'prod',
    get queryCount() {
      return queries.length;
    },
    query: (q: string) => {
      queries.push(q);
      return new Promise<PrometheusSample[]>((resolve, reject) =>
        pending.push({ resolve, reject }),
      );
    },
  } as unknown as PrometheusClient;
  return { client, queries, pending };
}

const flush = () => new Promise(r => setImmediate(r));

describe('PrometheusRankLoad', () => {
  it('one query per deployment per freshness window, however many viewers ask', async () => {
    let now = 0;
    const { client, queries, pending } = gatedClient();
    const load = new PrometheusRankLoad({
      clients: new Map([['prod', client]]),
      freshnessMs: 4_000,
      rateWindowSeconds: 60,
      now: () => now,
    });
    const podList = pods(true);
    const viewers = Array.from({ length: 50 }, () =>
      load.load(LOCATOR, podList),
    );
    expect(queries).toHaveLength(1);
    now = 30;
    pending[0].resolve([]);
    await Promise.all(viewers);

    // Inside the window: served from the query already made.
    now = 2_000;
    await Promise.all(
      Array.from({ length: 50 }, () => load.load(LOCATOR, podList)),
    );
    expect(queries).toHaveLength(1);

    // Just before the window ends the next query starts, still served the old answer.
    now = 3_950;
    await load.load(LOCATOR, podList);
    expect(queries).toHaveLength(2);
    await load.load(LOCATOR, podList);
    expect(queries).toHaveLength(2);
    pending[1].resolve([]);
    await flush();
    now = 4_100;
    await Promise.all(
      Array.from({ length: 50 }, () => load.load(LOCATOR, podList)),
    );
    expect(queries).toHaveLength(2);

    // The query selects the deployment's series only.
    expect(queries[0]).toContain(
      'vllm:num_requests_running{namespace="llm-d-wide-ep",llm_d_deployment="wide-ep"}',
    );
    expect(load.queryCount).toBe(2);
  });

  it('a failure is kept for the window too: a broken Prometheus is asked once, not once per viewer', async () => {
    let now = 0;
    const { client, queries, pending } = gatedClient();
    const warnings: string[] = [];
    const load = new PrometheusRankLoad({
      clients: new Map([['prod', client]]),
      freshnessMs: 4_000,
      rateWindowSeconds: 60,
      now: () => now,
      logger: { warn: (m: string) => warnings.push(m), info: () => {} } as any,
    });
    const viewers = Array.from({ length: 20 }, () =>
      load.load(LOCATOR, []).then(
        () => 'ok',
        (e: Error) => e.message,
      ),
    );
    pending[0].reject(new PrometheusQueryError('it broke'));
    expect(new Set(await Promise.all(viewers))).toEqual(new Set(['it broke']));
    now = 1_000;
    await expect(load.load(LOCATOR, [])).rejects.toThrow('it broke');
    expect(queries).toHaveLength(1);
    expect(warnings).toEqual([
      'rank load of prod/llm-d-wide-ep/wide-ep from Prometheus failed, falling back to /metrics probes: it broke',
    ]);
  });
});

describe('toDeploymentLoad: series to ranks, as the probes map /metrics', () => {
  it('supervisor mode: pod and port name select the rank port', () => {
    const podList = pods(true);
    const decodeWorker = podList.find(
      p => p.metadata!.name === 'wide-ep-decode-0-1',
    )!;
    const ip = decodeWorker.status!.podIP;
    const load = toDeploymentLoad(
      [
        sample(
          'running',
          { pod: 'wide-ep-decode-0-1', port_name: 'vllm-rank3', engine: '11' },
          7,
        ),
        sample(
          'ttftP95Seconds',
          { pod: 'wide-ep-decode-0-1', port_name: 'vllm-rank3', engine: '11' },
          0.42,
        ),
        // A quantile of no observations.
        sample(
          'itlP95Seconds',
          { pod: 'wide-ep-decode-0-1', port_name: 'vllm-rank3', engine: '11' },
          NaN,
        ),
        // A pod that is gone, and a port that is not a rank's.
        sample('running', { pod: 'old-pod', port_name: 'vllm-rank0' }, 1),
        sample(
          'running',
          { pod: 'wide-ep-decode-0-1', port_name: 'supervisor' },
          1,
        ),
      ],
      podList,
      0,
    );
    expect(load.series).toBe(5);
    expect([...load.engines]).toEqual([
      [`${ip}:8203`, { '11': { running: 7, ttftP95Seconds: 0.42 } }],
    ]);
  });

  it('hybrid mode: the engine label picks the rank on the one API port', () => {
    const podList = pods(false);
    const leader = podList.find(p => p.metadata!.name === 'wide-ep-decode-0')!;
    const load = toDeploymentLoad(
      [
        sample(
          'kvCacheUsage',
          { pod: 'wide-ep-decode-0', port_name: 'vllm', engine: '2' },
          0.5,
        ),
        sample(
          'kvCacheUsage',
          { pod: 'wide-ep-decode-0', port_name: 'vllm', engine: '12' },
          0.9,
        ),
      ],
      podList,
      0,
    );
    // Rank 12 is on the worker pod, not this one: left out.
    expect([...load.engines]).toEqual([
      [`${leader.status!.podIP}:8200`, { '2': { kvCacheUsage: 0.5 } }],
    ]);
  });
});
