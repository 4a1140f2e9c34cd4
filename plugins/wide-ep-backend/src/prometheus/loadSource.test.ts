import type { Entity } from '@backstage/catalog-model';
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  EndpointProbe,
  RankSample,
  ProbeTarget,
  parseSpec,
  renderDeployment,
} from '@internal/plugin-wide-ep-common';
import {
  readyStatus,
  renderedWorkloads,
  withStatus,
} from '@internal/plugin-wide-ep-common/testUtils';
import { InformerFactory, KubeWatchCache } from '@internal/plugin-wide-ep-node';
import { RankHealthService } from '../service/RankHealthService';
import { PrometheusQueryError } from './PrometheusClient';

const silentLogger = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child: () => silentLogger,
} as any;

function deployment() {
  const parsed = parseSpec({
    name: 'wide-ep',
    namespace: 'llm-d-wide-ep',
    model: 'deepseek-ai/DeepSeek-R1-0528',
    hardware: 'h200',
    clusterProvider: 'coreweave',
    orchestrator: 'lws',
    gateway: 'istio',
    prefill: { replicas: 1, dataParallelSize: 8 },
    decode: { replicas: 1, dataParallelSize: 8 },
    rankPorts: true,
  });
  if (!parsed.success) throw new Error('bad spec');
  const out = renderDeployment(parsed.spec);
  const w = renderedWorkloads(out.objects);
  return {
    entity: out.entity as Entity,
    lws: w.lws,
    pods: w.pods.map((p, i) =>
      withStatus(p, readyStatus({ podIP: `10.1.0.${i + 2}` }), `node-${i}`),
    ),
  };
}

/** A prober recording what it probed; every endpoint healthy, /metrics as `engines` gives. */
function recordingProber(
  engines?: (t: ProbeTarget) => EndpointProbe['engines'],
) {
  const probed: string[] = [];
  return {
    probed,
    probe: async (targets: ProbeTarget[]) => {
      probed.push(...targets.map(t => t.key));
      return new Map<string, EndpointProbe>(
        targets.map(t => [
          t.key,
          {
            probedAt: '2026-07-01T10:00:00.000Z',
            health: { kind: 'ok' },
            ...(engines ? { engines: engines(t) } : {}),
          },
        ]),
      );
    },
  };
}

function service(
  load: () => Promise<{
    samples: RankSample[];
    failure?: string;
    queriedAt?: number;
  }>,
) {
  // Answers the tests leave undated were queried just now.
  const dated = async () => ({
    queriedAt: Date.parse('2026-07-01T10:00:05Z'),
    ...(await load()),
  });
  const d = deployment();
  const factory: InformerFactory = async (key, hooks) => ({
    start: async () => hooks.onList(),
    stop: async () => {},
    list: () =>
      (({ Pod: d.pods, LeaderWorkerSet: d.lws }[key.kind.kind] ?? []) as any),
    on: () => {},
  });
  const watchCache = KubeWatchCache.create({
    informerFactory: factory,
    logger: silentLogger,
  });
  const full = recordingProber(t => ({
    [String(t.ranks[0])]: { running: 100 + t.ranks[0] },
  }));
  const healthOnly = recordingProber();
  const probedLoads: string[] = [];
  const s = RankHealthService.create({
    catalog: { getEntityByRef: async () => d.entity },
    permissions: {
      authorize: async () => [{ result: AuthorizeResult.ALLOW }],
    } as any,
    clusters: { names: () => ['prod'], get: name => ({ name }) },
    watchCache,
    prober: full,
    healthProber: healthOnly,
    prometheus: { has: cluster => cluster === 'prod', load: dated },
    onProbedLoad: key => probedLoads.push(key),
    now: () => Date.parse('2026-07-01T10:00:05Z'),
  });
  const get = () =>
    s.getRankHealth({
      entityRef: 'component:default/wide-ep',
      credentials: mockCredentials.user(),
    });
  return { get, full, healthOnly, probedLoads, watchCache, pods: d.pods };
}

