/**
 * The wide-EP path on a cluster whose controllers are the real ones
 * (test/cluster/control-plane): `wide-ep:apply` as the scaffolder runs it,
 * the real LeaderWorkerSet controller and webhooks make the StatefulSets
 * and pods, the real kube-scheduler binds them to kwok's SIMULATED H200
 * nodes, kwok plays the kubelet, and SIMULATED vLLM ranks answer on the
 * pods' loopback IPs (`simulatePodRanks`). The rank API is the backend
 * plugin as the backend wires it (startTestBackend).
 *
 * Nothing here plays an operator: what the readiness wait and the rank API
 * report is what the real components did. Issue #12's acceptance:
 * StatefulSets owned by the LWS, pods bound by default-scheduler (Scheduled
 * events), env injected by the LWS webhook, every rank healthy; a spec
 * bigger than the free GPUs stays Pending with the scheduler's message on
 * its ranks.
 */
import { ConfigReader } from '@backstage/config';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type {
  CoreV1Event,
  KubeConfig,
  V1Pod,
  V1StatefulSet,
} from '@kubernetes/client-node';
import request from 'supertest';
import wideEpBackend from '@internal/plugin-wide-ep-backend';
import {
  LWS_H200_SEED,
  RankHealthResponse,
  WideEpSpecInput,
  parseSpec,
  renderDeployment,
} from '@internal/plugin-wide-ep-common';
import {
  ClusterRegistry,
  KubeClient,
  createKubeClient,
  loadClientNode,
} from '@internal/plugin-wide-ep-node';
import { createWideEpApplyAction } from '@internal/plugin-scaffolder-backend-module-wide-ep';
import {
  PodRankSimulators,
  simulatePodRanks,
  kubernetesClusterConfig,
} from '@internal/wide-ep-rank-simulator';
import { runAction } from './actionContext';
import { installPrerequisites } from './prerequisites';
import { waitUntil } from './waitUntil';
import {
  CONTROL_PLANE_START_TIMEOUT_MS,
  OwnControlPlane,
  startOwnControlPlane,
} from '@internal/wide-ep-rank-simulator';

jest.setTimeout(180_000);

const CLUSTER = 'control-plane';
const NAMESPACE = 'llm-d-wide-ep';
// 4 SIMULATED H200 nodes (32 GPUs): the 24-GPU deployment fits, a second
// 16-GPU one does not.
const H200_NODES = 4;

let own: OwnControlPlane | undefined;
let kubeConfig: KubeConfig;
let client: KubeClient;
let config: ConfigReader;
let ranks: PodRankSimulators;
let server: Parameters<typeof request>[0];
let stopBackend: (() => Promise<void>) | undefined;

function spec(input: Partial<WideEpSpecInput> & { name: string }) {
  const parsed = parseSpec({
    ...LWS_H200_SEED,
    namespace: NAMESPACE,
    prefill: { replicas: 1, dataParallelSize: 8 },
    decode: { replicas: 1, dataParallelSize: 16 },
    cluster: CLUSTER,
    ...input,
  });
  if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
  return parsed.spec;
}

const SERVING = spec({ name: 'serving' });
const TOO_BIG = spec({
  name: 'too-big',
  prefill: { replicas: 1, dataParallelSize: 8 },
  decode: { replicas: 1, dataParallelSize: 16 },
});

