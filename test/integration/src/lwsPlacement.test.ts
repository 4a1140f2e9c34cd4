/**
 * Where a rendered GB200 LeaderWorkerSet deployment really lands, decided by
 * the REAL components on a second, throw-away cluster
 * (test/cluster/control-plane/up): kube-scheduler and
 * kube-controller-manager v1.35.4, and the LeaderWorkerSet controller with
 * its webhooks, sigs.k8s.io/lws v0.9.0 unmodified (v0.10.0's source is not
 * on the module proxy; its CRD only adds bounds on `replicas`).
 *
 * SIMULATED (and only this): the nodes — kwok v0.8.0 manages two racks of
 * GB200 trays (`nvidia.com/gpu.clique` = rack, 4 `nvidia.com/gpu` each) and
 * moves bound pods to Running without running anything; the NVIDIA DRA
 * driver — up publishes its DeviceClass and one ResourceSlice per node, and
 * this file creates the ResourceClaimTemplate its ComputeDomain controller
 * would create. The scheduler's DRA plugin, the resource-claim controller
 * and everything else are the real ones.
 *
 * Review finding B3: the LWS annotation
 * `leaderworkerset.sigs.k8s.io/exclusive-topology: nvidia.com/gpu.clique`
 * on both LWS becomes, in the LWS pod webhook, a required podAntiAffinity
 * against every other LWS group in the rack, so prefill and decode cannot
 * share one NVL72 rack. The renderer now uses a required podAffinity on
 * `nvidia.com/gpu.clique` instead. The tests run in order and share the
 * cluster: (a) the rendered deployment lands in one rack; (c) on top of it,
 * a deployment larger than the rack's free trays stays partly Pending
 * (insufficient GPUs); (b) with the annotation put back, one LWS stays
 * Pending on a one-rack cluster (anti-affinity), and once a second rack is
 * schedulable it is placed there: prefill and decode in two racks.
 * The racks' trays alternate in the scheduler's node order (see up), so
 * "one rack" in (a) is the podAffinity's doing, not node-order luck.
 *
 * The cluster: WIDE_EP_CP_KUBECONFIG when set (scripts/test-all.sh may
 * start it early, and stops it); otherwise this file starts its own in a
 * state dir of its own with free ports, and stops it afterwards. If it
 * cannot start, the tests fail.
 */
import fs from 'node:fs';
import type {
  KubernetesObject,
  CoreV1Event,
  V1Node,
  V1Pod,
  V1StatefulSet,
} from '@kubernetes/client-node';
import {
  LABELS,
  WideEpSpecInput,
  parseSpec,
  renderDeployment,
} from '@internal/plugin-wide-ep-common';
import {
  KubeClient,
  applyManifests,
  assertApplySucceeded,
  createKubeClient,
  loadClientNode,
} from '@internal/plugin-wide-ep-node';

import {
  CONTROL_PLANE_START_TIMEOUT_MS as START_TIMEOUT_MS,
  claimTemplateFor,
  startOwnControlPlane,
} from '@internal/wide-ep-rank-simulator';
import { waitUntil as waitUntilShared } from './waitUntil';

const SETTLE_TIMEOUT_MS = 120_000;

const EXCLUSIVE_TOPOLOGY = 'leaderworkerset.sigs.k8s.io/exclusive-topology';
const CLIQUE = 'nvidia.com/gpu.clique';
const GROUP_KEY = 'leaderworkerset.sigs.k8s.io/group-key';
const TEST_LABEL = 'wide-ep.backstage.io/placement-test';
const SIMULATED_NODES = 'wide-ep.backstage.io/simulated=true';

jest.setTimeout(300_000);

let client: KubeClient;
let stopCluster: () => Promise<void> = async () => {};
let nodes: V1Node[] = [];
const timings: Array<[string, number]> = [];

// ------------------------------------------------------------ helpers ---

const waitUntil = <T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = SETTLE_TIMEOUT_MS,
) => waitUntilShared(what, probe, timeoutMs);

const list = <T extends KubernetesObject>(
  kind: string,
  options: { apiVersion?: string; namespace?: string; labelSelector?: string },
) =>
  client.list<T>({
    apiVersion: options.apiVersion ?? 'v1',
    kind,
    namespace: options.namespace,
    labelSelector: options.labelSelector,
  });

const podsOf = (namespace: string) => list<V1Pod>('Pod', { namespace });
const cliqueOf = (nodeName: string) =>
  nodes.find(n => n.metadata?.name === nodeName)?.metadata?.labels?.[CLIQUE];
