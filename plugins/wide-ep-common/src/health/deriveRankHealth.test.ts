import { parseSpec, WideEpSpecInput } from '../spec';
import { renderDeployment } from '../render';
import { GROVE_GB200_SEED, LWS_H200_SEED } from '../seeds';
import {
  OperatorPod,
  readyStatus,
  renderedWorkloads,
  runningNotReadyStatus,
  unschedulableStatus,
  withStatus,
} from '../testUtils/operatorPods';
import { deploymentProbeTargets, deriveRankHealth } from './deriveRankHealth';
import type { DeploymentObjects } from './kubeTypes';
import type { EndpointProbe, ProbeOutcome, ProbeTarget } from './probeTargets';
import type { RankHealthResponse } from './types';

const NOW = Date.parse('2026-07-01T10:20:00Z');
const PROBED = '2026-07-01T10:19:58.000Z';

/** LWS H200, supervisor: prefill 1 pod (ranks 0-7), decode 2 pods (ranks 0-15). */
const SMALL_LWS: WideEpSpecInput = {
  ...LWS_H200_SEED,
  prefill: { replicas: 1, dataParallelSize: 8 },
};
/** Grove GB200, hybrid: prefill 1 standalone pod (0-3), decode leader + 1 worker (0-7). */
const SMALL_GROVE: WideEpSpecInput = {
  ...GROVE_GB200_SEED,
  decode: { replicas: 1, dataParallelSize: 8 },
};

function deployment(input: WideEpSpecInput) {
  const parsed = parseSpec(input);
  if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
  const w = renderedWorkloads(renderDeployment(parsed.spec).objects);
  // Each pod on its own node and IP, as the scheduler and CNI would place them.
  const ready = w.pods.map((p, i) =>
    withStatus(p, readyStatus({ podIP: `10.0.0.${i + 10}` }), `gpu-node-${i}`),
  );
  return { ...w, ready };
}

function objects(
  pods: OperatorPod[],
  extra: Partial<DeploymentObjects> = {},
): DeploymentObjects {
  return {
    pods,
    leaderWorkerSets: [],
    podCliqueSets: [],
    podCliques: [],
    podCliqueScalingGroups: [],
    computeDomains: [],
    ...extra,
  };
}

type ProbeFn = (t: ProbeTarget) => Partial<EndpointProbe> | undefined;

/** Probe results for every target, healthy with some load unless `override` says otherwise. */
function probes(
  pods: OperatorPod[],
  override: ProbeFn = () => undefined,
): Map<string, EndpointProbe> {
  const out = new Map<string, EndpointProbe>();
  for (const t of deploymentProbeTargets(pods)) {
    const engines = Object.fromEntries(
      t.ranks.map(r => [
        String(r),
        { running: r, waiting: 0, kvCacheUsage: 0.5 },
      ]),
    );
    out.set(t.key, {
      probedAt: PROBED,
      health: { kind: 'ok' },
      engines,
      ...override(t),
    });
  }
  return out;
}

function derive(
  o: DeploymentObjects,
  p: Map<string, EndpointProbe>,
  extra: { staleReason?: string } = {},
): RankHealthResponse {
  return deriveRankHealth({
    entityRef: 'component:default/wide-ep',
    cluster: 'prod',
    namespace: 'llm-d-wide-ep',
    objects: o,
    probes: p,
    now: NOW,
    ...extra,
  });
}

const brief = (r: RankHealthResponse) =>
  r.ranks.map(
    k =>
      `${k.role}/${k.group}/${k.globalRank} ${k.pod ?? '-'}:${k.port} ${
        k.state
      }${k.reason ? ` ${k.reason}` : ''}`,
  );