async function ranksOf(name: string): Promise<RankHealthResponse> {
  const res = await request(server).get(
    `/api/wide-ep/ranks?entityRef=${encodeURIComponent(
      `component:default/${name}`,
    )}`,
  );
  if (res.status !== 200)
    throw new Error(`HTTP ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

const waitFor = <T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
) => waitUntil(what, probe, timeoutMs);

const podsOf = (name: string) =>
  client.list<V1Pod>({
    apiVersion: 'v1',
    kind: 'Pod',
    namespace: NAMESPACE,
    labelSelector: `wide-ep.backstage.io/deployment=${name},llm-d.ai/inference-serving=true`,
  });

beforeAll(async () => {
  const kubeconfigPath =
    process.env.WIDE_EP_SERVING_CP_KUBECONFIG ??
    (own = await startOwnControlPlane({
      CP_RACKS: 'rack-a',
      CP_NODES_PER_RACK: '0',
      CP_H200_NODES: String(H200_NODES),
      CP_POD_STAGES: 'demo',
    })).kubeconfigPath;
  const { KubeConfig: KubeConfigClass } = await loadClientNode();
  kubeConfig = new KubeConfigClass();
  kubeConfig.loadFromFile(kubeconfigPath);
  client = await createKubeClient({ clusterName: CLUSTER, kubeConfig });
  const cluster = kubeConfig.getCurrentCluster()!;
  config = new ConfigReader({
    kubernetes: kubernetesClusterConfig({
      name: CLUSTER,
      url: cluster.server,
      token: kubeConfig.getCurrentUser()!.token,
      caData: cluster.caData,
    }),
  });

  await installPrerequisites(client, NAMESPACE);
  ranks = await simulatePodRanks({ kubeConfig, namespaces: [NAMESPACE] });

  const backend = await startTestBackend({
    features: [
      wideEpBackend,
      mockServices.rootConfig.factory({
        data: {
          ...(config.get() as object),
          wideEp: { rankHealth: { freshnessMs: 1000, probeTimeoutMs: 500 } },
        },
      }),
      catalogServiceMock.factory({
        entities: [
          renderDeployment(SERVING).entity as Entity,
          renderDeployment(TOO_BIG).entity as Entity,
        ],
      }),
    ],
  });
  server = backend.server;
  stopBackend = () => backend.stop();
}, CONTROL_PLANE_START_TIMEOUT_MS);

afterAll(async () => {
  await stopBackend?.();
  await ranks?.close();
  await own?.stop();
}, 180_000);

describe('a wide-EP deployment on the real control plane', () => {
  const permissions = {
    authorize: async (requests: unknown[]) =>
      requests.map(() => ({ result: 'ALLOW' })),
    authorizeConditional: async () => [],
  } as never;

  it('wide-ep:apply waits until the real LWS controller, scheduler and kwok report every pod ready', async () => {
    const action = createWideEpApplyAction({
      clusters: ClusterRegistry.fromConfig(config),
      permissions,
      waitIntervalMs: 500,
    });
    const started = Date.now();
    const { promise, lines, outputs } = runAction(action, {
      ...renderDeploymentInput(SERVING),
      waitTimeoutSeconds: 150,
    });
    await promise;
    console.log(
      `wide-ep:apply with readiness wait on the real control plane: ${
        Date.now() - started
      } ms\n${lines.join('\n')}`,
    );
    expect(outputs.mode).toBe('apply');
    expect(lines.join('\n')).toMatch(/ready/i);
  });

  it('the LWS controller made the StatefulSets and its webhook injected the LWS env', async () => {
    const sets = await client.list<V1StatefulSet>({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      namespace: NAMESPACE,
    });
    const owners = new Map(
      sets.map(s => {
        const owner = s.metadata?.ownerReferences?.find(r => r.controller);
        return [s.metadata!.name!, `${owner?.kind}/${owner?.name}`];
      }),
    );
    // The leader StatefulSet of each LWS is the LWS's; a group's worker
    // StatefulSet belongs to its leader pod (size 1 has no workers).
    expect(Object.fromEntries(owners)).toEqual({
      'serving-decode': 'LeaderWorkerSet/serving-decode',
      'serving-decode-0': 'Pod/serving-decode-0',
      'serving-prefill': 'LeaderWorkerSet/serving-prefill',
    });

    const pods = await podsOf('serving');
    expect(pods.map(p => p.metadata!.name).sort()).toEqual([
      'serving-decode-0',
      'serving-decode-0-1',
      'serving-prefill-0',
    ]);
    const rendered = renderDeployment(SERVING).objects.filter(
      o => o.kind === 'LeaderWorkerSet',
    );
    // The rendered pod templates name no LWS_* env: the webhook adds it.
    const renderedEnv = rendered.flatMap(o =>
      (
        o as any
      ).spec.leaderWorkerTemplate.workerTemplate.spec.containers.flatMap(
        (c: any) => (c.env ?? []).map((e: any) => e.name as string),
      ),
    );
    expect(renderedEnv.filter(n => n.startsWith('LWS_'))).toEqual([]);
    for (const pod of pods) {
      const env = new Map(
        (pod.spec!.containers.find(c => c.name === 'vllm')!.env ?? []).map(
          e => [e.name, e.value],
        ),
      );
      const name = pod.metadata!.name!;
      const lws = pod.metadata!.labels!['leaderworkerset.sigs.k8s.io/name'];
      expect(env.get('LWS_LEADER_ADDRESS')).toBe(
        `${lws}-0.${lws}.${NAMESPACE}`,
      );
      expect(env.get('LWS_GROUP_SIZE')).toBe(
        lws === 'serving-decode' ? '2' : '1',
      );
      expect(env.get('LWS_WORKER_INDEX')).toBe(name.endsWith('-1') ? '1' : '0');
      expect(pod.spec!.nodeName).toMatch(/^h200-\d\d$/);
      expect(pod.status!.podIP).toMatch(/^127\./);
    }
  });

  it('default-scheduler bound every pod to a kwok node (Scheduled events)', async () => {
    const events = await client.list<CoreV1Event>({
      apiVersion: 'v1',
      kind: 'Event',
      namespace: NAMESPACE,
    });
    for (const pod of await podsOf('serving')) {
      const scheduled = events.find(
        e =>
          e.reason === 'Scheduled' &&
          e.involvedObject.name === pod.metadata!.name,
      );
      expect(scheduled).toBeDefined();
      expect(
        scheduled!.reportingComponent || scheduled!.source?.component,
      ).toBe('default-scheduler');
      expect(scheduled!.message).toContain(`to ${pod.spec!.nodeName}`);
    }
  });

  it('the rank API shows every rank of the deployment healthy', async () => {
    const body = await waitFor('24 healthy ranks', async () => {
      const r = await ranksOf('serving');
      return r.ranks.length === 24 && r.ranks.every(k => k.state === 'healthy')
        ? r
        : undefined;
    });
    expect(body.summary).toEqual({
      prefill: { ready: 8, total: 8, gpus: 8, groupsReady: 1, groups: 1 },
      decode: { ready: 16, total: 16, gpus: 16, groupsReady: 1, groups: 1 },
    });
    expect(new Set(body.ranks.map(k => k.node))).toEqual(
      new Set((await podsOf('serving')).map(p => p.spec!.nodeName)),
    );
  });

  it('a spec bigger than the free GPUs stays Pending, and its ranks carry the real scheduler message', async () => {
    const action = createWideEpApplyAction({
      clusters: ClusterRegistry.fromConfig(config),
      permissions,
    });
    const { promise } = runAction(action, {
      ...renderDeploymentInput(TOO_BIG),
      wait: false,
    });
    await promise;
    const pending = await waitFor('an unschedulable too-big pod', async () => {
      const pods = await podsOf('too-big');
      return pods.find(p =>
        p.status?.conditions?.some(
          c => c.type === 'PodScheduled' && c.reason === 'Unschedulable',
        ),
      );
    });
    const message = pending.status!.conditions!.find(
      c => c.type === 'PodScheduled',
    )!.message!;
    console.log(`too-big: ${pending.metadata!.name} Pending: ${message}`);
    expect(message).toMatch(
      new RegExp(
        `^0/${H200_NODES} nodes are available: .*Insufficient nvidia\\.com/gpu`,
      ),
    );
    const body = await waitFor(
      'the Pending ranks on the rank API',
      async () => {
        const r = await ranksOf('too-big');
        return r.ranks.some(k => k.pod === pending.metadata!.name)
          ? r
          : undefined;
      },
    );
    const stuck = body.ranks.filter(k => k.pod === pending.metadata!.name);
    expect(stuck.length).toBeGreaterThan(0);
    for (const rank of stuck) {
      expect(rank.state).toBe('starting');
      expect(rank.reason).toContain('Unschedulable');
      expect(rank.reason).toContain('Insufficient nvidia.com/gpu');
    }
  });
});

/** The action input for a parsed spec (the form sends the spec's fields). */
function renderDeploymentInput(s: ReturnType<typeof spec>) {
  return { ...s } as Record<string, unknown>;
}