const lwsOf = (pod: V1Pod) =>
  pod.metadata?.labels?.['leaderworkerset.sigs.k8s.io/name'] ?? '';
const scheduledCondition = (pod: V1Pod) =>
  pod.status?.conditions?.find(c => c.type === 'PodScheduled');
/** Pending because the scheduler tried and found no node. */
const unschedulable = (pod: V1Pod) =>
  !pod.spec?.nodeName &&
  scheduledCondition(pod)?.status === 'False' &&
  scheduledCondition(pod)?.reason === 'Unschedulable';

async function setCordoned(nodeNames: string[], cordoned: boolean) {
  for (const name of nodeNames) {
    await client.apply(
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name },
        spec: { unschedulable: cordoned },
      } as KubernetesObject,
      { dryRun: false, force: true },
    );
  }
}

/**
 * Renders a GB200 LWS deployment with the real renderer and returns the
 * model-server objects this test needs: the vLLM ServiceAccount, the
 * ComputeDomain and both LeaderWorkerSets (the EPP and InferencePool play
 * no part in placement).
 */
function render(
  name: string,
  namespace: string,
  prefill: { replicas: number; dataParallelSize: number },
  decode: { replicas: number; dataParallelSize: number },
): KubernetesObject[] {
  const input: WideEpSpecInput = {
    name,
    namespace,
    model: 'deepseek-ai/DeepSeek-R1-0528',
    hardware: 'gb200',
    clusterProvider: 'generic',
    orchestrator: 'lws',
    gateway: 'none',
    rankPorts: false,
    prefill,
    decode,
  };
  const parsed = parseSpec(input);
  if (!parsed.success) {
    throw new Error(`spec rejected: ${JSON.stringify(parsed.issues)}`);
  }
  return renderDeployment(parsed.spec).objects.filter(
    o =>
      o.kind === 'LeaderWorkerSet' ||
      o.kind === 'ComputeDomain' ||
      (o.kind === 'ServiceAccount' && o.metadata?.name === `${name}-vllm`),
  );
}

/**
 * SIMULATED NVIDIA ComputeDomain controller: the ResourceClaimTemplate it
 * creates for a ComputeDomain (`claimTemplateFor`, shared with the demo).
 */
async function simulateComputeDomainController(
  namespace: string,
  cdName: string,
) {
  const cd = await client.read<KubernetesObject>({
    apiVersion: 'resource.nvidia.com/v1beta1',
    kind: 'ComputeDomain',
    namespace,
    name: cdName,
  });
  if (!cd) throw new Error(`ComputeDomain ${namespace}/${cdName} not found`);
  const template = claimTemplateFor(cd);
  if (!template)
    throw new Error(
      `ComputeDomain ${namespace}/${cdName} names no claim template`,
    );
  console.log(
    `SIMULATED ComputeDomain controller: ResourceClaimTemplate ${namespace}/${template.metadata.name} for ComputeDomain ${cdName}`,
  );
  await client.apply(template as KubernetesObject, {
    dryRun: false,
    force: false,
  });
}

/**
 * Applies the rendered objects server-side, the way the generator's apply
 * action does (namespace first), with the ComputeDomain's claim template
 * in place before the LeaderWorkerSets create pods.
 */
async function deploy(namespace: string, objects: KubernetesObject[]) {
  const ns: KubernetesObject = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: namespace, labels: { [TEST_LABEL]: 'true' } },
  };
  const lws = objects.filter(o => o.kind === 'LeaderWorkerSet');
  assertApplySucceeded(
    await applyManifests({
      client,
      objects: [ns, ...objects.filter(o => o.kind !== 'LeaderWorkerSet')],
      dryRun: false,
    }),
  );
  const cd = objects.find(o => o.kind === 'ComputeDomain');
  if (!cd)
    throw new Error('the rendered GB200 deployment has no ComputeDomain');
  await simulateComputeDomainController(namespace, cd.metadata!.name!);
  assertApplySucceeded(
    await applyManifests({ client, objects: lws, dryRun: false }),
  );
}

/**
 * Deletes the namespaces this file created. `freed` waits only until their
 * pods and ResourceClaims are gone (trays and DRA channels free again);
 * `gone` until the namespaces themselves are (so their names can be reused).
 */