describe('rank load from Prometheus (RankHealthService)', () => {
  it('load from Prometheus, health from /health-only probes; no /metrics probe at all', async () => {
    const rank3 = { role: 'decode', group: 0, rank: 3 } as const;
    const t = service(async () => ({
      samples: [
        { ...rank3, metric: 'running', value: 4 },
        { ...rank3, metric: 'waiting', value: 1 },
        { ...rank3, metric: 'kvCacheUsage', value: 0.5 },
        { ...rank3, metric: 'promptTokensPerSecond', value: 1200 },
        { ...rank3, metric: 'generationTokensPerSecond', value: 80 },
        { ...rank3, metric: 'ttftP95Seconds', value: 0.4 },
        { ...rank3, metric: 'itlP95Seconds', value: 0.03 },
        // NaN from Prometheus: no number, left out.
        {
          role: 'decode',
          group: 0,
          rank: 5,
          metric: 'ttftP95Seconds',
          value: null,
        },
      ],
    }));
    const body = await t.get();
    expect(body.loadSource).toBe('prometheus');
    expect(t.full.probed).toEqual([]);
    expect(t.healthOnly.probed).toHaveLength(16);
    const decode3 = body.ranks.find(
      r => r.role === 'decode' && r.globalRank === 3,
    )!;
    expect(decode3).toMatchObject({
      state: 'healthy',
      metrics: {
        running: 4,
        waiting: 1,
        kvCacheUsage: 0.5,
        promptTokensPerSecond: 1200,
        generationTokensPerSecond: 80,
        ttftP95Seconds: 0.4,
        itlP95Seconds: 0.03,
      },
    });
    // A rank Prometheus has no number for has no load, but its health.
    for (const g of [4, 5])
      expect(
        body.ranks.find(r => r.role === 'decode' && r.globalRank === g),
      ).toMatchObject({ state: 'healthy', metrics: {} });
    expect(body.conditions.map(c => c.type)).not.toContain(
      'LoadFromPrometheus',
    );
    expect(t.probedLoads).toEqual([]);
    await t.watchCache.stop();
  });

  it('a failed query is a condition and the load comes from /metrics probes; never an error', async () => {
    const t = service(async () => {
      throw new PrometheusQueryError(
        'Prometheus of cluster "prod" (http://p:9090) could not be reached (ECONNREFUSED)',
      );
    });
    const body = await t.get();
    expect(body.loadSource).toBe('probes');
    expect(body.conditions).toContainEqual({
      type: 'LoadFromPrometheus',
      status: 'False',
      reason: 'QueryFailed',
      message:
        'Prometheus of cluster "prod" (http://p:9090) could not be reached (ECONNREFUSED); rank load read from the ranks\' /metrics instead',
      source: 'Prometheus/prod',
    });
    expect(t.full.probed).toHaveLength(16);
    expect(
      body.ranks.find(r => r.role === 'decode' && r.globalRank === 5)!.metrics,
    ).toEqual({ running: 105 });
    // The probe samples feed the history of this deployment meanwhile.
    expect(t.probedLoads).toEqual(['prod/llm-d-wide-ep/wide-ep']);
    await t.watchCache.stop();
  });

  it('a failed refresh shows the last answer with its age and the error, without /metrics probes', async () => {
    const t = service(async () => ({
      samples: [
        { role: 'decode', group: 0, rank: 3, metric: 'running', value: 4 },
      ],
      failure: 'Prometheus of cluster "prod" did not answer within 10000 ms',
      queriedAt: Date.parse('2026-07-01T09:59:50Z'),
    }));
    const body = await t.get();
    expect(body.loadSource).toBe('prometheus');
    expect(body.conditions).toContainEqual({
      type: 'LoadFromPrometheus',
      status: 'Unknown',
      reason: 'ServingLastAnswer',
      message:
        'Prometheus of cluster "prod" did not answer within 10000 ms; showing the load Prometheus answered 15 s ago',
      source: 'Prometheus/prod',
    });
    expect(
      body.ranks.find(r => r.role === 'decode' && r.globalRank === 3)!.metrics,
    ).toEqual({ running: 4 });
    expect(t.full.probed).toEqual([]);
    expect(t.probedLoads).toEqual([]);
    await t.watchCache.stop();
  });

  it('no series for the deployment (no PodMonitor) says so and falls back too', async () => {
    const t = service(async () => ({ samples: [] }));
    const body = await t.get();
    expect(body.loadSource).toBe('probes');
    expect(body.conditions).toContainEqual(
      expect.objectContaining({
        type: 'LoadFromPrometheus',
        reason: 'NoSeries',
        message: expect.stringContaining(
          'has no vLLM series with namespace="llm-d-wide-ep" and llm_d_deployment="wide-ep"',
        ),
      }),
    );
    await t.watchCache.stop();
  });
});
