import { PORTS } from './constants';
import { HARDWARE_PROFILES, groupPodCount } from './hardware';
import { podHostname } from './names';
import type { Role, WideEpSpec } from './specSchema';

/**
 * How a pod exposes its ranks: `hybrid` runs one API server per pod
 * (`--data-parallel-hybrid-lb`); `supervisor` runs one API server per rank
 * on consecutive ports under the vLLM DP supervisor.
 * @public
 */
export type LaunchMode = 'hybrid' | 'supervisor';

/** One data-parallel rank: where it serves and where to probe it. @public */
export interface RankPlan {
  globalRank: number;
  localRank: number;
  /** Port of the vLLM API server that owns this rank. */
  vllmPort: number;
  /** Port the InferencePool routes to (decode: the sidecar). */
  servingPort: number;
}

/** One pod of a DP group. @public */
export interface PodPlan {
  role: Role;
  group: number;
  /** n: 0 for the group leader. */
  nodeRank: number;
  leader: boolean;
  /** Stable hostname the operator gives this pod. */
  hostname: string;
  ranks: RankPlan[];
}

/** @public */
export interface GroupPlan {
  index: number;
  pods: PodPlan[];
}

/** Everything about one role that the renderer, preview and prober share. @public */
export interface RolePlan {
  role: Role;
  /** Independent DP groups. */
  replicas: number;
  /** DP size of one group (= EP size, TP = 1). */
  dataParallelSize: number;
  /** L: ranks and GPUs per pod. */
  localSize: number;
  /** N: pods per group. */
  podsPerGroup: number;
  gpusPerPod: number;
  totalPods: number;
  totalGpus: number;
  launchMode: LaunchMode;
  vllmBasePort: number;
  /** Ports on which the pod accepts routed traffic (prefill vLLM, decode sidecar). */
  servingPorts: number[];
  /** Ports vLLM listens on (8000.. for prefill, 8200.. for decode). */
  vllmPorts: number[];
  supervisorPort?: number;
  sidecar: boolean;
  groups: GroupPlan[];
}

/** The topology plan: computed once, read by every door. @public */
export interface TopologyPlan {
  launchMode: LaunchMode;
  /** InferencePool.spec.targetPorts; identical on both roles by construction. */
  targetPorts: number[];
  roles: Record<Role, RolePlan>;
  totalGpus: number;
  totalPods: number;
  totalRanks: number;
}

/**
 * Lays out ranks, pods and ports (wide-ep-domain.md §5). The spec must have
 * passed {@link parseSpec}; sizes are assumed to be multiples of L.
 * @public
 */
export function planTopology(spec: WideEpSpec): TopologyPlan {
  const launchMode: LaunchMode = spec.rankPorts ? 'supervisor' : 'hybrid';
  const L = HARDWARE_PROFILES[spec.hardware].gpusPerNode;
  // Hybrid exposes one API server per pod; routing to ports 8001.. there
  // is the upstream defect that failed 7 of 8 requests (PR #1855).
  const targetPorts =
    launchMode === 'supervisor' ? range(PORTS.serving, L) : [PORTS.serving];
  const roles = {
    prefill: planRole(spec, 'prefill', L, launchMode),
    decode: planRole(spec, 'decode', L, launchMode),
  };
  return {
    launchMode,
    targetPorts,
    roles,
    totalGpus: roles.prefill.totalGpus + roles.decode.totalGpus,
    totalPods: roles.prefill.totalPods + roles.decode.totalPods,
    totalRanks: roles.prefill.totalGpus + roles.decode.totalGpus,
  };
}

function planRole(
  spec: WideEpSpec,
  role: Role,
  L: number,
  launchMode: LaunchMode,
): RolePlan {
  const { replicas, dataParallelSize } = spec[role];
  const N = groupPodCount(spec.hardware, dataParallelSize);
  const sidecar = role === 'decode';
  const vllmBasePort = sidecar ? PORTS.decodeVllm : PORTS.serving;
  const portsPerPod = launchMode === 'supervisor' ? L : 1;
  const vllmPorts = range(vllmBasePort, portsPerPod);
  const servingPorts = range(PORTS.serving, portsPerPod);

  const groups: GroupPlan[] = [];
  for (let g = 0; g < replicas; g++) {
    const pods: PodPlan[] = [];
    for (let n = 0; n < N; n++) {
      const ranks: RankPlan[] = [];
      for (let i = 0; i < L; i++) {
        const portIndex = launchMode === 'supervisor' ? i : 0;
        ranks.push({
          globalRank: n * L + i,
          localRank: i,
          vllmPort: vllmPorts[portIndex],
          servingPort: servingPorts[portIndex],
        });
      }
      pods.push({
        role,
        group: g,
        nodeRank: n,
        leader: n === 0,
        hostname: podHostname({
          spec,
          role,
          podsPerGroup: N,
          group: g,
          nodeRank: n,
        }),
        ranks,
      });
    }
    groups.push({ index: g, pods });
  }

  return {
    role,
    replicas,
    dataParallelSize: N * L,
    localSize: L,
    podsPerGroup: N,
    gpusPerPod: L,
    totalPods: replicas * N,
    totalGpus: replicas * N * L,
    launchMode,
    vllmBasePort,
    servingPorts,
    vllmPorts,
    supervisorPort:
      launchMode === 'supervisor'
        ? vllmBasePort + PORTS.supervisorOffset
        : undefined,
    sidecar,
    groups,
  };
}

function range(start: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start + i);
}
