/**
 * Prometheus as the rank load source, end to end on a control-plane
 * cluster of this file's own (test/cluster/control-plane):
 *
 * REAL: kube-apiserver, kube-scheduler, kube-controller-manager and the
 * LeaderWorkerSet controller (the pods, their names, nodes and IPs), and
 * Prometheus (Debian's binary, started by startPrometheus) scraping the
 * ranks every second; the wide-EP backend plugin in startTestBackend with
 * wideEp.prometheus pointing at it.
 *
 * SIMULATED: the nodes (kwok), the vLLM ranks (simulatePodRanks, with
 * token counters and TTFT/ITL histograms that grow with the load this file
 * sets), and the PodMonitor: no Prometheus Operator runs here, so the
 * scrape targets and their labels (podScrapeTargets) are written as
 * file_sd targets.
 */
import fs from 'node:fs';
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import {
  RankHealthResponse,
  RankHistoryResponse,
  parseSpec,
  renderDeployment,
} from '@internal/plugin-wide-ep-common';
import wideEpBackend from '@internal/plugin-wide-ep-backend';
import {
  KubeClient,
  applyManifests,
  assertApplySucceeded,
  createKubeClient,
  loadClientNode,
} from '@internal/plugin-wide-ep-node';
import {
  ApiServerProxy,
  CONTROL_PLANE_START_TIMEOUT_MS,
  OwnControlPlane,
  PodRankSimulators,
  RunningPrometheus,
  podScrapeTargets,
  simulatePodRanks,
  startApiServerProxy,
  startOwnControlPlane,
  startPrometheus,
  kubernetesClusterConfig,
} from '@internal/wide-ep-rank-simulator';
import { installPrerequisites } from './prerequisites';
import { waitUntil } from './waitUntil';

jest.setTimeout(120_000);

const FRESHNESS_MS = 2_000;
const PROBE_TIMEOUT_MS = 500;
const ENTITY_REF = 'component:default/wide-ep';
const NAMESPACE = 'prometheus-load';
const WORKER = 'wide-ep-decode-0-1';

let own: OwnControlPlane | undefined;
let kubeConfig: KubeConfig;
let client: KubeClient;
let ranks: PodRankSimulators;
let prometheus: RunningPrometheus;
let proxy: ApiServerProxy;
let server: Parameters<typeof request>[0];
let stopBackend: () => Promise<void>;

const ranksUrl = `/api/wide-ep/ranks?entityRef=${encodeURIComponent(
  ENTITY_REF,
)}`;
const historyUrl = (metric: string, window = '15m') =>
  `/api/wide-ep/ranks/history?entityRef=${encodeURIComponent(
    ENTITY_REF,
  )}&metric=${metric}&window=${window}`;

async function getJson<T>(url: string): Promise<T> {
  const res = await request(server).get(url);
  if (res.status !== 200)
    throw new Error(`HTTP ${res.status}: ${JSON.stringify(res.body.error)}`);
  return res.body;
}

async function waitFor<T>(
  url: string,
  predicate: (body: T) => boolean,
  timeoutMs = 20_000,
): Promise<{ body: T; elapsedMs: number }> {
  const start = Date.now();
  for (;;) {
    const body = await getJson<T>(url);
    if (predicate(body)) return { body, elapsedMs: Date.now() - start };
    if (Date.now() - start > timeoutMs)
      throw new Error(
        `condition not met in ${timeoutMs} ms; last: ${JSON.stringify(
          body,
        ).slice(0, 3000)}`,
      );
    await new Promise(r => setTimeout(r, 100));
  }
}

const decodeRank = (r: RankHealthResponse, g: number) =>
  r.ranks.find(k => k.role === 'decode' && k.globalRank === g)!;

/** Viewers polling /ranks for `seconds`; answers Prometheus queries and rank /health and /metrics requests in that time. */
async function costOf(viewers: number, seconds: number) {
  const sims = ranks.list().map(p => ranks.get(p.namespace, p.pod)!);
  const count = (path: string) =>
    sims.reduce((n, s) => n + s.requests(path), 0);
  const before = {
    queries: (await prometheus.queryCounts()).query,
    health: count('/health'),
    metrics: count('/metrics'),
  };
  const endAt = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: viewers }, async () => {
      while (Date.now() < endAt) {
        expect((await request(server).get(ranksUrl)).status).toBe(200);
        await new Promise(r => setTimeout(r, 200));
      }
    }),
  );
  return {
    queries: (await prometheus.queryCounts()).query - before.queries,
    health: count('/health') - before.health,
    metrics: count('/metrics') - before.metrics,
  };
}

