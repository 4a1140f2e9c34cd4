/**
 * The SIMULATED operators of the local demo: plays LeaderWorkerSet, Grove,
 * kube-scheduler, the kubelet and vLLM against the demo kube-apiserver
 * (which has no controllers and no nodes), so a deployment applied from the
 * wide-EP template becomes pods that go scheduled → running → ready and
 * ranks that answer /health on loopback addresses.
 *
 * Test and demo infrastructure only: it acts on the namespaces it is given,
 * on a cluster that {@link assertDemoCluster} accepted.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import { loadClientNode } from '@internal/plugin-wide-ep-node';
// TODO(lead): import from the package root once it exports './health'.
import { podRankLayout } from '@internal/plugin-wide-ep-common';
// Pods exactly as LWS and Grove create them: the builders the tests use, so the demo and the tests agree.
import {
  OperatorPod,
  containerCreatingStatus,
  grovePods,
  lwsPods,
  readyStatus,
  runningNotReadyStatus,
  unschedulableStatus,
} from '@internal/plugin-wide-ep-common/testUtils';
import {
  RankSimulator,
  startRankSimulator,
} from '@internal/wide-ep-rank-simulator';
import { putPod, setPodStatus } from '@internal/wide-ep-rank-simulator';
import { LoopbackIpPool } from './ipPool';
import {
  SIMULATED_LABEL,
  SimulatedNode,
  buildNodes,
  defaultNodePools,
  nodeManifest,
  nodeStatus,
  placePod,
  releaseNode,
} from './simulatedNodes';
import { foreignNodes, problemWithServer } from './demoGuard';

type AnyObject = Record<string, any>;
type ClientNode = Awaited<ReturnType<typeof loadClientNode>>;

/** How long each step of a pod takes, in milliseconds ([min, max] are drawn uniformly). */
export interface DemoTiming {
  /** Pod created → bound to a node, ContainerCreating. */
  scheduleMs: number;
  /** ContainerCreating → Running (not ready), with a pod IP. */
  runningMs: [number, number];
  /** Running → Ready; the simulated ranks start listening just before. */
  readyMs: [number, number];
  /** Reconcile interval (list workloads, write status). */
  pollMs: number;
  /** Interval of the simulated load changes on /metrics. */
  loadMs: number;
}

export const DEFAULT_TIMING: DemoTiming = {
  scheduleMs: 500,
  runningMs: [1500, 3000],
  readyMs: [3000, 7000],
  pollMs: 1000,
  loadMs: 3000,
};

/** Options for {@link DemoOperator.start}. */
export interface DemoOperatorOptions {
  kubeConfig: KubeConfig;
  /** State folder of the demo cluster (test/cluster/up with WIDE_EP_CLUSTER_STATE_DIR). */
  stateDir: string;
  /** Namespaces to create and to play the operators in. */
  namespaces: string[];
  gb200Nodes?: number;
  hgxNodes?: number;
  timing?: Partial<DemoTiming>;
  log?: (line: string) => void;
}

type Stage = 'pending' | 'unschedulable' | 'creating' | 'running' | 'ready';

interface TrackedPod {
  pod: OperatorPod;
  gpus: number;
  stage: Stage;
  /** The pod object exists in the API server. */
  created: boolean;
  node?: string;
  ip?: string;
  sim?: RankSimulator;
  abort: AbortController;
  lifecycle?: Promise<void>;
  createdAt?: string;
  runningAt?: string;
}

interface TrackedWorkload {
  key: string;
  kind: 'LeaderWorkerSet' | 'PodCliqueSet';
  namespace: string;
  name: string;
  uid: string;
  generation?: number;
  object: AnyObject;
  pods: Map<string, TrackedPod>;
  /** Objects this operator created as the real operator would (PodCliques, scaling groups, ComputeDomains). */
  children: CustomRef[];
}

interface CustomRef {
  group: string;
  version: string;
  plural: string;
  namespace: string;
  name: string;
}

/** One simulated pod as the control endpoint reports it. */
export interface SimulatedPodInfo {
  namespace: string;
  pod: string;
  workload: string;
  stage: Stage;
  node?: string;
  ip?: string;
  ranks: Array<{ globalRank: number; port: number; state: string }>;
}

const LWS = {
  group: 'leaderworkerset.x-k8s.io',
  version: 'v1',
  plural: 'leaderworkersets',
};
const PCS = { group: 'grove.io', version: 'v1alpha1', plural: 'podcliquesets' };
const PCLQ = { group: 'grove.io', version: 'v1alpha1', plural: 'podcliques' };
const PCSG = {
  group: 'grove.io',
  version: 'v1alpha1',
  plural: 'podcliquescalinggroups',
};
const CD = {
  group: 'resource.nvidia.com',
  version: 'v1beta1',
  plural: 'computedomains',
};
const GATEWAY = {
  group: 'gateway.networking.k8s.io',
  version: 'v1',
  plural: 'gateways',
};
const GATEWAY_CLASS = {
  group: 'gateway.networking.k8s.io',
  version: 'v1',
  plural: 'gatewayclasses',
};

/** GatewayClasses the demo provides, "accepted" by a controller that is not there. */
export const DEMO_GATEWAY_CLASSES: Record<string, string> = {
  kgateway: 'kgateway.dev/kgateway',
  istio: 'istio.io/gateway-controller',
};

