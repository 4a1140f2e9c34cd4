import { LABELS, POD_ANNOTATIONS, PORTS } from '../constants';
import { ROLES } from '../specSchema';
import type { Orchestrator, Role } from '../specSchema';
import type { LaunchMode } from '../topology';
import type { HealthContainer, HealthPod, HealthPodSpec } from './kubeTypes';
import { GROVE_KEYS, LWS_KEYS } from '../operatorModel';
import { VLLM_CONTAINER, WIDE_EP_ENV } from './operatorKeys';

/** One data-parallel rank served by a pod. @public */
export interface RankSlot {
  globalRank: number;
  /** Index of the rank on its pod, 0..L-1. */
  localRank: number;
  /** vLLM API port that serves the rank (the same for all ranks in hybrid mode). */
  port: number;
}

/**
 * Where a pod sits in its data-parallel group, and the ranks it serves
 * (rank-health.md §1).
 * @public
 */
export interface PodRankLayout {
  orchestrator: Orchestrator;
  role: Role;
  /** Index of the DP group within its role. */
  group: number;
  /** Identifies the DP group across the deployment, e.g. `lws/wide-ep-decode/0`. */
  groupKey: string;
  /** n: 0 on the group leader. */
  nodeRank: number;
  leader: boolean;
  /** L: ranks on this pod. */
  localSize: number;
  /** N: pods in the group. */
  podsPerGroup: number;
  launchMode: LaunchMode;
  vllmBasePort: number;
  supervisorPort?: number;
  /** Stable DNS hostname; Grove pod names end in a random suffix. */
  hostname: string;
  ranks: RankSlot[];
}

/** Result of {@link podRankLayout}: a layout, or why none could be derived. @public */
export type PodRankLayoutResult =
  | { layout: PodRankLayout }
  | { problem: string };

/** Upper bounds that keep a hostile or broken annotation from fanning out probes. */
const MAX_LOCAL_SIZE = 72;
const MAX_PODS_PER_GROUP = 1024;

/**
 * Maps a pod to role, DP group, node rank and global ranks from the labels
 * LWS or Grove set and the rank annotations the generator writes, falling
 * back to the env vars of the vllm container.
 * @public
 */
export function podRankLayout(pod: HealthPod): PodRankLayoutResult {
  const labels = pod.metadata?.labels ?? {};
  const annotations = pod.metadata?.annotations ?? {};
  const name = pod.metadata?.name ?? '(unnamed)';
  const vllm = vllmContainer(pod.spec);
  const problem = (why: string): PodRankLayoutResult => ({
    problem: `pod ${name}: ${why}`,
  });

  let orchestrator: Orchestrator | undefined;
  if (labels[LWS_KEYS.name]) orchestrator = 'lws';
  else if (labels[GROVE_KEYS.podClique]) orchestrator = 'grove';
  if (!orchestrator) {
    return problem(
      `has neither the ${LWS_KEYS.name} nor the ${GROVE_KEYS.podClique} label`,
    );
  }
  const role = podRole(labels, orchestrator);
  if (!role)
    return problem(`has no ${LABELS.role} label with value prefill or decode`);

  const localSize = parseCount(
    annotations[POD_ANNOTATIONS.dpSizeLocal] ??
      envValue(vllm, WIDE_EP_ENV.dpSizeLocal),
    MAX_LOCAL_SIZE,
  );
  if (localSize === undefined) {
    return problem(
      `has no valid ${POD_ANNOTATIONS.dpSizeLocal} annotation or ${WIDE_EP_ENV.dpSizeLocal} env (1..${MAX_LOCAL_SIZE})`,
    );
  }
  const position =
    orchestrator === 'lws'
      ? lwsPosition(labels, annotations, vllm)
      : grovePosition(labels, annotations, vllm);
  if ('problem' in position) return problem(position.problem);
  const { group, groupKey, nodeRank, podsPerGroup } = position;
  if (nodeRank >= podsPerGroup) {
    return problem(
      `node rank ${nodeRank} is outside its group of ${podsPerGroup} pods`,
    );
  }

  const launchMode = podLaunchMode(
    annotations[POD_ANNOTATIONS.launchMode],
    vllm,
  );
  const defaultBase = role === 'decode' ? PORTS.decodeVllm : PORTS.serving;
  const rawBase = annotations[POD_ANNOTATIONS.vllmBasePort];
  const vllmBasePort = rawBase === undefined ? defaultBase : parsePort(rawBase);
  const lastPort =
    (vllmBasePort ?? 0) + (launchMode === 'supervisor' ? localSize - 1 : 0);
  if (vllmBasePort === undefined || lastPort > 65535) {
    return problem(`has an invalid ${POD_ANNOTATIONS.vllmBasePort} annotation`);
  }
  let supervisorPort: number | undefined;
  if (launchMode === 'supervisor') {
    const rawSupervisor = annotations[POD_ANNOTATIONS.supervisorPort];
    supervisorPort =
      rawSupervisor === undefined
        ? vllmBasePort + PORTS.supervisorOffset
        : parsePort(rawSupervisor);
    if (supervisorPort === undefined)
      return problem(
        `has an invalid ${POD_ANNOTATIONS.supervisorPort} annotation`,
      );
  }

  const ranks: RankSlot[] = [];
  for (let i = 0; i < localSize; i++) {
    ranks.push({
      globalRank: nodeRank * localSize + i,
      localRank: i,
      port: launchMode === 'supervisor' ? vllmBasePort + i : vllmBasePort,
    });
  }
  return {
    layout: {
      orchestrator,
      role,
      group,
      groupKey,
      nodeRank,
      leader: nodeRank === 0,
      localSize,
      podsPerGroup,
      launchMode,
      vllmBasePort,
      ...(supervisorPort !== undefined ? { supervisorPort } : {}),
      hostname: pod.spec?.hostname ?? name,
      ranks,
    },
  };
}