beforeAll(async () => {
  // Before the cluster: a missing binary fails fast, naming the package.
  prometheus = await startPrometheus({ scrapeIntervalSeconds: 1 });
  own = await startOwnControlPlane({
    CP_RACKS: 'rack-a',
    CP_NODES_PER_RACK: '0',
    CP_H200_NODES: '4',
    CP_POD_STAGES: 'fast',
  });
  const { KubeConfig: KubeConfigClass } = await loadClientNode();
  kubeConfig = new KubeConfigClass();
  kubeConfig.loadFromFile(own.kubeconfigPath);
  client = await createKubeClient({ clusterName: 'it', kubeConfig });
  await installPrerequisites(client, NAMESPACE);

  // LWS on H200 with rank ports: prefill 1 pod (ranks 0-7), decode 2 pods (ranks 0-15).
  const parsed = parseSpec({
    name: 'wide-ep',
    namespace: NAMESPACE,
    model: 'deepseek-ai/DeepSeek-R1-0528',
    hardware: 'h200',
    clusterProvider: 'coreweave',
    orchestrator: 'lws',
    gateway: 'istio',
    prefill: { replicas: 1, dataParallelSize: 8 },
    decode: { replicas: 1, dataParallelSize: 16 },
    rankPorts: true,
    cluster: 'it',
  });
  if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
  const rendered = renderDeployment(parsed.spec);
  ranks = await simulatePodRanks({
    kubeConfig,
    namespaces: [NAMESPACE],
    load: (_pod, rank) => ({
      running: rank,
      waiting: 1,
      kvCacheUsage: 0.25,
      promptTokensPerSecond: 1000,
      generationTokensPerSecond: 50 + rank,
      ttftSeconds: 0.3,
      itlSeconds: 0.04,
    }),
  });
  assertApplySucceeded(
    await applyManifests({ client, objects: rendered.objects, dryRun: false }),
  );
  const pods = await waitUntil(
    'the 3 pods Ready with kwok IPs',
    async () => {
      const current = await client.list<V1Pod>({
        apiVersion: 'v1',
        kind: 'Pod',
        namespace: NAMESPACE,
        labelSelector: 'leaderworkerset.sigs.k8s.io/name',
      });
      return current.length === 3 &&
        current.every(p =>
          p.status?.conditions?.some(
            c => c.type === 'Ready' && c.status === 'True',
          ),
        )
        ? current
        : undefined;
    },
    60_000,
  );
  await ranks.sync();
  // SIMULATED PodMonitor: the pods' rank ports with its target labels.
  prometheus.setTargets(podScrapeTargets(pods));
  await prometheus.waitForHealthyTargets(24, 30_000);

  const cluster = kubeConfig.getCurrentCluster()!;
  const ca = cluster.caData
    ? Buffer.from(cluster.caData, 'base64')
    : fs.readFileSync(cluster.caFile!);
  proxy = await startApiServerProxy({ target: cluster.server, ca });
  const backend = await startTestBackend({
    features: [
      wideEpBackend,
      mockServices.rootConfig.factory({
        data: {
          kubernetes: kubernetesClusterConfig({
            name: 'it',
            url: proxy.url,
            token: kubeConfig.getCurrentUser()!.token,
          }),
          wideEp: {
            rankHealth: {
              freshnessMs: FRESHNESS_MS,
              probeTimeoutMs: PROBE_TIMEOUT_MS,
            },
            // The shortest window the config takes (two scrapes of the
            // PodMonitor's 10 s); this Prometheus scrapes every second.
            prometheus: {
              rateWindowSeconds: 20,
              scrapeIntervalSeconds: 1,
              clusters: [{ cluster: 'it', url: prometheus.url }],
            },
          },
        },
      }),
      catalogServiceMock.factory({ entities: [rendered.entity as Entity] }),
    ],
  });
  server = backend.server;
  stopBackend = () => backend.stop();
}, CONTROL_PLANE_START_TIMEOUT_MS);