/** The HF token Secret the generated pods reference, with an obviously FAKE value. */
export const DEMO_HF_SECRET = {
  name: 'llm-d-hf-token',
  key: 'HF_TOKEN',
  value: 'FAKE-wide-ep-demo-token-not-a-hugging-face-token',
};

const SIMULATED_NOTE = 'wide-ep.backstage.io/note';

const codeOf = (error: unknown) => (error as { code?: number })?.code;
const isAbort = (error: unknown) =>
  (error as { name?: string })?.name === 'AbortError';
const rand = ([min, max]: [number, number]) =>
  Math.round(min + Math.random() * (max - min));
const iso = () => new Date().toISOString();

/** The served model of a generated vllm container, for the simulator's /v1/models. */
function servedModel(pod: OperatorPod): string | undefined {
  const vllm = (pod.spec?.containers ?? []).find(c => c.name === 'vllm') as
    | AnyObject
    | undefined;
  const text = [...(vllm?.command ?? []), ...(vllm?.args ?? [])].join(' ');
  return (
    /--served-model-name[= ]+(\S+)/.exec(text)?.[1] ??
    /vllm serve (\S+)/.exec(text)?.[1]
  );
}

function requestedGpus(pod: OperatorPod): number {
  const vllm = (pod.spec?.containers ?? []).find(c => c.name === 'vllm') as
    | AnyObject
    | undefined;
  const n = Number(
    vllm?.resources?.limits?.['nvidia.com/gpu'] ??
      vllm?.resources?.requests?.['nvidia.com/gpu'] ??
      0,
  );
  return Number.isFinite(n) ? n : 0;
}

/**
 * Plays the operators; see the file comment. Create with
 * {@link DemoOperator.start}, stop with {@link DemoOperator.stop}.
 */
export class DemoOperator {
  private readonly workloads = new Map<string, TrackedWorkload>();
  private readonly ips = new LoopbackIpPool();
  private readonly nodes: SimulatedNode[];
  private readonly timing: DemoTiming;
  private readonly log: (line: string) => void;
  private readonly lastStatus = new Map<string, string>();
  private stopped = false;
  private loop?: Promise<void>;
  private loadTimer?: NodeJS.Timeout;
  private lastTickError?: string;
  private failingSince?: number;

  private constructor(
    private readonly options: DemoOperatorOptions,
    private readonly k8s: ClientNode,
  ) {
    this.nodes = buildNodes(
      defaultNodePools({
        gb200Nodes: options.gb200Nodes,
        hgxNodes: options.hgxNodes,
      }),
    );
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.log =
      options.log ??
      (line => process.stdout.write(`[demo-operator] ${line}\n`));
  }

  /**
   * Checks that the kubeconfig points at the demo cluster, creates the
   * fixtures (namespaces, fake HF token Secret, GatewayClasses, simulated
   * GPU nodes) and starts reconciling.
   */
  static async start(options: DemoOperatorOptions): Promise<DemoOperator> {
    const k8s = await loadClientNode();
    const operator = new DemoOperator(options, k8s);
    await operator.assertDemoCluster();
    await operator.createFixtures();
    operator.loop = operator.run();
    operator.loadTimer = setInterval(
      () => operator.varyLoad(),
      operator.timing.loadMs,
    );
    operator.loadTimer.unref();
    return operator;
  }

  private get core() {
    return this.options.kubeConfig.makeApiClient(this.k8s.CoreV1Api);
  }
  private get apps() {
    return this.options.kubeConfig.makeApiClient(this.k8s.AppsV1Api);
  }
  private get custom() {
    return this.options.kubeConfig.makeApiClient(this.k8s.CustomObjectsApi);
  }

  private async assertDemoCluster(): Promise<void> {
    const server = this.options.kubeConfig.getCurrentCluster()?.server ?? '';
    const problem = problemWithServer(server, this.options.stateDir);
    if (problem) throw new Error(`refusing to start: ${problem}`);
    const nodes = await this.core.listNode();
    const foreign = foreignNodes(nodes.items);
    if (foreign.length) {
      throw new Error(
        `refusing to start: the cluster has nodes the demo did not create (${foreign
          .slice(0, 5)
          .join(', ')}); it is not the simulated demo cluster`,
      );
    }
  }

  // ------------------------------------------------------------ fixtures ---

  private async createIfMissing(
    create: () => Promise<unknown>,
  ): Promise<boolean> {
    try {
      await create();
      return true;
    } catch (error) {
      if (codeOf(error) === 409) return false;
      throw error;
    }
  }