async function deleteTestNamespaces(until: 'freed' | 'gone') {
  const namespaces = (
    await list('Namespace', { labelSelector: TEST_LABEL })
  ).map(ns => ns.metadata!.name!);
  for (const name of namespaces) {
    await client.delete({ apiVersion: 'v1', kind: 'Namespace', name });
  }
  await waitUntil(`the test namespaces to be ${until}`, async () => {
    if (until === 'gone') {
      const left = await list('Namespace', { labelSelector: TEST_LABEL });
      return left.length === 0 ? true : undefined;
    }
    for (const namespace of namespaces) {
      if ((await podsOf(namespace)).length > 0) return undefined;
      const claims = await list('ResourceClaim', {
        apiVersion: 'resource.k8s.io/v1',
        namespace,
      });
      if (claims.length > 0) return undefined;
    }
    return true;
  });
}

function describePods(pods: V1Pod[]): string {
  return pods
    .map(
      p =>
        `${p.metadata?.name} ${p.status?.phase} ${p.spec?.nodeName ?? '-'} ${
          scheduledCondition(p)?.message ?? ''
        }`,
    )
    .join('\n');
}

// -------------------------------------------------------------- setup ---

beforeAll(async () => {
  const start = Date.now();
  const kubeconfigPath =
    process.env.WIDE_EP_CP_KUBECONFIG ??
    (await startOwnControlPlane().then(own => {
      stopCluster = own.stop;
      return own.kubeconfigPath;
    }));
  if (!kubeconfigPath || !fs.existsSync(kubeconfigPath)) {
    throw new Error(
      `control-plane cluster did not come up (kubeconfig "${kubeconfigPath}")`,
    );
  }
  const { KubeConfig } = await loadClientNode();
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  client = await createKubeClient({ clusterName: 'control-plane', kubeConfig });

  // A re-used cluster may hold what an aborted run left.
  nodes = await list<V1Node>('Node', { labelSelector: SIMULATED_NODES });
  await setCordoned(
    nodes.map(n => n.metadata!.name!),
    false,
  );
  await deleteTestNamespaces('gone');
  nodes = await list<V1Node>('Node', { labelSelector: SIMULATED_NODES });
  timings.push(['cluster ready', Date.now() - start]);
}, START_TIMEOUT_MS);

afterAll(async () => {
  try {
    if (client && process.env.WIDE_EP_CP_KUBECONFIG) {
      await setCordoned(
        nodes.map(n => n.metadata!.name!),
        false,
      );
      await deleteTestNamespaces('gone');
    }
  } finally {
    const start = Date.now();
    await stopCluster();
    timings.push(['cluster stopped', Date.now() - start]);
    console.log(
      `lwsPlacement timings:\n${timings
        .map(([what, ms]) => `  ${what}: ${(ms / 1000).toFixed(1)} s`)
        .join('\n')}`,
    );
  }
}, 180_000);

// -------------------------------------------------------------- tests ---

