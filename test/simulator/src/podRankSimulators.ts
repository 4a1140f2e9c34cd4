/**
 * SIMULATED vLLM ranks for the pods of a cluster whose kubelet is kwok: the
 * pods are real (made by the real LeaderWorkerSet controller, or the demo's
 * Grove emulation, placed by the real kube-scheduler), their IPs are the
 * loopback addresses kwok hands out (CP_POD_CIDR of
 * test/cluster/control-plane), and nothing runs in them. This starts, for
 * each pod that has an IP and a rank layout, the ranks its vllm container
 * would serve (`/health`, `/metrics`, supervisor `/readyz`) on that IP, and
 * stops them when the pod goes away or gets another IP. Test and demo
 * infrastructure only.
 */
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { loadClientNode } from '@internal/plugin-wide-ep-node';
import {
  GROVE_KEYS,
  LWS_KEYS,
  podRankLayout,
} from '@internal/plugin-wide-ep-common';
import type { OperatorPod } from '@internal/plugin-wide-ep-common/testUtils';
import { rankSimulatorOptionsFor } from './playOperators';
import { RankSimulator, startRankSimulator } from './startRankSimulator';
import type { RankLoad } from './vllmMetricsText';

/** Options for {@link simulatePodRanks}. */
export interface PodRankSimulatorsOptions {
  kubeConfig: KubeConfig;
  /** Namespaces whose pods get simulated ranks. */
  namespaces: string[];
  /** How often the pods are listed. Default 1000 ms. */
  pollMs?: number;
  /** Load of a rank when its simulator starts. */
  load?: (pod: string, globalRank: number) => RankLoad;
  log?: (line: string) => void;
}

/** A pod with simulated ranks, as the demo's control endpoint lists it. */
export interface SimulatedPodRanks {
  namespace: string;
  pod: string;
  /** `LeaderWorkerSet/<name>` or `PodClique/<name>`. */
  workload: string;
  phase: string;
  ready: boolean;
  node?: string;
  ip: string;
  ranks: Array<{ globalRank: number; port: number; state: string }>;
}

/** Handle of {@link simulatePodRanks}. */
export interface PodRankSimulators {
  /** Pods whose ranks run now. */
  list(): SimulatedPodRanks[];
  /** The simulator of a pod, if it runs. */
  get(namespace: string, pod: string): RankSimulator | undefined;
  /**
   * Lists the pods once and starts/stops simulators to match (the poll does
   * this every pollMs); resolves when the ranks of every listed pod with an
   * IP listen.
   */
  sync(): Promise<void>;
  /** Stops polling and every simulator. */
  close(): Promise<void>;
}

interface Running {
  uid: string;
  ip: string;
  pod: V1Pod;
  sim: Promise<RankSimulator | undefined>;
  started?: RankSimulator;
}

const hasRanks = (pod: V1Pod) => 'layout' in podRankLayout(pod as never);

/**
 * Starts polling the pods of `namespaces` and running SIMULATED ranks on
 * their IPs. A pod that is deleted (or being deleted) loses its ranks, as a
 * killed container would.
 */
export async function simulatePodRanks(
  options: PodRankSimulatorsOptions,
): Promise<PodRankSimulators> {
  const { CoreV1Api } = await loadClientNode();
  const core = options.kubeConfig.makeApiClient(CoreV1Api);
  const log = options.log ?? (() => {});
  const running = new Map<string, Running>();
  let closed = false;
  let lastError: string | undefined;

  const stopOne = async (key: string) => {
    const r = running.get(key);
    running.delete(key);
    const sim = await r?.sim;
    await sim?.close();
  };

  const startOne = (key: string, pod: V1Pod, ip: string) => {
    const name = pod.metadata!.name!;
    const entry: Running = {
      uid: pod.metadata!.uid!,
      ip,
      pod,
      sim: startRankSimulator({
        ...rankSimulatorOptionsFor(pod as OperatorPod, ip),
        ...(options.load
          ? { load: (rank: number) => options.load!(name, rank) }
          : {}),
      }).then(
        sim => {
          entry.started = sim;
          return sim;
        },
        error => {
          log(
            `pod ${key}: could not start its simulated ranks on ${ip}: ${
              (error as Error).message
            }`,
          );
          return undefined;
        },
      ),
    };
    running.set(key, entry);
  };

  const syncOnce = async () => {
    const lists = await Promise.all(
      options.namespaces.map(namespace =>
        core.listNamespacedPod({ namespace }),
      ),
    );
    const want = new Map<string, { pod: V1Pod; ip: string }>();
    for (const pod of lists.flatMap(l => l.items)) {
      const ip = pod.status?.podIP;
      if (!ip || pod.metadata?.deletionTimestamp || !hasRanks(pod)) continue;
      if (pod.status?.phase !== 'Pending' && pod.status?.phase !== 'Running')
        continue;
      want.set(`${pod.metadata!.namespace}/${pod.metadata!.name}`, {
        pod,
        ip,
      });
    }
    for (const [key, r] of [...running]) {
      const w = want.get(key);
      if (w && w.pod.metadata!.uid === r.uid && w.ip === r.ip) {
        r.pod = w.pod;
        continue;
      }
      await stopOne(key);
    }
    for (const [key, w] of want) {
      if (!running.has(key)) startOne(key, w.pod, w.ip);
    }
    await Promise.all([...running.values()].map(r => r.sim));
  };

  // One sync at a time: the poll and callers of sync() share the map.
  let chain: Promise<void> = Promise.resolve();
  const sync = () => {
    const next = chain.then(syncOnce);
    chain = next.catch(() => {});
    return next;
  };

  const loop = (async () => {
    while (!closed) {
      try {
        await sync();
        if (lastError) log('pod list recovered');
        lastError = undefined;
      } catch (error) {
        const message = (error as Error).message;
        if (message !== lastError) log(`listing pods failed: ${message}`);
        lastError = message;
      }
      await new Promise(r => setTimeout(r, options.pollMs ?? 1000));
    }
  })();

  return {
    list: () =>
      [...running].map(([key, r]) => {
        const [namespace, pod] = key.split('/');
        const labels = r.pod.metadata?.labels ?? {};
        const lws = labels[LWS_KEYS.name];
        return {
          namespace,
          pod,
          workload: lws
            ? `LeaderWorkerSet/${lws}`
            : `PodClique/${labels[GROVE_KEYS.podClique]}`,
          phase: r.pod.status?.phase ?? 'Unknown',
          ready: !!r.pod.status?.conditions?.some(
            c => c.type === 'Ready' && c.status === 'True',
          ),
          ...(r.pod.spec?.nodeName ? { node: r.pod.spec.nodeName } : {}),
          ip: r.ip,
          ranks: (r.started?.rankControls ?? []).map(c => ({
            globalRank: c.globalRank,
            port: c.port,
            state: c.state,
          })),
        };
      }),
    get: (namespace, pod) => running.get(`${namespace}/${pod}`)?.started,
    sync,
    close: async () => {
      closed = true;
      await loop;
      await Promise.all([...running.keys()].map(stopOne));
    },
  };
}
