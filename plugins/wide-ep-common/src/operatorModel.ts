/**
 * How LeaderWorkerSet and Grove name, label and configure the pods and
 * objects they make from ours: the one model the topology plan (pod
 * hostnames), the rank mapping (expected pods, pod layouts), the readiness
 * wait (pod selectors), the test builders and the demo's Grove emulation
 * read. Sources: lws @ 2161f38 and grove @ 8fa3ece (rank-health.md §2.2,
 * §3.2, §3.3); checked against the real LWS v0.9.0 controller by
 * test/integration/src/servingOnControlPlane.test.ts.
 */

/** Keys LeaderWorkerSet sets on its pods. @public */
export const LWS_KEYS = {
  name: 'leaderworkerset.sigs.k8s.io/name',
  groupIndex: 'leaderworkerset.sigs.k8s.io/group-index',
  workerIndex: 'leaderworkerset.sigs.k8s.io/worker-index',
  groupKey: 'leaderworkerset.sigs.k8s.io/group-key',
  templateRevisionHash: 'leaderworkerset.sigs.k8s.io/template-revision-hash',
  /** Annotation: pods per group. */
  size: 'leaderworkerset.sigs.k8s.io/size',
  /** Annotation on workers: the leader pod's name. */
  leaderName: 'leaderworkerset.sigs.k8s.io/leader-name',
  envLeaderAddress: 'LWS_LEADER_ADDRESS',
  envGroupSize: 'LWS_GROUP_SIZE',
  envWorkerIndex: 'LWS_WORKER_INDEX',
} as const;

/** Keys Grove sets on its pods and the objects it creates. @public */
export const GROVE_KEYS = {
  managedBy: 'app.kubernetes.io/managed-by',
  partOf: 'app.kubernetes.io/part-of',
  component: 'app.kubernetes.io/component',
  podClique: 'grove.io/podclique',
  pcsReplicaIndex: 'grove.io/podcliqueset-replica-index',
  podIndex: 'grove.io/podclique-pod-index',
  podGang: 'grove.io/podgang',
  podTemplateHash: 'grove.io/pod-template-hash',
  scalingGroup: 'grove.io/podcliquescalinggroup',
  scalingGroupReplicaIndex: 'grove.io/podcliquescalinggroup-replica-index',
  podGangSchedulingGate: 'grove.io/podgang-pending-creation',
  /** Annotation on a PodCliqueSet: the auto-MNNVL ComputeDomain group. */
  mnnvlGroup: 'grove.io/mnnvl-group',
  envPcsName: 'GROVE_PCS_NAME',
  envPcsIndex: 'GROVE_PCS_INDEX',
  envPclqName: 'GROVE_PCLQ_NAME',
  envHeadlessService: 'GROVE_HEADLESS_SERVICE',
  envPclqPodIndex: 'GROVE_PCLQ_POD_INDEX',
  envPcsgName: 'GROVE_PCSG_NAME',
  envPcsgIndex: 'GROVE_PCSG_INDEX',
  envPcsgTemplateNumPods: 'GROVE_PCSG_TEMPLATE_NUM_PODS',
} as const;

/** Value of `app.kubernetes.io/managed-by` on everything Grove makes. @public */
export const GROVE_MANAGER = 'grove-operator';

/** Names LeaderWorkerSet gives the pods of one LWS. @public */
export const lwsNames = {
  /** Leader `<lws>-<group>`, workers `<lws>-<group>-<worker>`; also the pod's hostname. */
  pod: (lws: string, group: number, worker: number): string =>
    worker === 0 ? `${lws}-${group}` : `${lws}-${group}-${worker}`,
  /** The leader's DNS name, as `LWS_LEADER_ADDRESS` carries it (subdomain = the LWS). */
  leaderAddress: (lws: string, group: number, namespace: string): string =>
    `${lws}-${group}.${lws}.${namespace}`,
  /** Label selector of every pod of the LWS. */
  podSelector: (lws: string): string => `${LWS_KEYS.name}=${lws}`,
};

/** Where a clique sits: a PCS replica, and for a scaling group its name and replica. @public */
export interface GroveCliquePlace {
  pcs: string;
  replica: number;
  clique: string;
  scalingGroup?: { name: string; replica: number };
}

/** Names Grove gives the objects and pods of one PodCliqueSet. @public */
export const groveNames = {
  /** `<pcs>-<replica>`: the PCS replica, its headless Service and PodGang. */
  replica: (pcs: string, replica: number): string => `${pcs}-${replica}`,
  /** `<pcs>-<replica>-<sg>`: a PodCliqueScalingGroup. */
  scalingGroup: (pcs: string, replica: number, sg: string): string =>
    `${pcs}-${replica}-${sg}`,
  /** A PodClique: `<pcs>-<r>-<clique>`, or `<pcs>-<r>-<sg>-<s>-<clique>` in a scaling group. */
  clique: (place: GroveCliquePlace): string =>
    place.scalingGroup
      ? `${place.pcs}-${place.replica}-${place.scalingGroup.name}-${place.scalingGroup.replica}-${place.clique}`
      : `${place.pcs}-${place.replica}-${place.clique}`,
  /** A pod's stable hostname `<podclique>-<index>` (its name has a random suffix instead). */
  hostname: (podClique: string, index: number): string =>
    `${podClique}-${index}`,
  /** The headless Service FQDN of a PCS replica (`GROVE_HEADLESS_SERVICE`). */
  headlessService: (pcs: string, replica: number, namespace: string): string =>
    `${pcs}-${replica}.${namespace}.svc.cluster.local`,
  /** Label selector of every pod of the PodCliqueSet. */
  podSelector: (pcs: string): string => `${GROVE_KEYS.partOf}=${pcs}`,
};
