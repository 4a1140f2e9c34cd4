/**
 * Plays LeaderWorkerSet / Grove and the kubelet against a real
 * kube-apiserver that has no controllers: creates the workload objects
 * the generator rendered, the pods the operator would create from them,
 * sets pod and workload status through the status subresources, and runs
 * SIMULATED vLLM ranks on the loopback addresses given to the pods as
 * `status.podIP`. Test and demo infrastructure only.
 *
 * Unlike the rest of this folder, this module needs @kubernetes/client-node
 * and the wide-EP packages, so it is not exported from the index.
 */
import type {
  KubeConfig,
  KubernetesObject,
  V1Pod,
} from '@kubernetes/client-node';
import { loadClientNode } from '@internal/plugin-wide-ep-node';
import { podRankLayout } from '@internal/plugin-wide-ep-common';
import {
  OperatorPod,
  grovePods,
  lwsPods,
  readyStatus,
} from '@internal/plugin-wide-ep-common/testUtils';
import {
  RankSimulator,
  RankSimulatorOptions,
  startRankSimulator,
} from './startRankSimulator';
import type { RankLoad } from './vllmMetricsText';

/** Options for {@link playOperators}. */
export interface PlayOperatorsOptions {
  kubeConfig: KubeConfig;
  /** Everything the generator rendered; only LeaderWorkerSets and PodCliqueSets are created. */
  objects: KubernetesObject[];
  /** The loopback address of the i-th pod, e.g. `i => \`127.77.0.${i + 2}\``. */
  podIp: (index: number) => string;
  /** Load of each simulated rank. */
  load?: (pod: string, globalRank: number) => RankLoad;
  /** Pods created and updated at once. Default 8. */
  concurrency?: number;
  /**
   * Start the simulated ranks in this process. Default true; pass false to
   * run them elsewhere (see {@link rankSimulatorOptionsFor}).
   */
  simulate?: boolean;
}

/** The pretend deployment: its pods (as created) and their simulated ranks. */
export interface PlayedDeployment {
  namespace: string;
  pods: OperatorPod[];
  /** Simulator of a pod, by pod name. */
  simulators: Map<string, RankSimulator>;
  ipOf(pod: string): string;
  close(): Promise<void>;
}

async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

/** Sets a pod's status as the kubelet would, through the status subresource. */
export async function setPodStatus(
  kubeConfig: KubeConfig,
  namespace: string,
  name: string,
  status: object,
): Promise<void> {
  const { CoreV1Api } = await loadClientNode();
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const pod = await core.readNamespacedPod({ name, namespace });
  pod.status = status as V1Pod['status'];
  await core.replaceNamespacedPodStatus({ name, namespace, body: pod });
}

/**
 * Creates a pod (bound to `node` when given) and sets its status. A pod
 * of the same name is force-deleted first, as an operator recreating it.
 */
export async function putPod(
  kubeConfig: KubeConfig,
  pod: OperatorPod,
  status: object,
  node?: string,
): Promise<void> {
  const { CoreV1Api } = await loadClientNode();
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const { namespace, name } = pod.metadata;
  try {
    // Grace 0: there is no kubelet to confirm a graceful deletion.
    await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 });
  } catch (error) {
    if ((error as { code?: number }).code !== 404) throw error;
  }
  const body = {
    apiVersion: pod.apiVersion,
    kind: pod.kind,
    metadata: pod.metadata,
    spec: { ...pod.spec, ...(node ? { nodeName: node } : {}) },
  };
  for (let attempt = 0; ; attempt++) {
    try {
      await core.createNamespacedPod({ namespace, body: body as V1Pod });
      break;
    } catch (error) {
      // The deleted pod may still be on its way out.
      if ((error as { code?: number }).code !== 409 || attempt > 50)
        throw error;
      await new Promise(r => setTimeout(r, 100));
    }
  }
  await setPodStatus(kubeConfig, namespace, name, status);
}

/** The served model of a generated vllm container, for the simulator's /v1/models. */
function servedModel(pod: OperatorPod): string | undefined {
  const vllm = (pod.spec?.containers ?? []).find(c => c.name === 'vllm') as
    | { command?: string[]; args?: string[] }
    | undefined;
  const text = [...(vllm?.command ?? []), ...(vllm?.args ?? [])].join(' ');
  return (
    /--served-model-name[= ]+(\S+)/.exec(text)?.[1] ??
    /vllm serve (\S+)/.exec(text)?.[1]
  );
}