  private async createFixtures(): Promise<void> {
    const note = {
      [SIMULATED_NOTE]:
        'created by the wide-EP demo operator (SIMULATED cluster)',
    };
    for (const namespace of this.options.namespaces) {
      await this.createIfMissing(() =>
        this.core.createNamespace({
          body: {
            metadata: {
              name: namespace,
              labels: { [SIMULATED_LABEL]: 'true' },
              annotations: note,
            },
          },
        }),
      );
      await this.createIfMissing(() =>
        this.core.createNamespacedSecret({
          namespace,
          body: {
            metadata: {
              name: DEMO_HF_SECRET.name,
              labels: { [SIMULATED_LABEL]: 'true' },
              annotations: {
                [SIMULATED_NOTE]:
                  'FAKE Hugging Face token for the SIMULATED demo; nothing downloads a model here',
              },
            },
            type: 'Opaque',
            stringData: { [DEMO_HF_SECRET.key]: DEMO_HF_SECRET.value },
          },
        }),
      );
    }
    for (const [name, controllerName] of Object.entries(DEMO_GATEWAY_CLASSES)) {
      await this.createIfMissing(() =>
        this.custom.createClusterCustomObject({
          ...GATEWAY_CLASS,
          body: {
            apiVersion: 'gateway.networking.k8s.io/v1',
            kind: 'GatewayClass',
            metadata: {
              name,
              labels: { [SIMULATED_LABEL]: 'true' },
              annotations: note,
            },
            spec: {
              controllerName,
              description: `SIMULATED ${name} for the wide-EP local demo (no data plane)`,
            },
          },
        }),
      );
      const current = (await this.custom.getClusterCustomObject({
        ...GATEWAY_CLASS,
        name,
      })) as AnyObject;
      current.status = {
        conditions: [
          {
            type: 'Accepted',
            status: 'True',
            reason: 'Accepted',
            message: `SIMULATED: accepted on behalf of ${controllerName} by the wide-EP demo operator`,
            observedGeneration: current.metadata?.generation ?? 1,
            lastTransitionTime: iso(),
          },
        ],
      };
      await this.custom.replaceClusterCustomObjectStatus({
        ...GATEWAY_CLASS,
        name,
        body: current,
      });
    }
    const existing = new Set(
      (await this.core.listNode()).items.map(n => n.metadata?.name),
    );
    for (const node of this.nodes) {
      if (!existing.has(node.name))
        await this.createIfMissing(() =>
          this.core.createNode({ body: nodeManifest(node) as never }),
        );
      const current = await this.core.readNode({ name: node.name });
      current.status = nodeStatus(node) as never;
      await this.core.replaceNodeStatus({ name: node.name, body: current });
    }
    const gpus = this.nodes.reduce((n, x) => n + x.gpus, 0);
    this.log(
      `fixtures ready: namespaces ${this.options.namespaces.join(
        ', ',
      )} with the FAKE Secret ${
        DEMO_HF_SECRET.name
      }; GatewayClasses ${Object.keys(DEMO_GATEWAY_CLASSES).join(', ')}; ${
        this.nodes.length
      } SIMULATED nodes with ${gpus} GPUs (${this.nodes[0]?.name} …)`,
    );
  }

