import type {
  DeploymentObjects,
  HealthCliqueTemplate,
  HealthLeaderWorkerSet,
  HealthPod,
  HealthPodCliqueSet,
  HealthPodSpec,
} from './kubeTypes';
import { GROVE_KEYS, LWS_KEYS, groveNames, lwsNames } from '../operatorModel';
import { PodRankLayout, podRankLayout, vllmContainer } from './podRankLayout';

/** A pod a workload object should have, whether or not it exists yet. @public */
export interface ExpectedPod {
  layout: PodRankLayout;
  /** GPUs the pod requests (its `nvidia.com/gpu` limit, else L). */
  gpus: number;
  /** The workload that creates the pod, `Kind/name`. */
  owner: string;
  ownerCreatedAt?: string | Date;
}

/** Key of a pod position: its DP group and node rank. @public */
export function podSlotKey(
  layout: Pick<PodRankLayout, 'groupKey' | 'nodeRank'>,
): string {
  return `${layout.groupKey}#${layout.nodeRank}`;
}

/**
 * Every pod the LeaderWorkerSets and PodCliqueSets ask for, so ranks of pods
 * that do not exist yet can still be listed. Each position is described
 * by the pod the operator would create there, run through
 * {@link podRankLayout}, so expected and observed pods cannot disagree on
 * rank numbering.
 * @public
 */
export function expectedPods(
  objects: Pick<DeploymentObjects, 'leaderWorkerSets' | 'podCliqueSets'>,
): ExpectedPod[] {
  const synthetic = [
    ...objects.leaderWorkerSets.flatMap(lwsPods),
    ...objects.podCliqueSets.flatMap(pcsPods),
  ];
  const out: ExpectedPod[] = [];
  for (const { pod, owner, ownerCreatedAt } of synthetic) {
    const result = podRankLayout(pod);
    if (!('layout' in result)) continue;
    out.push({
      layout: result.layout,
      gpus: podGpus(pod.spec, result.layout.localSize),
      owner,
      ownerCreatedAt,
    });
  }
  return out;
}

/** GPUs a pod requests: the vllm container's `nvidia.com/gpu` limit, else L. @public */
export function podGpus(
  spec: HealthPodSpec | undefined,
  localSize: number,
): number {
  const limit = vllmContainer(spec)?.resources?.limits?.['nvidia.com/gpu'];
  const n = Number(limit);
  return limit !== undefined && Number.isInteger(n) && n >= 0 ? n : localSize;
}

interface SyntheticPod {
  pod: HealthPod;
  owner: string;
  ownerCreatedAt?: string | Date;
}

// Bounds the synthetic fan-out if a workload object carries absurd sizes.
const MAX_EXPECTED_PODS = 4096;

function lwsPods(lws: HealthLeaderWorkerSet): SyntheticPod[] {
  const name = lws.metadata?.name;
  const template = lws.spec?.leaderWorkerTemplate;
  if (!name || !template) return [];
  const replicas = lws.spec?.replicas ?? 1;
  const size = template.size ?? 1;
  if (replicas * size > MAX_EXPECTED_PODS) return [];
  const out: SyntheticPod[] = [];
  for (let g = 0; g < replicas; g++) {
    for (let w = 0; w < size; w++) {
      const t =
        w === 0 && template.leaderTemplate
          ? template.leaderTemplate
          : template.workerTemplate;
      const hostname = lwsNames.pod(name, g, w);
      out.push({
        owner: `LeaderWorkerSet/${name}`,
        ownerCreatedAt: lws.metadata?.creationTimestamp,
        pod: {
          metadata: {
            name: hostname,
            labels: {
              ...t?.metadata?.labels,
              [LWS_KEYS.name]: name,
              [LWS_KEYS.groupIndex]: String(g),
              [LWS_KEYS.workerIndex]: String(w),
            },
            annotations: {
              ...t?.metadata?.annotations,
              [LWS_KEYS.size]: String(size),
            },
          },
          spec: { ...t?.spec, hostname },
        },
      });
    }
  }
  return out;
}

function pcsPods(pcs: HealthPodCliqueSet): SyntheticPod[] {
  const name = pcs.metadata?.name;
  const template = pcs.spec?.template;
  if (!name || !template) return [];
  const cliques = template.cliques ?? [];
  const groups = template.podCliqueScalingGroups ?? [];
  const out: SyntheticPod[] = [];
  const push = (
    clique: HealthCliqueTemplate,
    fqn: string,
    podIndex: number,
    extraLabels: Record<string, string>,
    envNumPods?: number,
  ) => {
    const hostname = groveNames.hostname(fqn, podIndex);
    const spec = clique.spec?.podSpec;
    out.push({
      owner: `PodCliqueSet/${name}`,
      ownerCreatedAt: pcs.metadata?.creationTimestamp,
      pod: {
        metadata: {
          name: hostname,
          labels: {
            ...clique.labels,
            ...extraLabels,
            [GROVE_KEYS.partOf]: name,
            [GROVE_KEYS.podClique]: fqn,
            [GROVE_KEYS.podIndex]: String(podIndex),
          },
          annotations: { ...clique.annotations },
        },
        spec: {
          ...spec,
          hostname,
          containers: spec?.containers?.map(c => ({
            ...c,
            env: [
              ...(envNumPods !== undefined
                ? [
                    {
                      name: GROVE_KEYS.envPcsgTemplateNumPods,
                      value: String(envNumPods),
                    },
                  ]
                : []),
              ...(c.env ?? []),
            ],
          })),
        },
      },
    });
  };
  const replicas = pcs.spec?.replicas ?? 1;
  for (let r = 0; r < replicas; r++) {
    for (const clique of cliques) {
      const sg = groups.find(g => g.cliqueNames?.includes(clique.name));
      const cliqueReplicas = clique.spec?.replicas ?? 1;
      if (!sg) {
        for (
          let i = 0;
          i < cliqueReplicas && out.length < MAX_EXPECTED_PODS;
          i++
        ) {
          push(
            clique,
            groveNames.clique({ pcs: name, replica: r, clique: clique.name }),
            i,
            {
              [GROVE_KEYS.pcsReplicaIndex]: String(r),
            },
          );
        }
        continue;
      }
      const numPods = (sg.cliqueNames ?? [])
        .map(n => cliques.find(c => c.name === n)?.spec?.replicas ?? 1)
        .reduce((a, b) => a + b, 0);
      for (let g = 0; g < (sg.replicas ?? 1); g++) {
        for (
          let i = 0;
          i < cliqueReplicas && out.length < MAX_EXPECTED_PODS;
          i++
        ) {
          push(
            clique,
            groveNames.clique({
              pcs: name,
              replica: r,
              clique: clique.name,
              scalingGroup: { name: sg.name, replica: g },
            }),
            i,
            {
              [GROVE_KEYS.pcsReplicaIndex]: String(r),
              [GROVE_KEYS.scalingGroup]: groveNames.scalingGroup(
                name,
                r,
                sg.name,
              ),
              [GROVE_KEYS.scalingGroupReplicaIndex]: String(g),
            },
            numPods,
          );
        }
      }
    }
  }
  return out;
}