/**
 * How to simulate the ranks of an operator-made pod on `host`, from the
 * pod's own rank layout and the model its vllm command serves.
 */
export function rankSimulatorOptionsFor(
  pod: OperatorPod,
  host: string,
): RankSimulatorOptions {
  const result = podRankLayout(pod);
  if (!('layout' in result)) throw new Error(result.problem);
  const l = result.layout;
  const model = servedModel(pod);
  return {
    host,
    mode: l.launchMode,
    ranks: l.localSize,
    startRank: l.ranks[0].globalRank,
    basePort: l.vllmBasePort,
    ...(l.supervisorPort ? { supervisorPort: l.supervisorPort } : {}),
    ...(model ? { modelName: model } : {}),
  };
}

/** Readiness status of a LeaderWorkerSet or PodCliqueSet, as its controller writes it. */
function readyWorkloadStatus(object: KubernetesObject): object {
  const spec = (object as { spec?: { replicas?: number } }).spec;
  if (object.kind === 'LeaderWorkerSet') {
    return {
      replicas: spec?.replicas ?? 1,
      readyReplicas: spec?.replicas ?? 1,
      updatedReplicas: spec?.replicas ?? 1,
      conditions: [
        {
          type: 'Available',
          status: 'True',
          reason: 'AllGroupsReady',
          message: 'All replicas are ready',
          lastTransitionTime: new Date().toISOString(),
        },
      ],
    };
  }
  return {
    replicas: spec?.replicas ?? 1,
    availableReplicas: spec?.replicas ?? 1,
    updatedReplicas: spec?.replicas ?? 1,
  };
}

/**
 * Creates the workloads and their pods, all Ready, with simulated ranks on
 * each pod's address.
 */
export async function playOperators(
  options: PlayOperatorsOptions,
): Promise<PlayedDeployment> {
  const { KubernetesObjectApi } = await loadClientNode();
  const api = options.kubeConfig.makeApiClient(KubernetesObjectApi);
  const workloads = options.objects.filter(
    o => o.kind === 'LeaderWorkerSet' || o.kind === 'PodCliqueSet',
  );
  const namespace = workloads[0]?.metadata?.namespace;
  if (!namespace) throw new Error('no LeaderWorkerSet or PodCliqueSet to play');
  const { CustomObjectsApi } = await loadClientNode();
  const custom = options.kubeConfig.makeApiClient(CustomObjectsApi);
  for (const w of workloads) {
    await api.create(w);
    // Custom resources take status through the status subresource only.
    const [group, version] = w.apiVersion!.split('/');
    const target = {
      group,
      version,
      namespace,
      plural:
        w.kind === 'LeaderWorkerSet' ? 'leaderworkersets' : 'podcliquesets',
      name: w.metadata!.name!,
    };
    const current = await custom.getNamespacedCustomObject(target);
    await custom.replaceNamespacedCustomObjectStatus({
      ...target,
      body: { ...current, status: readyWorkloadStatus(w) },
    });
  }
  const pods = workloads.flatMap(w =>
    w.kind === 'LeaderWorkerSet' ? lwsPods(w as never) : grovePods(w as never),
  );
  const ips = new Map(pods.map((p, i) => [p.metadata.name, options.podIp(i)]));
  const simulators = new Map<string, RankSimulator>();
  const close = async () => {
    await Promise.all([...simulators.values()].map(s => s.close()));
  };
  try {
    if (options.simulate ?? true) {
      await mapLimit(pods, 4, async pod => {
        const name = pod.metadata.name;
        const sim = await startRankSimulator({
          ...rankSimulatorOptionsFor(pod, ips.get(name)!),
          ...(options.load
            ? { load: (r: number) => options.load!(name, r) }
            : {}),
        });
        simulators.set(name, sim);
      });
    }
    await mapLimit(pods, options.concurrency ?? 8, async (pod, i) => {
      const ip = ips.get(pod.metadata.name)!;
      const status = { ...readyStatus({ podIP: ip }), podIPs: [{ ip }] };
      await putPod(options.kubeConfig, pod, status, `node-${i}`);
    });
  } catch (error) {
    await close();
    throw error;
  }
  return {
    namespace,
    pods,
    simulators,
    ipOf: name => {
      const ip = ips.get(name);
      if (!ip) throw new Error(`no pod ${name}`);
      return ip;
    },
    close,
  };
}
