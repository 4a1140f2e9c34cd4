/**
 * Rank health end to end on a control-plane cluster of this file's own
 * (test/cluster/control-plane, started by startOwnControlPlane):
 *
 * REAL: kube-apiserver, kube-scheduler and kube-controller-manager, and the
 * LeaderWorkerSet controller with its webhooks. The rendered objects are
 * server-side applied (applyManifests); the LWS controller makes the
 * StatefulSets and pods and writes the LWS status, the scheduler binds the
 * pods (or leaves them Pending with its own message), and the backend
 * plugin runs in startTestBackend behind a counting, cuttable proxy in
 * front of that API server.
 *
 * SIMULATED: the nodes (kwok manages 4 H200 nodes, h200-NN, moves bound
 * pods to Running and Ready and gives them loopback IPs from CP_POD_CIDR (a /16 of 127/8 per Jest worker);
 * nothing runs in them) and the vLLM ranks (simulatePodRanks answers
 * /health and /metrics on each pod's IP, with the load this file sets).
 *
 * Nothing plays an operator: pod names, IPs, nodes, conditions and the
 * scheduler's message are what the real components produced.
 */
import fs from 'node:fs';
import type {
  KubeConfig,
  KubernetesObject,
  V1Node,
  V1Pod,
} from '@kubernetes/client-node';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import {
  RankHealthResponse,
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
// The simulator is test infrastructure, not a workspace package.
import {
  ApiServerProxy,
  CONTROL_PLANE_START_TIMEOUT_MS,
  OwnControlPlane,
  PodRankSimulators,
  simulatePodRanks,
  startApiServerProxy,
  startOwnControlPlane,
  kubernetesClusterConfig,
} from '@internal/wide-ep-rank-simulator';
import { installPrerequisites } from './prerequisites';
import { waitUntil } from './waitUntil';

jest.setTimeout(120_000);

const FRESHNESS_MS = 2_000;
const PROBE_TIMEOUT_MS = 500;
const ENTITY_REF = 'component:default/wide-ep';
const NAMESPACE = 'rank-health';
// 4 SIMULATED H200 nodes of 8 GPUs: the 3 pods (24 GPUs) fit.
const H200_NODES = 4;
const WORKER = 'wide-ep-decode-0-1';
const LEADER = 'wide-ep-decode-0';

let own: OwnControlPlane | undefined;
let kubeConfig: KubeConfig;
let client: KubeClient;
let ranks: PodRankSimulators;
let proxy: ApiServerProxy;
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

const allHealthy = (r: RankHealthResponse) =>
  !r.stale &&
  r.ranks.length === 24 &&
  r.ranks.every(k => k.state === 'healthy');

const servingPods = () =>
  client.list<V1Pod>({
    apiVersion: 'v1',
    kind: 'Pod',
    namespace: NAMESPACE,
    labelSelector: 'leaderworkerset.sigs.k8s.io/name',
  });

const podNamed = async (name: string) =>
  (await servingPods()).find(p => p.metadata?.name === name);

const isReady = (pod: V1Pod) =>
  !pod.metadata?.deletionTimestamp &&
  !!pod.status?.podIP &&
  !!pod.status?.conditions?.some(
    c => c.type === 'Ready' && c.status === 'True',
  );

/** Waits until the 3 pods of the deployment run with IPs and their SIMULATED ranks listen. */
async function waitForServingPods(): Promise<V1Pod[]> {
  const pods = await waitUntil(
    'the 3 pods Ready with kwok IPs',
    async () => {
      const current = await servingPods();
      return current.length === 3 && current.every(isReady)
        ? current
        : undefined;
    },
    60_000,
  );
  await ranks.sync();
  return pods;
}

async function setCordoned(cordoned: boolean) {
  const nodes = await client.list<V1Node>({ apiVersion: 'v1', kind: 'Node' });
  for (const node of nodes) {
    await client.apply(
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: node.metadata!.name },
        spec: { unschedulable: cordoned },
      } as KubernetesObject,
      { dryRun: false, force: true },
    );
  }
}

beforeAll(async () => {
  own = await startOwnControlPlane({
    CP_RACKS: 'rack-a',
    CP_NODES_PER_RACK: '0',
    CP_H200_NODES: String(H200_NODES),
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
    load: (_pod, rank) => ({ running: rank, waiting: 1, kvCacheUsage: 0.25 }),
  });
  assertApplySucceeded(
    await applyManifests({ client, objects: rendered.objects, dryRun: false }),
  );
  await waitForServingPods();

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
  await own?.stop();
}, 180_000);

