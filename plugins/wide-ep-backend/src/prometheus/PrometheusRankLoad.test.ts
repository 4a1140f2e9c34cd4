import {
  PrometheusVectorSample,
  RANK_METRIC_LABEL,
  parseSpec,
  renderDeployment,
} from '@internal/plugin-wide-ep-common';
import {
  readyStatus,
  renderedWorkloads,
  withStatus,
} from '@internal/plugin-wide-ep-common/testUtils';
import type { DeploymentLocator } from '@internal/plugin-wide-ep-node';
import type { PrometheusClient } from './PrometheusClient';
import { PrometheusQueryError } from './PrometheusClient';
import { PrometheusRankLoad } from './PrometheusRankLoad';

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
  value: string,
): PrometheusVectorSample => ({
  metric: { [RANK_METRIC_LABEL]: metric, ...labels },
  value: [1_700_000_000, value],
});

/** A client whose answers the test releases; counts queries. */
function gatedClient() {
  const queries: string[] = [];
  const pending: {
    resolve: (s: PrometheusVectorSample[]) => void;
    reject: (e: Error) => void;
  }[] = [];
  const client = {
    cluster: 'prod',
    get queryCount() {
      return queries.length;
    },
    query: (q: string) => {
      queries.push(q);
      return new Promise<PrometheusVectorSample[]>((resolve, reject) =>
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
      rateWindowSeconds: 40,
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

    // The first viewer after the window starts the next query and, like
    // every viewer until it answers, gets the last answer at once.
    now = 4_000;
    await Promise.all(
      Array.from({ length: 50 }, () => load.load(LOCATOR, podList)),
    );
    expect(queries).toHaveLength(2);
    now = 4_040;
    pending[1].resolve([]);
    await flush();
    now = 7_000;
    await Promise.all(
      Array.from({ length: 50 }, () => load.load(LOCATOR, podList)),
    );
    expect(queries).toHaveLength(2);

    // However long a refresh takes, viewers get the last answer meanwhile.
    now = 9_000;
    await load.load(LOCATOR, podList);
    expect(queries).toHaveLength(3);
    now = 18_000;
    await load.load(LOCATOR, podList);
    expect(queries).toHaveLength(3);
    pending[2].resolve([]);
    await flush();

    // The query selects the deployment's series only.
    expect(queries[0]).toContain(
      'vllm:num_requests_running{namespace="llm-d-wide-ep",llm_d_deployment="wide-ep"}',
    );
    expect(load.queryCount).toBe(3);
  });

  it('a failure is kept for the window too: a broken Prometheus is asked once, not once per viewer', async () => {
    let now = 0;
    const { client, queries, pending } = gatedClient();
    const warnings: string[] = [];
    const load = new PrometheusRankLoad({
      clients: new Map([['prod', client]]),
      freshnessMs: 4_000,
      rateWindowSeconds: 40,
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
      "rank load of prod/llm-d-wide-ep/wide-ep from Prometheus failed (its last answer is served for up to 3 freshness windows, then the ranks' /metrics are probed): it broke",
    ]);
  });

  it('a failed refresh serves the last good answer, with the error, for three windows; then rejects', async () => {
    let now = 0;
    const { client, queries, pending } = gatedClient();
    const load = new PrometheusRankLoad({
      clients: new Map([['prod', client]]),
      freshnessMs: 4_000,
      rateWindowSeconds: 40,
      now: () => now,
    });
    const podList = pods(true);
    const worker = { pod: 'wide-ep-decode-0-1', port_name: 'vllm-rank3' };
    const first = load.load(LOCATOR, podList);
    pending[0].resolve([sample('running', { ...worker, engine: '11' }, '7')]);
    expect((await first).failure).toBeUndefined();

    // The refresh fails: the last answer, said to be old, not a rejection.
    now = 4_000;
    await load.load(LOCATOR, podList);
    pending[1].reject(new PrometheusQueryError('timed out after 10000 ms'));
    await flush();
    now = 5_000;
    const served = await load.load(LOCATOR, podList);
    expect(served).toMatchObject({
      queriedAt: 0,
      failure: 'timed out after 10000 ms',
      samples: [
        { role: 'decode', group: 0, rank: 11, metric: 'running', value: 7 },
      ],
    });
    expect(queries).toHaveLength(2);

    // The next refresh fails too: still the good answer, with the new error.
    now = 8_000;
    await load.load(LOCATOR, podList);
    pending[2].reject(new PrometheusQueryError('timed out again'));
    await flush();
    now = 9_000;
    await expect(load.load(LOCATOR, podList)).resolves.toMatchObject({
      queriedAt: 0,
      failure: 'timed out again',
    });

    // Three windows after the good answer, the failure is the answer.
    now = 12_000;
    await expect(load.load(LOCATOR, podList)).rejects.toThrow(
      'timed out again',
    );
    expect(queries).toHaveLength(4);

    // A good answer again clears the failure.
    pending[3].resolve([]);
    await flush();
    now = 13_000;
    await expect(load.load(LOCATOR, podList)).resolves.not.toHaveProperty(
      'failure',
    );
  });
});