describe('deriveRankHealth', () => {
  it('LWS supervisor, everything up: every rank healthy with its own metrics', () => {
    const d = deployment(SMALL_LWS);
    const lwsWithStatus = d.lws.map(l => ({
      ...l,
      status: {
        replicas: 1,
        readyReplicas: 1,
        conditions: [
          {
            type: 'Available',
            status: 'True',
            reason: 'AllGroupsReady',
            message: 'All replicas are ready',
          },
        ],
      },
    }));
    const result = derive(
      objects(d.ready, { leaderWorkerSets: lwsWithStatus }),
      probes(d.ready),
    );
    expect(result).toEqual({
      entityRef: 'component:default/wide-ep',
      cluster: 'prod',
      namespace: 'llm-d-wide-ep',
      observedAt: '2026-07-01T10:20:00.000Z',
      stale: false,
      summary: {
        prefill: { ready: 8, total: 8, gpus: 8, groupsReady: 1, groups: 1 },
        decode: { ready: 16, total: 16, gpus: 16, groupsReady: 1, groups: 1 },
      },
      conditions: [
        {
          type: 'GroupsReady',
          status: 'True',
          message: '1/1 groups ready',
          source: 'LeaderWorkerSet/wide-ep-decode',
        },
        {
          type: 'Available',
          status: 'True',
          reason: 'AllGroupsReady',
          message: 'All replicas are ready',
          source: 'LeaderWorkerSet/wide-ep-decode',
        },
        {
          type: 'GroupsReady',
          status: 'True',
          message: '1/1 groups ready',
          source: 'LeaderWorkerSet/wide-ep-prefill',
        },
        {
          type: 'Available',
          status: 'True',
          reason: 'AllGroupsReady',
          message: 'All replicas are ready',
          source: 'LeaderWorkerSet/wide-ep-prefill',
        },
      ],
      groups: [
        { role: 'prefill', group: 0, state: 'healthy', ready: 8, total: 8 },
        { role: 'decode', group: 0, state: 'healthy', ready: 16, total: 16 },
      ],
      ranks: expect.any(Array),
      loadSource: 'probes',
    });
    expect(result.ranks).toHaveLength(24);
    expect(result.ranks[9]).toEqual({
      role: 'decode',
      group: 0,
      globalRank: 1,
      localRank: 1,
      pod: 'wide-ep-decode-0',
      node: expect.stringMatching(/^gpu-node-\d$/),
      port: 8201,
      state: 'healthy',
      metrics: { running: 1, waiting: 0, kvCacheUsage: 0.5 },
      probedAt: PROBED,
    });
    expect(
      result.ranks.find(r => r.role === 'decode' && r.globalRank === 12),
    ).toMatchObject({
      pod: 'wide-ep-decode-0-1',
      localRank: 4,
      port: 8204,
      metrics: { running: 12 },
    });
  });

  it('reports each failing probe on its own rank only', () => {
    const d = deployment(SMALL_LWS);
    const worker = d.ready.find(p => p.metadata.name === 'wide-ep-decode-0-1')!;
    const ip = worker.status!.podIP!;
    const outcomes: Record<string, ProbeOutcome> = {
      [`${ip}:8201`]: { kind: 'refused' },
      [`${ip}:8202`]: { kind: 'httpStatus', status: 503 },
      [`${ip}:8203`]: { kind: 'timeout', timeoutMs: 1500 },
      [`${ip}:8204`]: { kind: 'error', message: 'socket hang up' },
    };
    const p = probes(d.ready, t => {
      if (outcomes[t.key])
        return { health: outcomes[t.key], engines: undefined };
      if (t.key === `${ip}:8205`)
        return { engines: { '13': { engineHealthy: 0, running: 0 } } };
      return undefined;
    });
    const decodeWorker = brief(derive(objects(d.ready), p)).filter(s =>
      s.includes('wide-ep-decode-0-1'),
    );
    expect(decodeWorker).toEqual([
      'decode/0/8 wide-ep-decode-0-1:8200 healthy',
      `decode/0/9 wide-ep-decode-0-1:8201 unhealthy connection refused on ${ip}:8201: the vLLM API server is not listening`,
      `decode/0/10 wide-ep-decode-0-1:8202 unhealthy /health returned 503 on ${ip}:8202`,
      `decode/0/11 wide-ep-decode-0-1:8203 unhealthy probe timed out after 1500 ms on ${ip}:8203`,
      `decode/0/12 wide-ep-decode-0-1:8204 unhealthy probe of ${ip}:8204 failed: socket hang up`,
      `decode/0/13 wide-ep-decode-0-1:8205 unhealthy vllm:engine_healthy is 0 on ${ip}:8205`,
      'decode/0/14 wide-ep-decode-0-1:8206 healthy',
      'decode/0/15 wide-ep-decode-0-1:8207 healthy',
    ]);
  });

  it('lists the ranks of pods LWS has not created yet', () => {
    const d = deployment(SMALL_LWS);
    const lws = d.lws.map(l => ({
      ...l,
      metadata: { ...l.metadata, creationTimestamp: '2026-07-01T10:15:00Z' },
    }));
    const pods = d.ready.filter(p => p.metadata.name !== 'wide-ep-decode-0-1');
    const result = derive(
      objects(pods, { leaderWorkerSets: lws }),
      probes(pods),
    );
    expect(
      brief(result).filter(
        s => s.startsWith('decode/0/8 ') || s.startsWith('decode/0/15 '),
      ),
    ).toEqual([
      'decode/0/8 -:8200 starting pod wide-ep-decode-0-1 not created yet by LeaderWorkerSet/wide-ep-decode',
      'decode/0/15 -:8207 starting pod wide-ep-decode-0-1 not created yet by LeaderWorkerSet/wide-ep-decode',
    ]);
    expect(result.summary.decode).toEqual({
      ready: 8,
      total: 16,
      gpus: 16,
      groupsReady: 0,
      groups: 1,
    });
    expect(result.groups.find(g => g.role === 'decode')).toEqual({
      role: 'decode',
      group: 0,
      state: 'starting',
      ready: 8,
      total: 16,
      reason:
        '8 of 16 ranks starting (rank 8: pod wide-ep-decode-0-1 not created yet by LeaderWorkerSet/wide-ep-decode)',
    });

    // Past the startup budget a missing pod takes its group out of service.
    const old = lws.map(l => ({
      ...l,
      metadata: { ...l.metadata, creationTimestamp: '2026-06-30T10:00:00Z' },
    }));
    const late = derive(objects(pods, { leaderWorkerSets: old }), probes(pods));
    expect(
      late.ranks.find(r => r.role === 'decode' && r.globalRank === 8),
    ).toMatchObject({
      state: 'unhealthy',
      reason:
        "pod wide-ep-decode-0-1 is missing: LeaderWorkerSet/wide-ep-decode has not created it and LeaderWorkerSet/wide-ep-decode is 1d0h old; check the operator's events and the namespace quota",
    });
    expect(late.groups.find(g => g.role === 'decode')).toMatchObject({
      state: 'degraded',
      reason: expect.stringMatching(
        /^8 of 16 ranks unhealthy \(rank 8: pod wide-ep-decode-0-1 is missing: .*\); expert parallelism needs every rank, so the group does not serve$/,
      ),
    });

    // A group the operator has just recreated: the clock starts with its pods.
    const recreated = pods.map(p => ({
      ...p,
      metadata: { ...p.metadata, creationTimestamp: '2026-07-01T10:18:00Z' },
    }));
    expect(
      derive(
        objects(recreated, { leaderWorkerSets: old }),
        probes(recreated),
      ).ranks.find(r => r.role === 'decode' && r.globalRank === 8),
    ).toMatchObject({
      state: 'starting',
      reason:
        'pod wide-ep-decode-0-1 not created yet by LeaderWorkerSet/wide-ep-decode',
    });
  });

  it('without readable workload objects, infers missing pods from the group size on the others', () => {
    const d = deployment(SMALL_LWS);
    const pods = d.ready.filter(p => p.metadata.name !== 'wide-ep-decode-0');
    const result = derive(objects(pods), probes(pods));
    expect(
      result.ranks.find(r => r.role === 'decode' && r.globalRank === 0),
    ).toEqual({
      role: 'decode',
      group: 0,
      globalRank: 0,
      localRank: 0,
      port: 8200,
      state: 'unknown',
      reason:
        'pod wide-ep-decode-0 does not exist, and no workload object lists it',
      metrics: {},
    });
  });

  it('pending leader with a scheduler message; its not-Ready worker waits for it', () => {
    const d = deployment(SMALL_LWS);
    const pods = d.ready.map(p => {
      if (p.metadata.name === 'wide-ep-decode-0') {
        const pending = withStatus(
          p,
          unschedulableStatus(
            '0/4 nodes are available: 4 Insufficient nvidia.com/gpu.',
          ),
        );
        delete pending.spec!.nodeName;
        return pending;
      }
      if (p.metadata.name === 'wide-ep-decode-0-1')
        return withStatus(
          p,
          runningNotReadyStatus({ startedAt: '2026-07-01T10:17:00Z' }),
          'gpu-node-9',
        );
      return p;
    });
    const ranks = derive(objects(pods), probes(pods)).ranks.filter(
      r => r.role === 'decode',
    );
    expect(ranks[0]).toMatchObject({
      pod: 'wide-ep-decode-0',
      state: 'starting',
      reason:
        'Pending: Unschedulable: 0/4 nodes are available: 4 Insufficient nvidia.com/gpu.',
    });
    expect(ranks[0].node).toBeUndefined();
    expect(ranks[8]).toMatchObject({
      pod: 'wide-ep-decode-0-1',
      node: 'gpu-node-9',
      state: 'starting',
      reason:
        'waiting for leader pod wide-ep-decode-0 (starting: Pending: Unschedulable: 0/4 nodes are available: 4 Insufficient nvidia.com/gpu.); running for 3m, not Ready yet (startup budget 45m)',
    });
  });

  it('a not-Ready pod keeps its pod reason even though its ports refuse connections', () => {
    const d = deployment(SMALL_LWS);
    const pods = d.ready.map(p =>
      p.metadata.name === 'wide-ep-prefill-0'
        ? withStatus(
            p,
            runningNotReadyStatus({
              startedAt: '2026-07-01T10:19:00Z',
              podIP: '10.9.9.9',
            }),
            'n',
          )
        : p,
    );
    const result = derive(
      objects(pods),
      probes(pods, () => ({ health: { kind: 'refused' } })),
    );
    expect(
      new Set(
        result.ranks
          .filter(r => r.role === 'prefill')
          .map(r => `${r.state}: ${r.reason}`),
      ),
    ).toEqual(
      new Set(['starting: running for 1m, not Ready yet (startup budget 45m)']),
    );
  });

  it('Grove hybrid: one probe per pod, metrics split by engine, standalone prefill is its own group', () => {
    const d = deployment(SMALL_GROVE);
    const result = derive(
      objects(d.ready, { podCliqueSets: d.pcs }),
      probes(d.ready),
    );
    expect(
      brief(result).map(s =>
        s.replace(
          /wide-ep-0-([a-z0-9-]+?)-[a-z0-9]{5}:/,
          'wide-ep-0-$1-xxxxx:',
        ),
      ),
    ).toEqual([
      'prefill/0/0 wide-ep-0-prefill-xxxxx:8000 healthy',
      'prefill/0/1 wide-ep-0-prefill-xxxxx:8000 healthy',
      'prefill/0/2 wide-ep-0-prefill-xxxxx:8000 healthy',
      'prefill/0/3 wide-ep-0-prefill-xxxxx:8000 healthy',
      'decode/0/0 wide-ep-0-decode-sg-0-decode-leader-xxxxx:8200 healthy',
      'decode/0/1 wide-ep-0-decode-sg-0-decode-leader-xxxxx:8200 healthy',
      'decode/0/2 wide-ep-0-decode-sg-0-decode-leader-xxxxx:8200 healthy',
      'decode/0/3 wide-ep-0-decode-sg-0-decode-leader-xxxxx:8200 healthy',
      'decode/0/4 wide-ep-0-decode-sg-0-decode-worker-xxxxx:8200 healthy',
      'decode/0/5 wide-ep-0-decode-sg-0-decode-worker-xxxxx:8200 healthy',
      'decode/0/6 wide-ep-0-decode-sg-0-decode-worker-xxxxx:8200 healthy',
      'decode/0/7 wide-ep-0-decode-sg-0-decode-worker-xxxxx:8200 healthy',
    ]);
    expect(result.ranks.map(r => r.metrics.running)).toEqual([
      0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7,
    ]);
    expect(result.summary).toEqual({
      prefill: { ready: 4, total: 4, gpus: 4, groupsReady: 1, groups: 1 },
      decode: { ready: 8, total: 8, gpus: 8, groupsReady: 1, groups: 1 },
    });
  });

  it('Grove: expected ranks come from the PodCliqueSet cliques and scaling groups, by stable hostname', async () => {
    const d = deployment(SMALL_GROVE);
    const pcs = d.pcs.map(p => ({
      ...p,
      metadata: { ...p.metadata, creationTimestamp: '2026-07-01T10:10:00Z' },
    }));
    const pods = d.ready.filter(
      p => p.spec?.hostname !== 'wide-ep-0-decode-sg-0-decode-worker-0',
    );
    const result = derive(objects(pods, { podCliqueSets: pcs }), probes(pods));
    expect(
      result.ranks.filter(r => r.role === 'decode' && r.globalRank >= 4),
    ).toEqual(
      [4, 5, 6, 7].map(g => ({
        role: 'decode',
        group: 0,
        globalRank: g,
        localRank: g - 4,
        port: 8200,
        state: 'starting',
        reason:
          'pod wide-ep-0-decode-sg-0-decode-worker-0 not created yet by PodCliqueSet/wide-ep',
        metrics: {},
      })),
    );
    expect(result.summary.decode).toEqual({
      ready: 4,
      total: 8,
      gpus: 8,
      groupsReady: 0,
      groups: 1,
    });
  });

  it('Grove hybrid: a 503 on the pod API marks all its ranks; missing engine series leave metrics empty', () => {
    const d = deployment(SMALL_GROVE);
    const worker = d.ready.find(
      p => p.spec?.hostname === 'wide-ep-0-decode-sg-0-decode-worker-0',
    )!;
    const p = probes(d.ready, t =>
      t.pod === worker.metadata.name
        ? {
            health: { kind: 'httpStatus', status: 503 },
            engines: { '4': { running: 1 } },
          }
        : undefined,
    );
    const ranks = derive(objects(d.ready), p).ranks.filter(
      r => r.pod === worker.metadata.name,
    );
    expect(
      ranks.map(r => [r.globalRank, r.state, r.reason, r.metrics]),
    ).toEqual(
      [4, 5, 6, 7].map(g => [
        g,
        'unhealthy',
        `/health returned 503 on ${worker.status!.podIP}:8200`,
        g === 4 ? { running: 1 } : {},
      ]),
    );
  });

  it('prefers the replacement pod over a terminating one in the same position', () => {
    const d = deployment(SMALL_LWS);
    const old = structuredClone(
      d.ready.find(p => p.metadata.name === 'wide-ep-prefill-0')!,
    );
    old.metadata.deletionTimestamp = '2026-07-01T10:19:00Z';
    old.metadata.name = 'wide-ep-prefill-0-old';
    const result = derive(objects([old, ...d.ready]), probes(d.ready));
    expect(
      new Set(
        result.ranks
          .filter(r => r.role === 'prefill')
          .map(r => `${r.pod} ${r.state}`),
      ),
    ).toEqual(new Set(['wide-ep-prefill-0 healthy']));
  });

  it('reports pods it cannot map as conditions, and passes the stale reason through', () => {
    const stray: OperatorPod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'debug-shell',
        namespace: 'llm-d-wide-ep',
        labels: { 'wide-ep.backstage.io/deployment': 'wide-ep' },
      },
      status: { phase: 'Running' },
    };
    const result = derive(objects([stray]), new Map(), {
      staleReason: 'API server unreachable since 10:19:00',
    });
    expect(result).toMatchObject({
      stale: true,
      staleReason: 'API server unreachable since 10:19:00',
      summary: {
        prefill: { ready: 0, total: 0, gpus: 0 },
        decode: { ready: 0, total: 0, gpus: 0 },
      },
      ranks: [],
      conditions: [
        {
          type: 'RankLayout',
          status: 'False',
          reason: 'UnmappedPod',
          message:
            'pod debug-shell: has neither the leaderworkerset.sigs.k8s.io/name nor the grove.io/podclique label',
          source: 'Pod/debug-shell',
        },
      ],
    });
  });

  it('a Ready pod whose endpoint has not been probed is unknown', () => {
    const d = deployment(SMALL_LWS);
    const result = derive(objects(d.ready), new Map());
    expect(new Set(result.ranks.map(r => `${r.state}: ${r.reason}`))).toEqual(
      new Set(['unknown: pod is Ready; its probe result is not in yet']),
    );
  });
});