  // ------------------------------------------------------------ reconcile ---

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.tick();
        if (this.lastTickError) this.log('reconcile recovered');
        this.lastTickError = undefined;
        this.failingSince = undefined;
      } catch (error) {
        const message = (error as Error).message ?? String(error);
        this.failingSince ??= Date.now();
        // A fresh API server answers 429 for a moment while its priority
        // levels are set up: only report failures that persist.
        const transient =
          [429, 503].includes(codeOf(error) ?? 0) &&
          Date.now() - this.failingSince < 10_000;
        if (!transient && message !== this.lastTickError) {
          this.log(`reconcile failed (retrying): ${message}`);
          this.lastTickError = message;
        }
      }
      if (!this.stopped) await sleep(this.timing.pollMs);
    }
  }

  private async listCustom(
    ref: { group: string; version: string; plural: string },
    namespace: string,
  ): Promise<AnyObject[]> {
    try {
      const list = (await this.custom.listNamespacedCustomObject({
        ...ref,
        namespace,
      })) as { items?: AnyObject[] };
      return list.items ?? [];
    } catch (error) {
      if (codeOf(error) === 404) return []; // CRD not installed
      throw error;
    }
  }

  private async tick(): Promise<void> {
    for (const namespace of this.options.namespaces) {
      const [lws, pcs, pods] = await Promise.all([
        this.listCustom(LWS, namespace),
        this.listCustom(PCS, namespace),
        this.core.listNamespacedPod({ namespace }),
      ]);
      const podNames = new Set(pods.items.map(p => p.metadata?.name));
      const seen = new Set<string>();
      for (const object of [...lws, ...pcs]) {
        if (object.metadata?.deletionTimestamp) continue;
        const tracked = await this.reconcileWorkload(object, podNames);
        seen.add(tracked.key);
      }
      for (const w of [...this.workloads.values()]) {
        if (w.namespace === namespace && !seen.has(w.key)) {
          this.log(
            `${w.kind} ${w.namespace}/${w.name} deleted: removing its pods and simulated ranks`,
          );
          await this.removeWorkload(w);
        }
      }
      for (const w of this.workloads.values()) {
        if (w.namespace === namespace) await this.writeWorkloadStatus(w);
      }
      await this.reconcileDeployments(namespace);
      await this.reconcileGateways(namespace);
      await this.reconcileComputeDomains(namespace);
    }
  }

  private async reconcileWorkload(
    object: AnyObject,
    podNames: Set<string | undefined>,
  ): Promise<TrackedWorkload> {
    const kind = object.kind as TrackedWorkload['kind'];
    const namespace: string = object.metadata.namespace;
    const name: string = object.metadata.name;
    const key = `${namespace}/${kind}/${name}`;
    let w = this.workloads.get(key);
    if (
      w &&
      (w.uid !== object.metadata.uid ||
        w.generation !== object.metadata.generation)
    ) {
      this.log(
        `${kind} ${namespace}/${name} changed (generation ${object.metadata.generation}): recreating its pods`,
      );
      await this.removeWorkload(w);
      w = undefined;
    }
    if (!w) {
      const desired =
        kind === 'LeaderWorkerSet'
          ? lwsPods(object as never)
          : grovePods(object as never);
      w = {
        key,
        kind,
        namespace,
        name,
        uid: object.metadata.uid,
        generation: object.metadata.generation,
        object,
        pods: new Map(),
        children: [],
      };
      for (const pod of desired) {
        const owner = {
          apiVersion: object.apiVersion,
          kind,
          name,
          uid: object.metadata.uid,
          controller: false,
        };
        (pod.metadata as AnyObject).ownerReferences = [owner];
        w.pods.set(pod.metadata.name, {
          pod,
          gpus: requestedGpus(pod),
          stage: 'pending',
          created: false,
          abort: new AbortController(),
        });
      }
      this.workloads.set(key, w);
      this.log(
        `${kind} ${namespace}/${name}: creating ${desired.length} pods as the ${
          kind === 'LeaderWorkerSet' ? 'LWS' : 'Grove'
        } operator would`,
      );
      if (kind === 'PodCliqueSet') await this.createGroveChildren(w);
      for (const p of w.pods.values()) this.startPod(w, p);
      return w;
    }
    w.object = object;
    for (const p of w.pods.values()) {
      if (p.lifecycle) continue;
      if (p.created && !podNames.has(p.pod.metadata.name)) {
        // Deleted from outside (kubectl delete pod, the control endpoint): recreate it like a StatefulSet or PodClique.
        this.log(
          `pod ${namespace}/${p.pod.metadata.name} is gone: recreating it`,
        );
        await this.resetPod(p);
        this.startPod(w, p);
      } else if (p.stage === 'unschedulable') {
        this.startPod(w, p); // retry placement: GPUs may have been freed
      }
    }
    return w;
  }

  private startPod(w: TrackedWorkload, p: TrackedPod): void {
    p.lifecycle = this.runPod(p)
      .catch(error => {
        if (!isAbort(error) && !this.stopped)
          this.log(
            `pod ${w.namespace}/${p.pod.metadata.name}: ${
              (error as Error).message
            }`,
          );
      })
      .finally(() => {
        p.lifecycle = undefined;
      });
  }

  private async runPod(p: TrackedPod): Promise<void> {
    const { signal } = p.abort;
    const { namespace, name } = p.pod.metadata;
    const placement = placePod(this.nodes, {
      gpus: p.gpus,
      nodeSelector: (p.pod.spec as AnyObject | undefined)?.nodeSelector,
    });
    if ('unschedulable' in placement) {
      if (p.stage !== 'unschedulable') {
        p.stage = 'unschedulable';
        await putPod(
          this.options.kubeConfig,
          p.pod,
          unschedulableStatus(placement.unschedulable),
        );
        p.created = true;
        this.log(
          `pod ${namespace}/${name} Pending: ${placement.unschedulable}`,
        );
      }
      return;
    }
    const node = placement.node;
    p.node = node.name;
    p.createdAt = iso();
    await sleep(this.timing.scheduleMs, undefined, { signal });
    await putPod(
      this.options.kubeConfig,
      p.pod,
      {
        ...withAllContainers(
          p.pod,
          containerCreatingStatus({ startedAt: p.createdAt }),
        ),
        hostIP: node.internalIp,
        hostIPs: [{ ip: node.internalIp }],
      },
      node.name,
    );
    p.created = true;
    p.stage = 'creating';

    await sleep(rand(this.timing.runningMs), undefined, { signal });
    p.ip = this.ips.take();
    p.runningAt = iso();
    await setPodStatus(
      this.options.kubeConfig,
      namespace,
      name,
      this.podStatus(
        p,
        node,
        runningNotReadyStatus({ startedAt: p.runningAt, podIP: p.ip }),
      ),
    );
    p.stage = 'running';

    await sleep(rand(this.timing.readyMs), undefined, { signal });
    p.sim = await this.startSimulator(p);
    if (signal.aborted) return;
    const ready = readyStatus({ startedAt: p.runningAt, podIP: p.ip });
    const now = iso();
    ready.conditions = ready.conditions.map((c: AnyObject) =>
      c.type === 'Ready' || c.type === 'ContainersReady'
        ? { ...c, lastTransitionTime: now }
        : c,
    );
    await setPodStatus(
      this.options.kubeConfig,
      namespace,
      name,
      this.podStatus(p, node, ready),
    );
    p.stage = 'ready';
  }

  private podStatus(
    p: TrackedPod,
    node: SimulatedNode,
    status: AnyObject,
  ): AnyObject {
    return {
      ...withAllContainers(p.pod, status),
      startTime: p.createdAt,
      hostIP: node.internalIp,
      hostIPs: [{ ip: node.internalIp }],
      ...(p.ip ? { podIP: p.ip, podIPs: [{ ip: p.ip }] } : {}),
    };
  }

  private async startSimulator(p: TrackedPod): Promise<RankSimulator> {
    const result = podRankLayout(p.pod);
    if (!('layout' in result)) throw new Error(result.problem);
    const l = result.layout;
    const model = servedModel(p.pod);
    const options = {
      mode: l.launchMode,
      ranks: l.localSize,
      startRank: l.ranks[0]?.globalRank ?? 0,
      basePort: l.vllmBasePort,
      ...(l.supervisorPort ? { supervisorPort: l.supervisorPort } : {}),
      ...(model ? { modelName: model } : {}),
      load: (rank: number) => ({
        running: (rank * 3) % 7,
        waiting: rank % 3,
        kvCacheUsage: 0.2 + ((rank * 7) % 10) / 20,
      }),
    };
    return startRankSimulator({ host: p.ip!, ...options });
  }

  /** Stops a pod's lifecycle and simulator and gives back its IP and GPUs; the pod object is left alone. */
  private async resetPod(p: TrackedPod): Promise<void> {
    p.abort.abort();
    await p.lifecycle;
    await p.sim?.close();
    p.sim = undefined;
    this.ips.release(p.ip);
    p.ip = undefined;
    releaseNode(this.nodes, p.node, p.gpus);
    p.node = undefined;
    p.stage = 'pending';
    p.created = false;
    p.abort = new AbortController();
  }

  private async removeWorkload(w: TrackedWorkload): Promise<void> {
    this.workloads.delete(w.key);
    this.lastStatus.delete(
      `${(w.kind === 'LeaderWorkerSet' ? LWS : PCS).plural}/${w.namespace}/${
        w.name
      }`,
    );
    for (const p of w.pods.values()) {
      await this.resetPod(p);
      try {
        await this.core.deleteNamespacedPod({
          name: p.pod.metadata.name,
          namespace: w.namespace,
          gracePeriodSeconds: 0,
        });
      } catch (error) {
        if (codeOf(error) !== 404)
          this.log(
            `could not delete pod ${w.namespace}/${p.pod.metadata.name}: ${
              (error as Error).message
            }`,
          );
      }
    }
    for (const child of w.children) {
      try {
        await this.custom.deleteNamespacedCustomObject(child);
      } catch (error) {
        if (codeOf(error) !== 404)
          this.log(
            `could not delete ${child.plural}/${child.name}: ${
              (error as Error).message
            }`,
          );
      }
      this.lastStatus.delete(
        `${child.plural}/${child.namespace}/${child.name}`,
      );
    }
  }

  // ---------------------------------------------------------------- Grove ---

  /** PodCliques, PodCliqueScalingGroups and the auto-MNNVL ComputeDomain Grove creates for a PodCliqueSet. */
  private async createGroveChildren(w: TrackedWorkload): Promise<void> {
    const o = w.object;
    const owner = [
      {
        apiVersion: o.apiVersion,
        kind: 'PodCliqueSet',
        name: w.name,
        uid: w.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ];
    const cliques: AnyObject[] = o.spec.template.cliques ?? [];
    const groups: AnyObject[] = o.spec.template.podCliqueScalingGroups ?? [];
    const mnnvlGroup: string | undefined =
      o.metadata.annotations?.['grove.io/mnnvl-group'];
    const base = {
      'app.kubernetes.io/managed-by': 'grove-operator',
      'app.kubernetes.io/part-of': w.name,
    };
    const create = async (
      ref: Omit<CustomRef, 'namespace' | 'name'>,
      body: AnyObject,
    ) => {
      const child = {
        ...ref,
        namespace: w.namespace,
        name: body.metadata.name,
      };
      await this.createIfMissing(() =>
        this.custom.createNamespacedCustomObject({
          ...ref,
          namespace: w.namespace,
          body,
        }),
      );
      w.children.push(child);
    };
    for (let r = 0; r < (o.spec.replicas ?? 1); r++) {
      const replicaLabels = {
        ...base,
        'grove.io/podcliqueset-replica-index': String(r),
      };
      for (const clique of cliques) {
        const sg = groups.find(g => g.cliqueNames.includes(clique.name));
        for (let s = 0; s < (sg ? sg.replicas ?? 1 : 1); s++) {
          const sgFqn = sg ? `${w.name}-${r}-${sg.name}` : undefined;
          await create(PCLQ, {
            apiVersion: 'grove.io/v1alpha1',
            kind: 'PodClique',
            metadata: {
              name: sg
                ? `${sgFqn}-${s}-${clique.name}`
                : `${w.name}-${r}-${clique.name}`,
              labels: {
                ...replicaLabels,
                ...(clique.labels ?? {}),
                'app.kubernetes.io/component': sg
                  ? 'pcsg-podclique'
                  : 'pcs-podclique',
                ...(sg
                  ? {
                      'grove.io/podcliquescalinggroup': sgFqn,
                      'grove.io/podcliquescalinggroup-replica-index': String(s),
                    }
                  : {}),
              },
              ownerReferences: owner,
            },
            spec: clique.spec,
          });
        }
      }
      for (const sg of groups) {
        await create(PCSG, {
          apiVersion: 'grove.io/v1alpha1',
          kind: 'PodCliqueScalingGroup',
          metadata: {
            name: `${w.name}-${r}-${sg.name}`,
            labels: {
              ...replicaLabels,
              'app.kubernetes.io/component': 'pcs-podcliquescalinggroup',
            },
            ownerReferences: owner,
          },
          spec: {
            cliqueNames: sg.cliqueNames,
            replicas: sg.replicas ?? 1,
            ...(sg.minAvailable ? { minAvailable: sg.minAvailable } : {}),
          },
        });
      }
      if (mnnvlGroup) {
        const name = `${w.name}-${r}-${mnnvlGroup}`;
        await create(CD, {
          apiVersion: 'resource.nvidia.com/v1beta1',
          kind: 'ComputeDomain',
          metadata: {
            name,
            labels: {
              ...replicaLabels,
              'app.kubernetes.io/component': 'pcs-computedomain',
              'grove.io/mnnvl-group': mnnvlGroup,
            },
            ownerReferences: owner,
          },
          spec: { numNodes: 0, channel: { resourceClaimTemplate: { name } } },
        });
      }
    }
  }

  // --------------------------------------------------------------- status ---

  /** Writes a status through the status subresource when it differs from the last one written. */
  private async writeCustomStatus(
    ref: CustomRef,
    status: AnyObject,
  ): Promise<void> {
    const cacheKey = `${ref.plural}/${ref.namespace}/${ref.name}`;
    const json = JSON.stringify(status);
    if (this.lastStatus.get(cacheKey) === json) return;
    try {
      const current = (await this.custom.getNamespacedCustomObject(
        ref,
      )) as AnyObject;
      await this.custom.replaceNamespacedCustomObjectStatus({
        ...ref,
        body: { ...current, status: withTimes(current.status, status) },
      });
      this.lastStatus.set(cacheKey, json);
    } catch (error) {
      if (codeOf(error) === 404 || codeOf(error) === 409) return; // gone or raced; next tick
      throw error;
    }
  }

  private async writeWorkloadStatus(w: TrackedWorkload): Promise<void> {
    const pods = [...w.pods.values()];
    const replicas: number = w.object.spec?.replicas ?? 1;
    const ready = (ps: TrackedPod[]) =>
      ps.length > 0 && ps.every(p => p.stage === 'ready');
    const scheduled = (ps: TrackedPod[]) =>
      ps.filter(p => ['creating', 'running', 'ready'].includes(p.stage)).length;
    const label = (p: TrackedPod, key: string) => p.pod.metadata.labels?.[key];
    const ref = (
      kind: { group: string; version: string; plural: string },
      name: string,
    ): CustomRef => ({ ...kind, namespace: w.namespace, name });

    if (w.kind === 'LeaderWorkerSet') {
      let readyGroups = 0;
      for (let g = 0; g < replicas; g++) {
        if (
          ready(
            pods.filter(
              p =>
                label(p, 'leaderworkerset.sigs.k8s.io/group-index') ===
                String(g),
            ),
          )
        )
          readyGroups++;
      }
      const available = readyGroups >= replicas;
      await this.writeCustomStatus(ref(LWS, w.name), {
        replicas,
        readyReplicas: readyGroups,
        updatedReplicas: replicas,
        observedGeneration: w.generation,
        hpaPodSelector: `leaderworkerset.sigs.k8s.io/name=${w.name},leaderworkerset.sigs.k8s.io/worker-index=0`,
        conditions: [
          available
            ? {
                type: 'Available',
                status: 'True',
                reason: 'AllGroupsReady',
                message: 'All replicas are ready',
              }
            : {
                type: 'Available',
                status: 'False',
                reason: 'AllGroupsNotReady',
                message: `${readyGroups}/${replicas} groups ready`,
              },
          available
            ? {
                type: 'Progressing',
                status: 'False',
                reason: 'Ready',
                message: 'Replicas are ready',
              }
            : {
                type: 'Progressing',
                status: 'True',
                reason: 'GroupsProgressing',
                message: 'Replicas are progressing',
              },
        ],
      });
      return;
    }

    // PodCliqueSet and the objects Grove derives from it.
    let availableReplicas = 0;
    for (let r = 0; r < replicas; r++) {
      if (
        ready(
          pods.filter(
            p => label(p, 'grove.io/podcliqueset-replica-index') === String(r),
          ),
        )
      )
        availableReplicas++;
    }
    await this.writeCustomStatus(ref(PCS, w.name), {
      replicas,
      availableReplicas,
      updatedReplicas: replicas,
      observedGeneration: w.generation,
    });
    for (const child of w.children) {
      if (child.plural === PCLQ.plural) {
        const members = pods.filter(
          p => label(p, 'grove.io/podclique') === child.name,
        );
        await this.writeCustomStatus(child, {
          replicas: members.length,
          readyReplicas: members.filter(p => p.stage === 'ready').length,
          scheduledReplicas: scheduled(members),
          scheduleGatedReplicas: 0,
          updatedReplicas: members.length,
          observedGeneration: 1,
        });
      } else if (child.plural === PCSG.plural) {
        const members = pods.filter(
          p => label(p, 'grove.io/podcliquescalinggroup') === child.name,
        );
        const byReplica = new Map<string, TrackedPod[]>();
        for (const p of members) {
          const s =
            label(p, 'grove.io/podcliquescalinggroup-replica-index') ?? '0';
          byReplica.set(s, [...(byReplica.get(s) ?? []), p]);
        }
        const sgReplicas = [...byReplica.values()];
        await this.writeCustomStatus(child, {
          replicas: sgReplicas.length,
          availableReplicas: sgReplicas.filter(ready).length,
          scheduledReplicas: sgReplicas.filter(
            ps => scheduled(ps) === ps.length,
          ).length,
          updatedReplicas: sgReplicas.length,
          observedGeneration: 1,
        });
      }
    }
  }

  /** The endpoint picker and any other Deployment: available as soon as it exists (no pods are simulated for it). */
  private async reconcileDeployments(namespace: string): Promise<void> {
    const list = await this.apps.listNamespacedDeployment({ namespace });
    for (const d of list.items) {
      const want = d.spec?.replicas ?? 1;
      const s = d.status ?? {};
      if (
        s.availableReplicas === want &&
        s.updatedReplicas === want &&
        s.observedGeneration === d.metadata?.generation
      )
        continue;
      const now = iso();
      d.status = {
        observedGeneration: d.metadata?.generation,
        replicas: want,
        updatedReplicas: want,
        readyReplicas: want,
        availableReplicas: want,
        conditions: [
          {
            type: 'Available',
            status: 'True',
            reason: 'MinimumReplicasAvailable',
            message: 'SIMULATED by the wide-EP demo operator',
            lastTransitionTime: now as never,
            lastUpdateTime: now as never,
          },
          {
            type: 'Progressing',
            status: 'True',
            reason: 'NewReplicaSetAvailable',
            message: 'SIMULATED by the wide-EP demo operator',
            lastTransitionTime: now as never,
            lastUpdateTime: now as never,
          },
        ],
      };
      try {
        await this.apps.replaceNamespacedDeploymentStatus({
          name: d.metadata!.name!,
          namespace,
          body: d,
        });
        this.log(
          `Deployment ${namespace}/${d.metadata?.name}: ${want}/${want} available (SIMULATED, no pods)`,
        );
      } catch (error) {
        if (codeOf(error) !== 409 && codeOf(error) !== 404) throw error;
      }
    }
  }

  /** Gateways of the demo GatewayClasses: Accepted and Programmed, with no data plane behind them. */
  private async reconcileGateways(namespace: string): Promise<void> {
    for (const gw of await this.listCustom(GATEWAY, namespace)) {
      if (!(gw.spec?.gatewayClassName in DEMO_GATEWAY_CLASSES)) continue;
      const generation = gw.metadata?.generation ?? 1;
      const condition = (type: string) => ({
        type,
        status: 'True',
        reason: type,
        message:
          'SIMULATED by the wide-EP demo operator: no gateway proxy runs in the demo',
        observedGeneration: generation,
      });
      await this.writeCustomStatus(
        { ...GATEWAY, namespace, name: gw.metadata.name },
        {
          conditions: [condition('Accepted'), condition('Programmed')],
          listeners: (gw.spec?.listeners ?? []).map((l: AnyObject) => ({
            name: l.name,
            attachedRoutes: 1,
            supportedKinds: [
              { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' },
            ],
            conditions: [
              condition('Accepted'),
              condition('Programmed'),
              { ...condition('ResolvedRefs'), reason: 'ResolvedRefs' },
            ],
          })),
        },
      );
    }
  }

  /** ComputeDomains (GB200): Ready once every member pod's node runs its (simulated) IMEX daemon. */
  private async reconcileComputeDomains(namespace: string): Promise<void> {
    const domains = await this.listCustom(CD, namespace);
    if (!domains.length) return;
    const pods = [...this.workloads.values()]
      .filter(w => w.namespace === namespace)
      .flatMap(w => [...w.pods.values()]);
    for (const cd of domains) {
      const template: string | undefined =
        cd.spec?.channel?.resourceClaimTemplate?.name;
      const pcs: string | undefined =
        cd.metadata?.labels?.['app.kubernetes.io/part-of'];
      const members = pods.filter(p => {
        const claims = ((p.pod.spec as AnyObject)?.resourceClaims ??
          []) as AnyObject[];
        if (
          template &&
          claims.some(c => c.resourceClaimTemplateName === template)
        )
          return true;
        const labels = p.pod.metadata.labels ?? {};
        return (
          !!pcs &&
          labels['app.kubernetes.io/part-of'] === pcs &&
          cd.metadata.name.startsWith(
            `${pcs}-${labels['grove.io/podcliqueset-replica-index'] ?? '0'}-`,
          )
        );
      });
      const placed = members.filter(
        p => p.node && p.stage !== 'pending' && p.stage !== 'unschedulable',
      );
      const nodeReady = new Map<string, boolean>();
      for (const p of placed)
        nodeReady.set(
          p.node!,
          (nodeReady.get(p.node!) ?? true) &&
            (p.stage === 'running' || p.stage === 'ready'),
        );
      const nodes = [...nodeReady].map(([name, ok], index) => ({
        name,
        ipAddress:
          this.nodes.find(n => n.name === name)?.internalIp ?? '192.0.2.254',
        cliqueID: 'simulated-nvl72-rack-0',
        index,
        status: ok ? 'Ready' : 'NotReady',
      }));
      const allReady =
        members.length > 0 &&
        members.every(p => p.stage === 'running' || p.stage === 'ready');
      await this.writeCustomStatus(
        { ...CD, namespace, name: cd.metadata.name },
        { status: allReady ? 'Ready' : 'NotReady', nodes },
      );
    }
  }

  private varyLoad(): void {
    for (const w of this.workloads.values()) {
      for (const p of w.pods.values()) {
        for (const rank of p.sim?.rankControls ?? []) {
          rank.setLoad({
            running: Math.floor(Math.random() * 12),
            waiting: Math.floor(Math.random() * 4),
            kvCacheUsage: Math.round((0.15 + Math.random() * 0.7) * 100) / 100,
          });
        }
      }
    }
  }

  // --------------------------------------------------------------- control ---

  /** Every simulated pod and its ranks. */
  pods(): SimulatedPodInfo[] {
    return [...this.workloads.values()].flatMap(w =>
      [...w.pods.values()].map(p => ({
        namespace: w.namespace,
        pod: p.pod.metadata.name,
        workload: `${w.kind}/${w.name}`,
        stage: p.stage,
        ...(p.node ? { node: p.node } : {}),
        ...(p.ip ? { ip: p.ip } : {}),
        ranks: (p.sim?.rankControls ?? []).map(r => ({
          globalRank: r.globalRank,
          port: r.port,
          state: r.state,
        })),
      })),
    );
  }

  private findPod(
    namespace: string,
    pod: string,
  ): { w: TrackedWorkload; p: TrackedPod } | undefined {
    for (const w of this.workloads.values()) {
      const p = w.namespace === namespace ? w.pods.get(pod) : undefined;
      if (p) return { w, p };
    }
    return undefined;
  }

  /**
   * Kills, fails, hangs or heals the simulated vLLM API server on `port` of
   * a pod. Returns an error message, or undefined on success.
   */
  async controlRank(
    namespace: string,
    pod: string,
    port: number,
    action: 'kill' | 'heal' | 'fail' | 'hang',
  ): Promise<string | undefined> {
    const found = this.findPod(namespace, pod);
    if (!found) return `no simulated pod ${namespace}/${pod}`;
    const rank = found.p.sim?.rankControls.find(r => r.port === port);
    if (!rank) {
      const ports = (found.p.sim?.rankControls ?? []).map(r => r.port);
      return `pod ${namespace}/${pod} has no simulated rank on port ${port} (${
        ports.length
          ? `ports ${[...new Set(ports)].join(', ')}`
          : `stage ${found.p.stage}`
      })`;
    }
    if (action === 'kill') await rank.kill();
    else if (action === 'heal') await rank.heal();
    else if (action === 'fail') rank.fail(503);
    else rank.hang();
    this.log(
      `rank ${rank.globalRank} of ${namespace}/${pod} on ${found.p.ip}:${port}: ${action}`,
    );
    return undefined;
  }

  /** Deletes a pod as if it had crashed; the next reconcile recreates it (ContainerCreating → Running → Ready). */
  async restartPod(
    namespace: string,
    pod: string,
  ): Promise<string | undefined> {
    const found = this.findPod(namespace, pod);
    if (!found) return `no simulated pod ${namespace}/${pod}`;
    await this.resetPod(found.p);
    found.p.created = true; // so the reconcile sees it missing and recreates it
    try {
      await this.core.deleteNamespacedPod({
        name: pod,
        namespace,
        gracePeriodSeconds: 0,
      });
    } catch (error) {
      if (codeOf(error) !== 404) throw error;
    }
    this.log(
      `pod ${namespace}/${pod} deleted on request; it will be recreated`,
    );
    return undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.loadTimer) clearInterval(this.loadTimer);
    await this.loop;
    for (const w of this.workloads.values()) {
      for (const p of w.pods.values()) {
        p.abort.abort();
        await p.lifecycle;
        await p.sim?.close();
      }
    }
  }
}

