/**
 * Rank health of a Grove deployment in hybrid launch mode (one API server
 * per pod, ranks only visible as `engine` series) on GB200, against the
 * REAL kube-apiserver: the test plays Grove, the DRA driver and the kubelet;
 * the vLLM ranks are SIMULATED on loopback addresses.
 */
import fs from 'node:fs';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import {
  RankHealthResponse,
  parseSpec,
  renderDeployment,
} from '@internal/plugin-wide-ep-common';
import { containerCreatingStatus } from '@internal/plugin-wide-ep-common/testUtils';
import { loadClientNode } from '@internal/plugin-wide-ep-node';
import wideEpBackend from '@internal/plugin-wide-ep-backend';
// The simulator is test infrastructure, not a workspace package.
import {
  ApiServerProxy,
  startApiServerProxy,
  kubernetesClusterConfig,
} from '@internal/wide-ep-rank-simulator';
import {
  PlayedDeployment,
  playOperators,
  putPod,
} from '@internal/wide-ep-rank-simulator';
import { connect, createNamespace } from './testCluster';

jest.setTimeout(120_000);

const ENTITY_REF = 'component:default/wide-ep';
const podIp = (i: number) => `127.77.1.${i + 2}`;

let kubeConfig: KubeConfig;
let proxy: ApiServerProxy;
let deployment: PlayedDeployment;
let server: Parameters<typeof request>[0];
let stopBackend: () => Promise<void>;

async function ranksNow(): Promise<RankHealthResponse> {
  const res = await request(server).get(
    `/api/wide-ep/ranks?entityRef=${encodeURIComponent(ENTITY_REF)}`,
  );
  if (res.status !== 200)
    throw new Error(`HTTP ${res.status}: ${JSON.stringify(res.body.error)}`);
  return res.body;
}

async function waitFor(
  predicate: (r: RankHealthResponse) => boolean,
  timeoutMs = 15_000,
): Promise<RankHealthResponse> {
  const start = Date.now();
  for (;;) {
    const body = await ranksNow();
    if (predicate(body)) return body;
    if (Date.now() - start > timeoutMs)
      throw new Error(
        `condition not met in ${timeoutMs} ms; last: ${JSON.stringify(
          body,
        ).slice(0, 2000)}`,
      );
    await new Promise(r => setTimeout(r, 100));
  }
}

/** Creates a custom object and sets its status, as its controller would. */
async function putCustom(
  object: KubernetesObject & { status: object },
  plural: string,
) {
  const { CustomObjectsApi } = await loadClientNode();
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const [group, version] = object.apiVersion!.split('/');
  const target = {
    group,
    version,
    namespace: object.metadata!.namespace!,
    plural,
  };
  const { status, ...body } = object;
  await custom.createNamespacedCustomObject({ ...target, body });
  const current = await custom.getNamespacedCustomObject({
    ...target,
    name: object.metadata!.name!,
  });
  await custom.replaceNamespacedCustomObjectStatus({
    ...target,
    name: object.metadata!.name!,
    body: { ...current, status },
  });
}

beforeAll(async () => {
  const admin = await connect('admin');
  kubeConfig = admin.kubeConfig;
  const namespace = await createNamespace(admin.client, 'grove');
  // Prefill: one standalone pod (DP4); decode: leader + one worker (DP8); hybrid.
  const parsed = parseSpec({
    name: 'wide-ep',
    namespace,
    model: 'nvidia/DeepSeek-R1-NVFP4',
    servedModelName: 'deepseek-ai/DeepSeek-R1',
    hardware: 'gb200',
    clusterProvider: 'generic',
    orchestrator: 'grove',
    gateway: 'kgateway',
    prefill: { replicas: 1, dataParallelSize: 4 },
    decode: { replicas: 1, dataParallelSize: 8 },
    rankPorts: false,
  });
  if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
  const rendered = renderDeployment(parsed.spec);
  deployment = await playOperators({
    kubeConfig,
    objects: rendered.objects,
    podIp,
    load: (_pod, rank) => ({ running: rank, waiting: 0, kvCacheUsage: 0.5 }),
  });

  const partOf = { 'app.kubernetes.io/part-of': 'wide-ep' };
  // What Grove creates for the decode worker clique, with one pod not yet Ready.
  await putCustom(
    {
      apiVersion: 'grove.io/v1alpha1',
      kind: 'PodClique',
      metadata: {
        name: 'wide-ep-0-decode-sg-0-decode-worker',
        namespace,
        labels: { ...partOf, 'app.kubernetes.io/component': 'pcsg-podclique' },
      },
      spec: {
        roleName: 'decode-worker',
        replicas: 1,
        minAvailable: 1,
        podSpec: { containers: [{ name: 'vllm', image: 'vllm' }] },
      },
      status: {
        replicas: 1,
        readyReplicas: 0,
        scheduledReplicas: 1,
        scheduleGatedReplicas: 0,
        updatedReplicas: 1,
        conditions: [
          {
            type: 'MinAvailableBreached',
            status: 'True',
            reason: 'InsufficientReadyPods',
            message: 'ready 0 < minAvailable 1',
            lastTransitionTime: new Date().toISOString(),
          },
        ],
      },
    } as never,
    'podcliques',
  );
  // Grove's auto-MNNVL ComputeDomain: one tray joined, not Ready yet.
  await putCustom(
    {
      apiVersion: 'resource.nvidia.com/v1beta1',
      kind: 'ComputeDomain',
      metadata: {
        name: 'wide-ep-0-default',
        namespace,
        labels: {
          ...partOf,
          'app.kubernetes.io/component': 'pcs-computedomain',
          'grove.io/mnnvl-group': 'default',
        },
      },
      spec: {
        numNodes: 0,
        channel: { resourceClaimTemplate: { name: 'wide-ep-0-default' } },
      },
      status: {
        status: 'NotReady',
        nodes: [
          {
            name: 'node-1',
            ipAddress: '10.0.0.1',
            cliqueID: 'rack1',
            index: 0,
            status: 'Ready',
          },
        ],
      },
    } as never,
    'computedomains',
  );

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
            name: 'it-grove',
            url: proxy.url,
            token: kubeConfig.getCurrentUser()!.token,
          }),
          wideEp: { rankHealth: { freshnessMs: 2000, probeTimeoutMs: 500 } },
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

