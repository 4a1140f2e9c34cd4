import { NODE_RANK_OFFSET_ENV } from '../render/vllmCommand';

/**
 * Labels, annotations and env vars the operators put on pods. Sources:
 * lws @ 2161f38 and grove @ 8fa3ece (rank-health.md §2.2, §3.2, §3.3).
 */

/** Keys LeaderWorkerSet sets on its pods. @public */
export const LWS_KEYS = {
  name: 'leaderworkerset.sigs.k8s.io/name',
  groupIndex: 'leaderworkerset.sigs.k8s.io/group-index',
  workerIndex: 'leaderworkerset.sigs.k8s.io/worker-index',
  templateRevisionHash: 'leaderworkerset.sigs.k8s.io/template-revision-hash',
  /** Annotation: pods per group. */
  size: 'leaderworkerset.sigs.k8s.io/size',
  /** Annotation on workers: the leader pod's name. */
  leaderName: 'leaderworkerset.sigs.k8s.io/leader-name',
  envGroupSize: 'LWS_GROUP_SIZE',
  envWorkerIndex: 'LWS_WORKER_INDEX',
} as const;

/** Keys Grove sets on its pods and the objects it creates. @public */
export const GROVE_KEYS = {
  partOf: 'app.kubernetes.io/part-of',
  podClique: 'grove.io/podclique',
  pcsReplicaIndex: 'grove.io/podcliqueset-replica-index',
  podIndex: 'grove.io/podclique-pod-index',
  scalingGroup: 'grove.io/podcliquescalinggroup',
  scalingGroupReplicaIndex: 'grove.io/podcliquescalinggroup-replica-index',
  podGangSchedulingGate: 'grove.io/podgang-pending-creation',
  envPcsgTemplateNumPods: 'GROVE_PCSG_TEMPLATE_NUM_PODS',
} as const;

/** Env vars the generator writes into the vllm container. @public */
export const WIDE_EP_ENV = {
  dpSizeLocal: 'DP_SIZE_LOCAL',
  /** Grove only: 0 on the leader clique, 1 on the worker clique. */
  nodeRankOffset: NODE_RANK_OFFSET_ENV,
} as const;

/** The container that runs vLLM in every generated pod. @public */
export const VLLM_CONTAINER = 'vllm';