/**
 * The status helpers describe the vllm container only; give every other
 * container (and restartable init container, i.e. sidecar such as the
 * routing proxy) the same state, with its own name and image.
 */
function withAllContainers(pod: OperatorPod, status: AnyObject): AnyObject {
  const template: AnyObject | undefined =
    status.containerStatuses?.find((c: AnyObject) => c.name === 'vllm') ??
    status.containerStatuses?.[0];
  if (!template) return status;
  const spec = pod.spec as AnyObject;
  const like = (c: AnyObject) => ({
    ...template,
    name: c.name,
    image: c.image ?? template.image,
  });
  const sidecars = ((spec.initContainers ?? []) as AnyObject[]).filter(
    c => c.restartPolicy === 'Always',
  );
  return {
    ...status,
    containerStatuses: ((spec.containers ?? []) as AnyObject[]).map(like),
    ...(sidecars.length ? { initContainerStatuses: sidecars.map(like) } : {}),
  };
}

/** Keeps `lastTransitionTime` of conditions whose status did not change; sets it to now on the others. */
function withTimes(
  previous: AnyObject | undefined,
  next: AnyObject,
): AnyObject {
  const now = iso();
  const keep = (
    prevList: AnyObject[] | undefined,
    list: AnyObject[] | undefined,
  ) =>
    list?.map(c => {
      const before = prevList?.find(b => b.type === c.type);
      return {
        ...c,
        lastTransitionTime:
          before && before.status === c.status && before.lastTransitionTime
            ? before.lastTransitionTime
            : now,
      };
    });
  const out: AnyObject = { ...next };
  if (next.conditions)
    out.conditions = keep(previous?.conditions, next.conditions);
  if (next.listeners) {
    out.listeners = next.listeners.map((l: AnyObject) => ({
      ...l,
      conditions: keep(
        previous?.listeners?.find((b: AnyObject) => b.name === l.name)
          ?.conditions,
        l.conditions,
      ),
    }));
  }
  return out;
}