afterAll(async () => {
  await stopBackend?.();
  await ranks?.close();
  await proxy?.close();
  await prometheus?.stop();
  await own?.stop();
}, 180_000);

describe('Prometheus as the rank load source, on a real control plane', () => {
  it("every rank's load comes from Prometheus: gauges, token rates and p95 latencies", async () => {
    const { body } = await waitFor<RankHealthResponse>(
      ranksUrl,
      r =>
        r.loadSource === 'prometheus' &&
        r.ranks.length === 24 &&
        r.ranks.every(
          k =>
            k.state === 'healthy' &&
            k.metrics.generationTokensPerSecond !== undefined &&
            k.metrics.ttftP95Seconds !== undefined,
        ) &&
        // rate() underestimates until the series fills its window (20 s),
        // each counter by its own scrape timing: wait for both.
        decodeRank(r, 12).metrics.generationTokensPerSecond! > 55 &&
        decodeRank(r, 12).metrics.promptTokensPerSecond! > 900,
      45_000,
    );
    expect(body.conditions.map(c => c.type)).not.toContain(
      'LoadFromPrometheus',
    );
    const rank12 = decodeRank(body, 12);
    expect(rank12).toMatchObject({
      pod: WORKER,
      port: 8204,
      state: 'healthy',
      metrics: { running: 12, waiting: 1, kvCacheUsage: 0.25 },
    });
    // rate() over the scraped counters gives back the simulated rates.
    expect(rank12.metrics.generationTokensPerSecond).toBeGreaterThan(55);
    expect(rank12.metrics.generationTokensPerSecond).toBeLessThan(70);
    expect(rank12.metrics.promptTokensPerSecond).toBeGreaterThan(900);
    expect(rank12.metrics.promptTokensPerSecond).toBeLessThan(1100);
    // Every TTFT is 0.3 s and every ITL 0.04 s: p95 interpolates in the buckets holding them.
    expect(rank12.metrics.ttftP95Seconds).toBeGreaterThan(0.25);
    expect(rank12.metrics.ttftP95Seconds).toBeLessThanOrEqual(0.5);
    expect(rank12.metrics.itlP95Seconds).toBeGreaterThan(0.025);
    expect(rank12.metrics.itlP95Seconds).toBeLessThanOrEqual(0.05);
  });

  it('Prometheus queries and /health probes do not grow with viewers; no /metrics probes at all', async () => {
    await getJson(ranksUrl);
    const one = await costOf(1, 8);
    const twenty = await costOf(20, 8);
    console.log(
      `8 s with 1 viewer: ${JSON.stringify(
        one,
      )}; with 20 viewers: ${JSON.stringify(twenty)}`,
    );
    // One query per freshness window (2 s): 4 in 8 s, give or take the edges.
    expect(one.queries).toBeGreaterThanOrEqual(3);
    expect(one.queries).toBeLessThanOrEqual(5);
    expect(Math.abs(twenty.queries - one.queries)).toBeLessThanOrEqual(1);
    // At most one /health probe per rank per window (24 ranks, 4 windows, plus an edge).
    expect(twenty.health).toBeLessThanOrEqual(24 * 5);
    expect(Math.abs(twenty.health - one.health)).toBeLessThanOrEqual(24);
    // /metrics is only what Prometheus scrapes, once a second per rank.
    expect(twenty.metrics).toBeLessThanOrEqual(24 * 10);
    expect(Math.abs(twenty.metrics - one.metrics)).toBeLessThanOrEqual(24 * 2);
  });

  it('history from Prometheus: aligned columns, every rank, groups summed', async () => {
    const { body } = await waitFor<RankHistoryResponse>(
      historyUrl('running'),
      h =>
        h.ranks.length === 24 &&
        h.ranks.every(
          r => r.values.at(-1) !== null && r.values.at(-1) !== undefined,
        ),
    );
    expect(body).toMatchObject({
      entityRef: ENTITY_REF,
      source: 'prometheus',
      metric: 'running',
      window: '15m',
      stepSeconds: 10,
      conditions: [],
    });
    expect(body.timestamps).toHaveLength(91);
    expect(body.timestamps[1] - body.timestamps[0]).toBe(10);
    const rank12 = body.ranks.find(r => r.role === 'decode' && r.rank === 12)!;
    expect(rank12.group).toBe(0);
    expect(rank12.values.at(-1)).toBe(12);
    expect(rank12.values).toHaveLength(91);
    // decode group 0: running 0..15 summed.
    const decode = body.groups.find(g => g.role === 'decode' && g.group === 0)!;
    expect(decode.values.at(-1)).toBe(120);
    const res = await request(server).get(historyUrl('running', '60m'));
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.stepSeconds).toBe(40);
  });

  it('a rank killed in the simulator is unhealthy on /ranks within the freshness window, and its history shows the drop', async () => {
    const sim = ranks.get(NAMESPACE, WORKER)!;
    await sim.rank(9).kill();
    const { body, elapsedMs } = await waitFor<RankHealthResponse>(
      ranksUrl,
      r => decodeRank(r, 9).state === 'unhealthy',
    );
    expect(elapsedMs).toBeLessThanOrEqual(
      FRESHNESS_MS + PROBE_TIMEOUT_MS + 1_000,
    );
    expect(decodeRank(body, 9).reason).toMatch(
      /^connection refused on 127\.\d+\.\d+\.\d+:8201: the vLLM API server is not listening$/,
    );
    expect(decodeRank(body, 8).state).toBe('healthy');

    // Prometheus' failed scrape marks the rank's series stale: the last
    // column of its history is empty while its neighbour's is not.
    const history = await waitFor<RankHistoryResponse>(
      historyUrl('running'),
      h =>
        h.ranks
          .find(r => r.role === 'decode' && r.rank === 9)!
          .values.at(-1) === null,
      15_000,
    );
    const values = (g: number) =>
      history.body.ranks.find(r => r.role === 'decode' && r.rank === g)!.values;
    expect(values(9).filter(v => v !== null).length).toBeGreaterThan(0);
    expect(values(8).at(-1)).toBe(8);
    console.log(
      `rank 9 killed: unhealthy on /ranks after ${elapsedMs} ms, gone from its history after ${
        elapsedMs + history.elapsedMs
      } ms`,
    );
    await sim.rank(9).heal();
  });

  it('Prometheus gone: its last answer is shown for three windows, then load falls back to /metrics probes; a condition says so, never a 500', async () => {
    await prometheus.stop();
    // First the last answer, with its age and the error.
    const { body: serving } = await waitFor<RankHealthResponse>(ranksUrl, r =>
      r.conditions.some(c => c.reason === 'ServingLastAnswer'),
    );
    expect(serving.loadSource).toBe('prometheus');
    expect(serving.conditions).toContainEqual(
      expect.objectContaining({
        type: 'LoadFromPrometheus',
        status: 'Unknown',
        message: expect.stringMatching(
          /could not be reached \(ECONNREFUSED\); showing the load Prometheus answered \d+ s ago$/,
        ),
      }),
    );
    const { body } = await waitFor<RankHealthResponse>(
      ranksUrl,
      r => r.loadSource === 'probes',
    );
    expect(body.conditions).toContainEqual(
      expect.objectContaining({
        type: 'LoadFromPrometheus',
        status: 'False',
        reason: 'QueryFailed',
        message: expect.stringMatching(
          /^Prometheus of cluster "it" \(http:\/\/127\.0\.0\.1:\d+\) could not be reached \(ECONNREFUSED\); rank load read from the ranks' \/metrics instead$/,
        ),
        source: 'Prometheus/it',
      }),
    );
    expect(decodeRank(body, 12).metrics).toMatchObject({ running: 12 });
    // The last range query's answer is served out its freshness window first.
    const { body: history } = await waitFor<RankHistoryResponse>(
      historyUrl('running'),
      h => h.source === 'probes',
    );
    expect(history.conditions[0]).toMatchObject({
      type: 'PrometheusQueryFailed',
      message: expect.stringMatching(
        /could not be reached \(ECONNREFUSED\); showing the samples of this backend's own probes instead$/,
      ),
    });
    // Since the fallback the probes' samples are kept (the /ranks answers above).
    const rank12 = history.ranks.find(
      r => r.role === 'decode' && r.rank === 12,
    )!;
    expect(rank12.values.filter(v => v !== null).at(-1)).toBe(12);
  });
});