describe('GB200 LWS placement by the real scheduler, controller-manager and LWS v0.9.0', () => {
  let rackOfA = '';

  it('has SIMULATED GB200 nodes in at least two racks', () => {
    const racks = new Set(nodes.map(n => n.metadata?.labels?.[CLIQUE]));
    expect(racks.size).toBeGreaterThanOrEqual(2);
    for (const n of nodes) {
      expect(n.status?.allocatable?.['nvidia.com/gpu']).toBe('4');
      expect(n.metadata?.labels?.['kubernetes.io/arch']).toBe('arm64');
    }
  });

  it('(a) places prefill 1 x DP8 + decode 1 x DP16 in one rack: scheduled by default-scheduler, LWS-owned, LWS env injected, Running', async () => {
    const start = Date.now();
    const ns = 'placement-fit';
    const objects = render(
      'fit',
      ns,
      { replicas: 1, dataParallelSize: 8 },
      {
        replicas: 1,
        dataParallelSize: 16,
      },
    );
    // The renderer's rack co-location, and no exclusive-topology (B3).
    for (const lws of objects.filter(o => o.kind === 'LeaderWorkerSet')) {
      expect(lws.metadata?.annotations?.[EXCLUSIVE_TOPOLOGY]).toBeUndefined();
    }
    await deploy(ns, objects);

    // 1 group of 2 pods (8 GPUs) + 1 group of 4 pods (16 GPUs) = 6 trays.
    const pods = await waitUntil('6 pods Running', async () => {
      const all = await podsOf(ns);
      return all.length === 6 &&
        all.every(p => p.status?.phase === 'Running' && p.spec?.nodeName)
        ? all
        : undefined;
    }).catch(async e => {
      throw new Error(`${e.message}\n${describePods(await podsOf(ns))}`);
    });

    // Bound by the real scheduler: its Scheduled event for every pod.
    const events = await list<CoreV1Event>('Event', { namespace: ns });
    for (const pod of pods) {
      expect(pod.spec?.schedulerName).toBe('default-scheduler');
      const scheduled = events.find(
        e =>
          e.reason === 'Scheduled' &&
          e.involvedObject?.name === pod.metadata?.name,
      );
      expect(
        scheduled?.reportingComponent || scheduled?.source?.component,
      ).toBe('default-scheduler');
      expect(scheduled?.message).toContain(`to ${pod.spec?.nodeName}`);
    }

    // All six trays in ONE nvidia.com/gpu.clique, each on its own tray.
    const cliques = new Set(pods.map(p => cliqueOf(p.spec!.nodeName!)));
    expect([...cliques]).toHaveLength(1);
    expect(new Set(pods.map(p => p.spec!.nodeName)).size).toBe(6);
    rackOfA = [...cliques][0]!;

    // The LWS controller made them: leader StatefulSets owned by their LWS,
    // worker StatefulSets by their leader pod.
    const sets = await list<V1StatefulSet>('StatefulSet', {
      apiVersion: 'apps/v1',
      namespace: ns,
    });
    expect(sets.map(s => s.metadata!.name).sort()).toEqual([
      'fit-decode',
      'fit-decode-0',
      'fit-prefill',
      'fit-prefill-0',
    ]);
    for (const set of sets) {
      const owner = set.metadata?.ownerReferences?.find(o => o.controller);
      const name = set.metadata!.name!;
      const expected = name.endsWith('-0')
        ? { apiVersion: 'v1', kind: 'Pod', name }
        : {
            apiVersion: 'leaderworkerset.x-k8s.io/v1',
            kind: 'LeaderWorkerSet',
            name,
          };
      expect(owner).toMatchObject(expected);
    }

    // The LWS pod webhook injected the group env into the vllm container
    // (the renderer does not set these).
    for (const obj of objects.filter(o => o.kind === 'LeaderWorkerSet')) {
      const rendered = JSON.stringify(obj);
      expect(rendered).not.toContain('"name":"LWS_GROUP_SIZE"');
    }
    for (const pod of pods) {
      const vllm = pod.spec!.containers.find(c => c.name === 'vllm')!;
      const env = Object.fromEntries(
        (vllm.env ?? []).map(e => [e.name, e.value]),
      );
      const size = lwsOf(pod) === 'fit-prefill' ? '2' : '4';
      expect(env.LWS_GROUP_SIZE).toBe(size);
      expect(env.LWS_WORKER_INDEX).toBe(
        pod.metadata?.labels?.['leaderworkerset.sigs.k8s.io/worker-index'],
      );
      expect(env.LWS_LEADER_ADDRESS).toBe(
        `${lwsOf(pod)}-0.${lwsOf(pod)}.${ns}`,
      );
      // No exclusive placement: no anti-affinity from the webhook.
      expect(pod.spec?.affinity?.podAntiAffinity).toBeUndefined();
    }

    // The scheduler's DRA plugin allocated each pod's ComputeDomain channel
    // on the pod's node (from the SIMULATED driver's ResourceSlices).
    const claims = await list<
      KubernetesObject & {
        status?: {
          allocation?: {
            devices?: {
              results?: Array<{ driver: string; pool: string; device: string }>;
            };
          };
          reservedFor?: Array<{ name: string }>;
        };
      }
    >('ResourceClaim', { apiVersion: 'resource.k8s.io/v1', namespace: ns });
    expect(claims).toHaveLength(6);
    for (const pod of pods) {
      const claim = claims.find(c =>
        c.status?.reservedFor?.some(r => r.name === pod.metadata?.name),
      );
      expect(claim?.status?.allocation?.devices?.results).toEqual([
        expect.objectContaining({
          driver: 'compute-domain.nvidia.com',
          pool: pod.spec!.nodeName,
          device: 'channel-0',
        }),
      ]);
    }
    timings.push([
      '(a) fits one rack: applied to all Running',
      Date.now() - start,
    ]);
  });

  it('(c) leaves pods Pending with "Insufficient nvidia.com/gpu" when the deployment needs more trays than are free', async () => {
    const start = Date.now();
    expect(rackOfA).not.toBe('');
    // Only (a)'s rack is schedulable: 6 of its trays are taken by (a).
    const others = nodes
      .filter(n => n.metadata?.labels?.[CLIQUE] !== rackOfA)
      .map(n => n.metadata!.name!);
    await setCordoned(others, true);
    const rackSize = nodes.length - others.length;
    const free = rackSize - 6;

    const ns = 'placement-nofit';
    // 16 + 48 GPUs = 16 trays: fits an empty rack, not the free trays.
    await deploy(
      ns,
      render(
        'nofit',
        ns,
        { replicas: 1, dataParallelSize: 16 },
        {
          replicas: 1,
          dataParallelSize: 48,
        },
      ),
    );
    const pods = await waitUntil(
      `${free} of 16 pods bound and the rest unschedulable`,
      async () => {
        const all = await podsOf(ns);
        const bound = all.filter(p => p.spec?.nodeName);
        return all.length === 16 &&
          bound.length === free &&
          all.filter(unschedulable).length === 16 - free
          ? all
          : undefined;
      },
    ).catch(async e => {
      throw new Error(`${e.message}\n${describePods(await podsOf(ns))}`);
    });
    const pending = pods.filter(unschedulable);
    for (const pod of pods.filter(p => p.spec?.nodeName)) {
      expect(cliqueOf(pod.spec!.nodeName!)).toBe(rackOfA);
    }
    const message = scheduledCondition(pending[0])!.message!;
    console.log(`(c) scheduler message: ${message}`);
    for (const pod of pending) {
      expect(scheduledCondition(pod)?.message).toMatch(
        new RegExp(
          `^0/${nodes.length} nodes are available: .*\\b${rackSize} Insufficient nvidia\\.com/gpu\\b`,
        ),
      );
    }
    const events = await list<CoreV1Event>('Event', { namespace: ns });
    const failed = events.filter(
      e =>
        e.reason === 'FailedScheduling' &&
        (e.reportingComponent || e.source?.component) === 'default-scheduler',
    );
    expect(failed.map(e => e.message)).toContainEqual(
      expect.stringContaining('Insufficient nvidia.com/gpu'),
    );
    timings.push([
      '(c) no fit: applied to settled Pending',
      Date.now() - start,
    ]);
  });

  it('(b) regression: with exclusive-topology on both LWS, one LWS stays Pending on a one-rack cluster (pod anti-affinity)', async () => {
    const start = Date.now();
    // A one-rack cluster: every tray free, all but one rack cordoned.
    await deleteTestNamespaces('freed');
    const rack = nodes[0].metadata!.labels![CLIQUE];
    await setCordoned(
      nodes.map(n => n.metadata!.name!),
      false,
    );
    await setCordoned(
      nodes
        .filter(n => n.metadata?.labels?.[CLIQUE] !== rack)
        .map(n => n.metadata!.name!),
      true,
    );
    const ns = 'placement-exclusive';
    const objects = render(
      'excl',
      ns,
      { replicas: 1, dataParallelSize: 8 },
      {
        replicas: 1,
        dataParallelSize: 16,
      },
    );
    for (const lws of objects.filter(o => o.kind === 'LeaderWorkerSet')) {
      lws.metadata!.annotations = {
        ...lws.metadata!.annotations,
        [EXCLUSIVE_TOPOLOGY]: CLIQUE,
      };
    }
    await deploy(ns, objects);

    // Group sizes: prefill DP8 = 2 trays, decode DP16 = 4 trays. With
    // exclusive placement the LWS controller creates a group's worker
    // StatefulSet only once its leader is scheduled (lws
    // pod_controller.go), so the losing LWS shows just its leader.
    const size: Record<string, number> = {
      'excl-prefill': 2,
      'excl-decode': 4,
    };
    const { winner, loser } = await waitUntil(
      'one LWS Running and the other unschedulable',
      async () => {
        const all = await podsOf(ns);
        const byLws = (name: string) => all.filter(p => lwsOf(p) === name);
        for (const [w, l] of [
          ['excl-prefill', 'excl-decode'],
          ['excl-decode', 'excl-prefill'],
        ]) {
          if (
            byLws(w).length === size[w] &&
            byLws(w).every(p => p.status?.phase === 'Running') &&
            byLws(l).length > 0 &&
            byLws(l).every(unschedulable)
          ) {
            return { winner: byLws(w), loser: byLws(l) };
          }
        }
        return undefined;
      },
    ).catch(async e => {
      throw new Error(`${e.message}\n${describePods(await podsOf(ns))}`);
    });
    const winnerRack = cliqueOf(winner[0].spec!.nodeName!);
    expect(winnerRack).toBe(rack);
    console.log(
      `(b) ${lwsOf(winner[0])} Running in ${winnerRack}; ${loser
        .map(p => p.metadata?.name)
        .join(', ')} Pending`,
    );
    expect(winner.every(p => cliqueOf(p.spec!.nodeName!) === winnerRack)).toBe(
      true,
    );

    // The LWS webhook's doing: every leader gets a required anti-affinity
    // against pods of other LWS groups in its clique; the winner's workers
    // are pinned to its leader's clique by nodeSelector.
    const isLeader = (p: V1Pod) =>
      p.metadata?.labels?.['leaderworkerset.sigs.k8s.io/worker-index'] === '0';
    const leaders = [...winner, ...loser].filter(isLeader);
    expect(leaders).toHaveLength(2);
    for (const pod of leaders) {
      expect(
        pod.spec?.affinity?.podAntiAffinity
          ?.requiredDuringSchedulingIgnoredDuringExecution,
      ).toContainEqual(
        expect.objectContaining({
          topologyKey: CLIQUE,
          labelSelector: {
            matchExpressions: [
              { key: GROUP_KEY, operator: 'Exists' },
              {
                key: GROUP_KEY,
                operator: 'NotIn',
                values: [pod.metadata!.labels![GROUP_KEY]],
              },
            ],
          },
        }),
      );
    }
    for (const pod of winner.filter(p => !isLeader(p))) {
      expect(pod.spec?.nodeSelector?.[CLIQUE]).toBe(winnerRack);
    }
    const message = scheduledCondition(loser[0])!.message!;
    console.log(`(b) scheduler message: ${message}`);
    for (const pod of loser) {
      expect(scheduledCondition(pod)?.message).toMatch(
        new RegExp(
          `^0/${nodes.length} nodes are available: .*node\\(s\\) didn't match pod anti-affinity rules`,
        ),
      );
    }

    timings.push([
      '(b) exclusive-topology, one rack: applied to settled Pending',
      Date.now() - start,
    ]);

    // With a second rack the loser is placed, but in the OTHER rack: the
    // webhook's extra podAffinity term (own group-key) means no prefill/decode
    // pod matches all of the loser's required terms, and the scheduler counts
    // only pods matching all of them (InterPodAffinity), so the rendered
    // deployment co-location no longer binds it. Prefill and decode end up in
    // two NVLink domains: the other half of review finding B3.
    const second = Date.now();
    await setCordoned(
      nodes.map(n => n.metadata!.name!),
      false,
    );
    const placed = await waitUntil(
      `${lwsOf(loser[0])} Running once a second rack is schedulable`,
      async () => {
        const again = (await podsOf(ns)).filter(
          p => lwsOf(p) === lwsOf(loser[0]),
        );
        return again.length === size[lwsOf(loser[0])] &&
          again.every(p => p.status?.phase === 'Running')
          ? again
          : undefined;
      },
    ).catch(async e => {
      throw new Error(`${e.message}\n${describePods(await podsOf(ns))}`);
    });
    const loserRacks = new Set(placed.map(p => cliqueOf(p.spec!.nodeName!)));
    console.log(
      `(b) with two racks: ${lwsOf(winner[0])} in ${winnerRack}, ${lwsOf(
        placed[0],
      )} in ${[...loserRacks].join(', ')}`,
    );
    expect(loserRacks.size).toBe(1);
    expect(loserRacks.has(winnerRack)).toBe(false);
    timings.push([
      '(b) exclusive-topology, two racks: uncordon to split placement',
      Date.now() - second,
    ]);
  });
});

// The label key the renderer selects its own pods by (keeps the test in
// step with podSpec.ts).
test('the rendered podAffinity selects the deployment label', () => {
  const objects = render(
    'aff',
    'x',
    { replicas: 1, dataParallelSize: 8 },
    {
      replicas: 1,
      dataParallelSize: 16,
    },
  );
  for (const lws of objects.filter(o => o.kind === 'LeaderWorkerSet')) {
    const spec = (
      lws as KubernetesObject & {
        spec: {
          leaderWorkerTemplate: {
            workerTemplate: { spec: { affinity: { podAffinity: unknown } } };
          };
        };
      }
    ).spec.leaderWorkerTemplate.workerTemplate.spec;
    expect(spec.affinity.podAffinity).toEqual({
      requiredDuringSchedulingIgnoredDuringExecution: [
        {
          labelSelector: { matchLabels: { [LABELS.deployment]: 'aff' } },
          topologyKey: CLIQUE,
        },
      ],
    });
  }
});