const brief = (r: RankHealthResponse) =>
  r.ranks.map(
    k =>
      `${k.role}/${k.group}/${k.globalRank}:${k.port} ${k.state} running=${k.metrics.running}`,
  );

describe('Grove hybrid rank health against a real kube-apiserver', () => {
  it('maps every rank, splits the one API server per pod by engine, and reports Grove and ComputeDomain status', async () => {
    const body = await waitFor(
      r => r.ranks.length === 12 && r.ranks.every(k => k.state === 'healthy'),
    );
    expect(brief(body)).toEqual([
      ...[0, 1, 2, 3].map(g => `prefill/0/${g}:8000 healthy running=${g}`),
      ...[0, 1, 2, 3, 4, 5, 6, 7].map(
        g => `decode/0/${g}:8200 healthy running=${g}`,
      ),
    ]);
    expect(
      body.ranks
        .filter(k => k.globalRank >= 4)
        .every(k =>
          /^wide-ep-0-decode-sg-0-decode-worker-[a-z0-9]{5}$/.test(k.pod!),
        ),
    ).toBe(true);
    expect(body.conditions).toEqual(
      expect.arrayContaining([
        {
          type: 'PodsReady',
          status: 'False',
          message: '0/1 pods ready',
          source: 'PodClique/wide-ep-0-decode-sg-0-decode-worker',
        },
        {
          type: 'MinAvailableBreached',
          status: 'True',
          reason: 'InsufficientReadyPods',
          message: 'ready 0 < minAvailable 1',
          source: 'PodClique/wide-ep-0-decode-sg-0-decode-worker',
        },
        {
          type: 'Ready',
          status: 'False',
          reason: 'NotReady',
          message: '1/1 nodes Ready',
          source: 'ComputeDomain/wide-ep-0-default',
        },
        {
          type: 'ReplicasAvailable',
          status: 'True',
          message: '1/1 replicas available',
          source: 'PodCliqueSet/wide-ep',
        },
      ]),
    );
  });

  it('hybrid: a 503 from the pod API server marks all of its ranks', async () => {
    const worker = deployment.pods.find(
      p => p.spec?.hostname === 'wide-ep-0-decode-sg-0-decode-worker-0',
    )!;
    const sim = deployment.simulators.get(worker.metadata.name)!;
    sim.rank(6).fail(503);
    const body = await waitFor(r => r.ranks.some(k => k.state === 'unhealthy'));
    const ip = deployment.ipOf(worker.metadata.name);
    expect(
      body.ranks
        .filter(k => k.state === 'unhealthy')
        .map(k => `${k.globalRank} ${k.reason}`),
    ).toEqual([4, 5, 6, 7].map(g => `${g} /health returned 503 on ${ip}:8200`));
    await sim.rank(6).heal();
    await waitFor(r => r.ranks.every(k => k.state === 'healthy'));
  });

  it('GB200: a worker stuck in ContainerCreating names the ComputeDomain its node has not joined', async () => {
    const worker = deployment.pods.find(
      p => p.spec?.hostname === 'wide-ep-0-decode-sg-0-decode-worker-0',
    )!;
    await putPod(
      kubeConfig,
      worker,
      containerCreatingStatus({ startedAt: new Date().toISOString() }),
      'node-7',
    );
    const body = await waitFor(r =>
      r.ranks.some(
        k => k.pod === worker.metadata.name && k.state === 'starting',
      ),
    );
    const reasons = new Set(
      body.ranks
        .filter(k => k.pod === worker.metadata.name)
        .map(k => `${k.state}: ${k.reason}`),
    );
    expect(reasons).toEqual(
      new Set([
        'starting: ContainerCreating on node node-7: waiting for ComputeDomain wide-ep-0-default (status NotReady, 1/1 nodes Ready; node node-7 has not joined its IMEX domain)',
      ]),
    );
  });
});