type Position =
  | { group: number; groupKey: string; nodeRank: number; podsPerGroup: number }
  | { problem: string };

function lwsPosition(
  labels: Record<string, string>,
  annotations: Record<string, string>,
  vllm?: HealthContainer,
): Position {
  const lws = labels[LWS_KEYS.name];
  const group = parseIndex(labels[LWS_KEYS.groupIndex]);
  const nodeRank = parseIndex(
    labels[LWS_KEYS.workerIndex] ?? envValue(vllm, LWS_KEYS.envWorkerIndex),
  );
  if (group === undefined)
    return { problem: `has no valid ${LWS_KEYS.groupIndex} label` };
  if (nodeRank === undefined)
    return { problem: `has no valid ${LWS_KEYS.workerIndex} label` };
  const podsPerGroup = parseCount(
    annotations[POD_ANNOTATIONS.groupSize] ??
      annotations[LWS_KEYS.size] ??
      envValue(vllm, LWS_KEYS.envGroupSize),
    MAX_PODS_PER_GROUP,
  );
  if (podsPerGroup === undefined)
    return { problem: `has no valid ${LWS_KEYS.size} annotation` };
  return { group, groupKey: `lws/${lws}/${group}`, nodeRank, podsPerGroup };
}

function grovePosition(
  labels: Record<string, string>,
  annotations: Record<string, string>,
  vllm?: HealthContainer,
): Position {
  const clique = labels[GROVE_KEYS.podClique];
  const podIndex = parseIndex(labels[GROVE_KEYS.podIndex]);
  if (podIndex === undefined)
    return { problem: `has no valid ${GROVE_KEYS.podIndex} label` };
  const scalingGroup = labels[GROVE_KEYS.scalingGroup];
  if (!scalingGroup) {
    // A standalone clique pod is a DP group of its own (rank-health.md §1).
    return {
      group: podIndex,
      groupKey: `grove/${clique}/${podIndex}`,
      nodeRank: 0,
      podsPerGroup: 1,
    };
  }
  const sgIndex = parseIndex(labels[GROVE_KEYS.scalingGroupReplicaIndex]);
  if (sgIndex === undefined)
    return {
      problem: `has no valid ${GROVE_KEYS.scalingGroupReplicaIndex} label`,
    };
  const offset =
    parseIndex(envValue(vllm, WIDE_EP_ENV.nodeRankOffset)) ??
    groveCliqueOffset(clique, scalingGroup, sgIndex);
  const podsPerGroup = parseCount(
    annotations[POD_ANNOTATIONS.groupSize] ??
      envValue(vllm, GROVE_KEYS.envPcsgTemplateNumPods),
    MAX_PODS_PER_GROUP,
  );
  if (podsPerGroup === undefined) {
    return {
      problem: `has no valid ${POD_ANNOTATIONS.groupSize} annotation or ${GROVE_KEYS.envPcsgTemplateNumPods} env`,
    };
  }
  return {
    group: sgIndex,
    groupKey: `grove/${scalingGroup}/${sgIndex}`,
    nodeRank: offset + podIndex,
    podsPerGroup,
  };
}

/**
 * Without the generator's offset env, the leader clique is recognised by
 * name: `<pcsg>-<idx>-<clique>` where the leader clique ends in `leader`.
 */
function groveCliqueOffset(
  cliqueFqn: string,
  scalingGroup: string,
  sgIndex: number,
): number {
  const prefix = `${scalingGroup}-${sgIndex}-`;
  const short = cliqueFqn.startsWith(prefix)
    ? cliqueFqn.slice(prefix.length)
    : cliqueFqn;
  return /leader$/.test(short) ? 0 : 1;
}

function podRole(
  labels: Record<string, string>,
  orchestrator: Orchestrator,
): Role | undefined {
  const label = labels[LABELS.role];
  if ((ROLES as readonly string[]).includes(label)) return label as Role;
  // Pods of other generators: fall back to the workload or clique name.
  const owner =
    orchestrator === 'lws'
      ? labels[LWS_KEYS.name]
      : labels[GROVE_KEYS.podClique];
  return ROLES.find(r => owner?.includes(r));
}

function podLaunchMode(
  annotation: string | undefined,
  vllm?: HealthContainer,
): LaunchMode {
  if (annotation === 'supervisor' || annotation === 'hybrid') return annotation;
  const script = [...(vllm?.command ?? []), ...(vllm?.args ?? [])].join(' ');
  return script.includes('--data-parallel-multi-port-external-lb')
    ? 'supervisor'
    : 'hybrid';
}

/** The vllm container, else the first one. @public */
export function vllmContainer(
  spec: HealthPodSpec | undefined,
): HealthContainer | undefined {
  return (
    spec?.containers?.find(c => c.name === VLLM_CONTAINER) ??
    spec?.containers?.[0]
  );
}

function envValue(
  container: HealthContainer | undefined,
  name: string,
): string | undefined {
  return container?.env?.find(e => e.name === name)?.value;
}

function parseIndex(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,6}$/.test(value)) return undefined;
  return Number(value);
}

function parseCount(
  value: string | undefined,
  max: number,
): number | undefined {
  const n = parseIndex(value);
  return n !== undefined && n >= 1 && n <= max ? n : undefined;
}

function parsePort(value: string): number | undefined {
  const n = parseIndex(value);
  return n !== undefined && n >= 1 && n <= 65535 ? n : undefined;
}