describe("PrometheusRankLoad answers per rank, through -common's mapping", () => {
  it("maps the combined query's series to the ranks of the pods it was sent for", async () => {
    const { client, pending } = gatedClient();
    const load = new PrometheusRankLoad({
      clients: new Map([['prod', client]]),
      freshnessMs: 4_000,
      rateWindowSeconds: 40,
    });
    const answer = load.load(LOCATOR, pods(true));
    const worker = { pod: 'wide-ep-decode-0-1', port_name: 'vllm-rank3' };
    pending[0].resolve([
      sample('running', { ...worker, engine: '11' }, '7'),
      sample('ttftP95Seconds', { ...worker, engine: '11' }, '0.42'),
      // A quantile of no observations.
      sample('itlP95Seconds', { ...worker, engine: '11' }, 'NaN'),
      // A pod that is gone.
      sample('running', { pod: 'old-pod', port_name: 'vllm-rank0' }, '1'),
    ]);
    const { samples, series } = await answer;
    expect(series).toBe(4);
    expect(samples).toEqual([
      { role: 'decode', group: 0, rank: 11, metric: 'running', value: 7 },
      {
        role: 'decode',
        group: 0,
        rank: 11,
        metric: 'ttftP95Seconds',
        value: 0.42,
      },
      {
        role: 'decode',
        group: 0,
        rank: 11,
        metric: 'itlP95Seconds',
        value: null,
      },
    ]);
  });

  it('maps each answer once, with the pods of its query; the next window maps with the pods of then', async () => {
    let now = 0;
    const { client, pending } = gatedClient();
    const load = new PrometheusRankLoad({
      clients: new Map([['prod', client]]),
      freshnessMs: 4_000,
      rateWindowSeconds: 40,
      now: () => now,
    });
    const worker = { pod: 'wide-ep-decode-0-1', port_name: 'vllm-rank3' };
    const before = pods(true);
    const first = load.load(LOCATOR, before);
    pending[0].resolve([sample('running', { ...worker, engine: '11' }, '7')]);
    expect((await first).samples).toHaveLength(1);
    // The worker pod is gone (deleted, not yet recreated): within the
    // window the answer stays the one its query gave, the mapping is not
    // redone for every change of the pods (it is not kept to be redone).
    const after = before.filter(p => p.metadata?.name !== worker.pod);
    expect((await load.load(LOCATOR, after)).samples).toHaveLength(1);
    // The next window's query is mapped with the pods of then.
    now = 4_000;
    await load.load(LOCATOR, after);
    pending[1].resolve([sample('running', { ...worker, engine: '11' }, '8')]);
    await flush();
    expect((await load.load(LOCATOR, after)).samples).toEqual([]);
  });
});