describe('rank health against the real control plane', () => {
  it('all ranks healthy, with per-rank metrics from each rank port', async () => {
    const { body } = await waitFor(allHealthy, 15_000, true);
    expect(body.staleReason).toBeUndefined();
    expect(body).toMatchObject({
      entityRef: ENTITY_REF,
      cluster: 'it',
      namespace: NAMESPACE,
      stale: false,
      summary: {
        prefill: { ready: 8, total: 8, gpus: 8, groupsReady: 1, groups: 1 },
        decode: { ready: 16, total: 16, gpus: 16, groupsReady: 1, groups: 1 },
      },
    });
    // The LWS status is the real controller's.
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
    // The node is the one the real scheduler bound the pod to.
    const worker = (await podNamed(WORKER))!;
    expect(worker.spec!.nodeName).toMatch(/^h200-\d\d$/);
    const rank12 = body.ranks.find(
      r => r.role === 'decode' && r.globalRank === 12,
    )!;
    expect(rank12).toEqual({
      role: 'decode',
      group: 0,
      globalRank: 12,
      localRank: 4,
      pod: WORKER,
      node: worker.spec!.nodeName,
      port: 8204,
      state: 'healthy',
      metrics: { running: 12, waiting: 1, kvCacheUsage: 0.25 },
      probedAt: expect.any(String),
    });
  });

  it('answers with Cache-Control: no-store, so no proxy or browser serves old health', async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('a killed rank is unhealthy with a reason within the freshness window; a 503 and a hang too', async () => {
    const sim = ranks.get(NAMESPACE, WORKER)!;
    expect(sim).toBeDefined();
    // kwok's IP for the pod (from CP_POD_CIDR), on which its ranks listen.
    const ip = (await podNamed(WORKER))!.status!.podIP!;
    expect(ip).toMatch(/^127\./);
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
    // Every node cordoned, then the worker deleted: the LWS controller
    // recreates the group (RecreateGroupOnPodRestart, so the leader too)
    // and the real scheduler cannot place the new pods.
    const before = new Map(
      (await servingPods()).map(p => [p.metadata!.name!, p.metadata!.uid!]),
    );
    await setCordoned(true);
    await client.delete({
      apiVersion: 'v1',
      kind: 'Pod',
      namespace: NAMESPACE,
      name: WORKER,
    });
    const pending = await waitUntil(
      `a recreated ${WORKER} Pending as Unschedulable`,
      async () => {
        const pod = await podNamed(WORKER);
        const scheduled = pod?.status?.conditions?.find(
          c => c.type === 'PodScheduled',
        );
        return pod &&
          pod.metadata!.uid !== before.get(WORKER) &&
          scheduled?.status === 'False' &&
          scheduled.reason === 'Unschedulable'
          ? pod
          : undefined;
      },
      60_000,
    );
    const message = pending.status!.conditions!.find(
      c => c.type === 'PodScheduled',
    )!.message!;
    console.log(`${WORKER} Pending: ${message}`);
    expect(message).toMatch(
      new RegExp(
        `^0/${H200_NODES} nodes are available: ${H200_NODES} node\\(s\\) were unschedulable\\.`,
      ),
    );
    expect(pending.spec!.nodeName).toBeUndefined();
    // The group was recreated: the leader is a new pod too, Pending as well.
    const leader = await waitUntil(
      `a recreated ${LEADER} Pending as Unschedulable`,
      async () => {
        const pod = await podNamed(LEADER);
        return pod &&
          pod.metadata!.uid !== before.get(LEADER) &&
          pod.status?.conditions?.some(
            c => c.type === 'PodScheduled' && c.reason === 'Unschedulable',
          )
          ? pod
          : undefined;
      },
      60_000,
    );
    expect(leader.spec!.nodeName).toBeUndefined();
    const leaderMessage = leader.status!.conditions!.find(
      c => c.type === 'PodScheduled',
    )!.message!;
    expect(leaderMessage).toMatch(
      new RegExp(`^0/${H200_NODES} nodes are available: `),
    );

    // Until the rank API has seen both pods Unschedulable.
    const { body } = await waitFor(
      r =>
        r.ranks.filter(
          k =>
            k.role === 'decode' &&
            k.state === 'starting' &&
            !k.node &&
            k.reason?.endsWith(
              `Pending: Unschedulable: ${
                k.pod === WORKER ? message : leaderMessage
              }`,
            ),
        ).length === 16,
      30_000,
    );
    const workerRanks = body.ranks.filter(
      k => k.role === 'decode' && k.globalRank >= 8,
    );
    expect(workerRanks.map(k => k.globalRank)).toEqual([
      8, 9, 10, 11, 12, 13, 14, 15,
    ]);
    // The leader is Pending too, so a worker rank names it first.
    for (const rank of workerRanks) {
      expect(rank).toMatchObject({
        pod: WORKER,
        state: 'starting',
        reason: `waiting for leader pod ${LEADER} (starting: Pending: Unschedulable: ${leaderMessage}); Pending: Unschedulable: ${message}`,
        metrics: {},
      });
      expect(rank.node).toBeUndefined();
    }
    for (const rank of body.ranks.filter(
      k => k.role === 'decode' && k.globalRank < 8,
    )) {
      expect(rank).toMatchObject({
        pod: LEADER,
        state: 'starting',
        reason: `Pending: Unschedulable: ${leaderMessage}`,
        metrics: {},
      });
      expect(rank.node).toBeUndefined();
    }
    // Prefill is another LeaderWorkerSet, untouched.
    expect(body.summary.prefill.ready).toBe(8);
    expect(body.summary.decode).toEqual({
      ready: 0,
      total: 16,
      gpus: 16,
      groupsReady: 0,
      groups: 1,
    });
    expect(body.groups.find(g => g.role === 'decode')).toMatchObject({
      state: 'starting',
      reason: expect.stringMatching(
        /^16 of 16 ranks starting \(rank 0: Pending: Unschedulable: /,
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
    const ns = NAMESPACE;
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
        .filter(k => k.pod === WORKER)
        .every(k => k.state === 'starting'),
    ).toBe(true);
    const storm = await Promise.all(Array.from({ length: 20 }, () => get()));
    expect(storm.map(r => r.status)).toEqual(Array(20).fill(200));

    await proxy.restore();
    const recovered = await waitFor(r => !r.stale, 20_000);
    expect(recovered.body.staleReason).toBeUndefined();
  });

  it('once the nodes are schedulable again, the scheduler places the group and every rank is healthy', async () => {
    await setCordoned(false);
    const pods = await waitForServingPods();
    const { body } = await waitFor(allHealthy, 30_000, true);
    const nodeOf = new Map(
      pods.map(p => [p.metadata!.name!, p.spec!.nodeName!]),
    );
    for (const rank of body.ranks) {
      expect(rank.node).toBe(nodeOf.get(rank.pod!));
      expect(rank.node).toMatch(/^h200-\d\d$/);
    }
  });
});
