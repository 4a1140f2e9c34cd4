/**
 * Rank health end to end against the REAL kube-apiserver of test/cluster:
 * the test plays LeaderWorkerSet and the kubelet (there are no
 * controllers), SIMULATED vLLM ranks answer on the pods' loopback
 * addresses, and the backend plugin runs in startTestBackend behind a
 * counting, cuttable proxy in front of the API server.
 */
import fs from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import {
  RankHealthResponse,
  parseSpec,
  renderDeployment,
} from '@internal/plugin-wide-ep-common';
import { unschedulableStatus } from '@internal/plugin-wide-ep-common/testUtils';
import wideEpBackend from '@internal/plugin-wide-ep-backend';
// The simulator is test infrastructure, not a workspace package.
import {
  ApiServerProxy,
  startApiServerProxy,
} from '@internal/wide-ep-rank-simulator';
import {
  PlayedDeployment,
  playOperators,
  putPod,
} from '@internal/wide-ep-rank-simulator';
import { connect, createNamespace } from './testCluster';

jest.setTimeout(120_000);

const FRESHNESS_MS = 2_000;
const PROBE_TIMEOUT_MS = 500;
const ENTITY_REF = 'component:default/wide-ep';
// Loopback addresses of this file's simulated pods (other suites use other ranges).
const podIp = (i: number) => `127.77.0.${i + 2}`;

let kubeConfig: KubeConfig;
let proxy: ApiServerProxy;
let deployment: PlayedDeployment;
let server: Parameters<typeof request>[0];
let stopBackend: () => Promise<void>;

const get = () =>
  request(server).get(
    `/api/wide-ep/ranks?entityRef=${encodeURIComponent(ENTITY_REF)}`,
  );

async function ranksNow(): Promise<RankHealthResponse> {
  const res = await get();
  if (res.status !== 200)
    throw new Error(`HTTP ${res.status}: ${JSON.stringify(res.body.error)}`);
  return res.body;
}

/** Polls until `predicate` holds; returns the matching response and how long it took. */
const staleSeen = new Set<string>();

async function waitFor(
  predicate: (r: RankHealthResponse) => boolean,
  timeoutMs = 15_000,
  logStale = false,
) {
  const start = Date.now();
  for (;;) {
    const body = await ranksNow();
    if (predicate(body)) return { body, elapsedMs: Date.now() - start };
    if (logStale && body.stale && !staleSeen.has(body.staleReason ?? '')) {
      // Transient on a loaded machine (a watch reconnecting); logged so a
      // recurring cause shows in CI output.
      staleSeen.add(body.staleReason ?? '');
      console.warn(
        `rank health answered stale while waiting: ${body.staleReason}`,
      );
    }
    if (Date.now() - start > timeoutMs)
      throw new Error(
        `condition not met in ${timeoutMs} ms; last: ${JSON.stringify(
          body,
        ).slice(0, 2000)}`,
      );
    await new Promise(r => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  const admin = await connect('admin');
  kubeConfig = admin.kubeConfig;
  const namespace = await createNamespace(admin.client, 'ranks');

  // LWS on H200 with rank ports: prefill 1 pod (ranks 0-7), decode 2 pods (ranks 0-15).
  const parsed = parseSpec({
    name: 'wide-ep',
    namespace,
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
  deployment = await playOperators({
    kubeConfig,
    objects: rendered.objects,
    podIp,
    load: (_pod, rank) => ({ running: rank, waiting: 1, kvCacheUsage: 0.25 }),
  });

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
          kubernetes: {
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: [
                  {
                    name: 'it',
                    url: proxy.url,
                    authProvider: 'serviceAccount',
                    serviceAccountToken: kubeConfig.getCurrentUser()!.token,
                    // client-node refuses plain http otherwise; the proxy talks TLS to the API server.
                    skipTLSVerify: true,
                  },
                ],
              },
            ],
          },
          wideEp: {
            rankHealth: {
              freshnessMs: FRESHNESS_MS,
              probeTimeoutMs: PROBE_TIMEOUT_MS,
            },
          },
        },
      }),
      catalogServiceMock.factory({ entities: [rendered.entity as Entity] }),
    ],
  });
  server = backend.server;
  stopBackend = () => backend.stop();
});

afterAll(async () => {
  await stopBackend?.();
  await deployment?.close();
  await proxy?.close();
});

describe('rank health against a real kube-apiserver', () => {
  it('all ranks healthy, with per-rank metrics from each rank port', async () => {
    const { body } = await waitFor(
      r =>
        !r.stale &&
        r.ranks.length === 24 &&
        r.ranks.every(k => k.state === 'healthy'),
      15_000,
      true,
    );
    expect(body.staleReason).toBeUndefined();
    expect(body).toMatchObject({
      entityRef: ENTITY_REF,
      cluster: 'it',
      namespace: deployment.namespace,
      stale: false,
      summary: {
        prefill: { ready: 8, total: 8, gpus: 8, groupsReady: 1, groups: 1 },
        decode: { ready: 16, total: 16, gpus: 16, groupsReady: 1, groups: 1 },
      },
    });
    expect(body.conditions).toEqual(
      expect.arrayContaining([
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
      ]),
    );
    const rank12 = body.ranks.find(
      r => r.role === 'decode' && r.globalRank === 12,
    )!;
    expect(rank12).toEqual({
      role: 'decode',
      group: 0,
      globalRank: 12,
      localRank: 4,
      pod: 'wide-ep-decode-0-1',
      node: expect.stringMatching(/^node-\d$/),
      port: 8204,
      state: 'healthy',
      metrics: { running: 12, waiting: 1, kvCacheUsage: 0.25 },
      probedAt: expect.any(String),
    });
  });

  it('a killed rank is unhealthy with a reason within the freshness window; a 503 and a hang too', async () => {
    const sim = deployment.simulators.get('wide-ep-decode-0-1')!;
    const ip = deployment.ipOf('wide-ep-decode-0-1');
    await waitFor(r => r.ranks.every(k => k.state === 'healthy'));

    await sim.rank(9).kill();
    sim.rank(10).fail(503);
    sim.rank(11).hang();
    const { body, elapsedMs } = await waitFor(r =>
      [9, 10, 11].every(
        g =>
          r.ranks.find(k => k.role === 'decode' && k.globalRank === g)!
            .state === 'unhealthy',
      ),
    );
    // Served data is never older than the freshness window, plus one probe (the hung rank's timeout) and a poll.
    expect(elapsedMs).toBeLessThanOrEqual(
      FRESHNESS_MS + PROBE_TIMEOUT_MS + 1_000,
    );
    const decode = (g: number) =>
      body.ranks.find(k => k.role === 'decode' && k.globalRank === g)!;
    expect(decode(9).reason).toBe(
      `connection refused on ${ip}:8201: the vLLM API server is not listening`,
    );
    expect(decode(10).reason).toBe(`/health returned 503 on ${ip}:8202`);
    expect(decode(11).reason).toBe(
      `probe timed out after ${PROBE_TIMEOUT_MS} ms on ${ip}:8203`,
    );
    expect(decode(8).state).toBe('healthy');
    expect(body.summary.decode.ready).toBe(13);

    await Promise.all([9, 10, 11].map(g => sim.rank(g).heal()));
    await waitFor(r => r.ranks.every(k => k.state === 'healthy'));
  });

  it('a pending pod shows the scheduler message on its ranks', async () => {
    const worker = deployment.pods.find(
      p => p.metadata.name === 'wide-ep-decode-0-1',
    )!;
    const message =
      '0/4 nodes are available: 4 Insufficient nvidia.com/gpu. preemption: 0/4 nodes are available: 4 No preemption victims found for incoming pod.';
    // LWS recreates the pod; this time the scheduler cannot place it.
    await putPod(kubeConfig, worker, unschedulableStatus(message));
    const { body } = await waitFor(r =>
      r.ranks.some(
        k => k.pod === 'wide-ep-decode-0-1' && k.state === 'starting',
      ),
    );
    const workerRanks = body.ranks.filter(
      k => k.role === 'decode' && k.globalRank >= 8,
    );
    expect(workerRanks.map(k => k.globalRank)).toEqual([
      8, 9, 10, 11, 12, 13, 14, 15,
    ]);
    for (const rank of workerRanks) {
      expect(rank).toMatchObject({
        pod: 'wide-ep-decode-0-1',
        state: 'starting',
        reason: `Pending: Unschedulable: ${message}`,
        metrics: {},
      });
      expect(rank.node).toBeUndefined();
    }
    expect(body.summary.decode).toEqual({
      ready: 8,
      total: 16,
      gpus: 16,
      groupsReady: 0,
      groups: 1,
    });
    expect(body.groups.find(g => g.role === 'decode')).toMatchObject({
      state: 'starting',
      reason: expect.stringMatching(
        /^8 of 16 ranks starting \(rank 8: Pending: Unschedulable: /,
      ),
    });
  });

  it('N concurrent viewers cause no more API server requests than one', async () => {
    await ranksNow();
    const settle = proxy.requests.length;
    const apiRequestsWith = async (viewers: number, rounds: number) => {
      const before = proxy.requests.length;
      for (let i = 0; i < rounds; i++) {
        const responses = await Promise.all(
          Array.from({ length: viewers }, () => get()),
        );
        expect(responses.map(r => r.status)).toEqual(Array(viewers).fill(200));
      }
      return proxy.requests.length - before;
    };
    const one = await apiRequestsWith(1, 5);
    const fifty = await apiRequestsWith(50, 5);
    expect({ one, fifty }).toEqual({ one: 0, fifty: 0 });
    // Pods, LeaderWorkerSets and the gateway side (ComputeDomains are not watched on H200): one LIST and one WATCH each.
    const watches = proxy.requests
      .slice(0, settle)
      .filter(r => r.watch)
      .map(r => r.path.split('?')[0]);
    const ns = deployment.namespace;
    expect(new Set(watches)).toEqual(
      new Set([
        `/api/v1/namespaces/${ns}/pods`,
        `/apis/leaderworkerset.x-k8s.io/v1/namespaces/${ns}/leaderworkersets`,
        `/apis/inference.networking.k8s.io/v1/namespaces/${ns}/inferencepools`,
        `/apis/gateway.networking.k8s.io/v1/namespaces/${ns}/gateways`,
        `/apis/gateway.networking.k8s.io/v1/namespaces/${ns}/httproutes`,
      ]),
    );
  });

  it('with the API server gone, serves the last data marked stale (never a 500), and recovers', async () => {
    const before = await ranksNow();
    expect(before.stale).toBe(false);
    await proxy.cut();
    const first = await waitFor(r => r.stale);
    expect(first.body.staleReason).toMatch(
      /^cluster "it" (dropped the connection while watching|could not be reached \(ECONNREFUSED\) while trying to list) Pod objects in namespace "[^"]+" \(since \d{4}-/,
    );
    // The first retry, a second later, finds the API server gone.
    const { body } = await waitFor(r =>
      /^cluster "it" could not be reached \(ECONNREFUSED\)/.test(
        r.staleReason ?? '',
      ),
    );
    expect(body.ranks).toHaveLength(24);
    expect(
      body.ranks
        .filter(k => k.pod === 'wide-ep-decode-0-1')
        .every(k => k.state === 'starting'),
    ).toBe(true);
    const storm = await Promise.all(Array.from({ length: 20 }, () => get()));
    expect(storm.map(r => r.status)).toEqual(Array(20).fill(200));

    await proxy.restore();
    const recovered = await waitFor(r => !r.stale, 20_000);
    expect(recovered.body.staleReason).toBeUndefined();
  });
});
