import type { KubernetesObject } from '@kubernetes/client-node';
import {
  HealthContainerStatus,
  HealthLeaderWorkerSet,
  HealthPod,
  HealthPodCliqueSet,
  KINDS,
  PodVerdict,
  groveNames,
  lwsNames,
  podStatusVerdict,
  workloadConditions,
} from '@internal/plugin-wide-ep-common';
import { formatObjectRef } from './objectRef';
import type { ObjectRef } from './types';

/** Where a pod is on its way to Ready. @public */
export type PodProgress =
  | 'Pending'
  | 'Scheduled'
  | 'ContainerCreating'
  | 'RunningNotReady'
  | 'Ready'
  | 'Terminated';

/** Readiness of one workload and its pods. @public */
export interface WorkloadReadiness {
  ref: ObjectRef;
  ready: boolean;
  /**
   * The workload's state, pod counts and problems. It changes when the
   * workload's phase changes, and when the elapsed times in a problem do.
   */
  summary: string;
  /** Pod counts per progress step; all zero while the object is missing. */
  pods: Record<PodProgress, number>;
  /**
   * What the rank card says about each pod that is stuck or failing: the
   * reason of the pod's `podStatusVerdict` (`GET /api/wide-ep/ranks`
   * shows the same text), one entry per distinct reason.
   */
  problems: string[];
}

/** The kinds whose readiness can be assessed. @public */
export const READINESS_KINDS: readonly string[] = KINDS.filter(
  k => k.workload,
).map(k => k.kind);

// The operator model in -common says how each operator labels its pods.
const POD_SELECTOR_BY_KIND: Record<string, (name: string) => string> = {
  LeaderWorkerSet: lwsNames.podSelector,
  PodCliqueSet: groveNames.podSelector,
};

interface WorkloadShape extends KubernetesObject {
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
  };
  status?: {
    observedGeneration?: number;
    availableReplicas?: number;
    updatedReplicas?: number;
  };
}

/**
 * The label selector of the pods a workload owns: the LeaderWorkerSet name
 * label, Grove's part-of label, or a Deployment's `matchLabels`
 * (`matchExpressions` are not used).
 *
 * @public
 */
export function podSelectorFor(
  ref: Pick<ObjectRef, 'kind' | 'name'>,
  object?: KubernetesObject,
): string | undefined {
  const selector = POD_SELECTOR_BY_KIND[ref.kind];
  if (selector) {
    return selector(ref.name);
  }
  const matchLabels = (object as WorkloadShape | undefined)?.spec?.selector
    ?.matchLabels;
  if (!matchLabels || Object.keys(matchLabels).length === 0) {
    return undefined;
  }
  return Object.entries(matchLabels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

/**
 * Where one pod is, plus a problem line when it is stuck or failing, in the
 * rank card's words: the reason of the pod's `podStatusVerdict`
 * (wide-ep-common), the text `GET /api/wide-ep/ranks` gives its ranks.
 *
 * @remarks
 * A pod gets a problem line when the card calls it unhealthy or unknown (a
 * broken or crash-looping container, a failed or terminating pod, a start
 * past its budget), and also while it is still starting but the scheduler
 * turned it down or one of its containers restarted.
 *
 * @public
 */
export function classifyPod(
  pod: HealthPod,
  options: { now?: number } = {},
): {
  progress: PodProgress;
  problem?: string;
} {
  const { progress, reason } = judgePod(pod, options.now ?? Date.now());
  return reason
    ? { progress, problem: `${podLabel(pod)}: ${reason}` }
    : { progress };
}

function judgePod(
  pod: HealthPod,
  now: number,
): { progress: PodProgress; reason?: string } {
  const progress = podProgress(pod);
  const reason = problemReason(pod, podStatusVerdict(pod, { now }));
  return reason ? { progress, reason } : { progress };
}

function podProgress(pod: HealthPod): PodProgress {
  const phase = pod.status?.phase;
  const conditions = pod.status?.conditions ?? [];
  if (phase === 'Succeeded' || phase === 'Failed') {
    return 'Terminated';
  }
  if (phase === 'Pending' || !phase) {
    const scheduled = conditions.find(c => c.type === 'PodScheduled');
    if (scheduled?.status === 'False' || (!scheduled && !pod.spec?.nodeName)) {
      return 'Pending';
    }
    const creating = allContainerStatuses(pod).some(s =>
      ['ContainerCreating', 'PodInitializing'].includes(
        s.state?.waiting?.reason ?? '',
      ),
    );
    return creating ? 'ContainerCreating' : 'Scheduled';
  }
  const ready = conditions.some(c => c.type === 'Ready' && c.status === 'True');
  return ready ? 'Ready' : 'RunningNotReady';
}

/** The card's reason, when it is worth a line in the task log. */
function problemReason(
  pod: HealthPod,
  verdict: PodVerdict,
): string | undefined {
  if (verdict.ready || !verdict.reason) {
    return undefined;
  }
  if (verdict.state !== 'starting') {
    return verdict.reason;
  }
  // Starting, but not the way a healthy start looks.
  const turnedDown = pod.status?.conditions?.some(
    c => c.type === 'PodScheduled' && c.status === 'False',
  );
  const restarted = allContainerStatuses(pod).some(
    s => (s.restartCount ?? 0) > 0 && s.lastState?.terminated,
  );
  return turnedDown || restarted ? verdict.reason : undefined;
}

function podLabel(pod: HealthPod): string {
  return `pod ${pod.metadata?.name ?? '<unnamed>'}`;
}

/**
 * Assesses one LeaderWorkerSet, PodCliqueSet or Deployment from its object
 * (undefined when it does not exist) and the pods it owns.
 *
 * @remarks
 * Ready means: the controller has observed the current generation (when it
 * reports `status.observedGeneration`), and
 * - LeaderWorkerSet: `status.readyReplicas >= spec.replicas` and condition
 *   `Available=True`;
 * - PodCliqueSet: `status.availableReplicas >= spec.replicas`;
 * - Deployment: updated and available replicas `>= spec.replicas`.
 *
 * `spec.replicas` defaults to 1, as in all three CRD/API schemas. The
 * LeaderWorkerSet and PodCliqueSet counts and conditions, and every pod's
 * problem line, come from the functions behind the rank card
 * (`workloadConditions`, `podStatusVerdict`), so the task log and the card
 * agree.
 *
 * @public
 */
export function assessWorkload(options: {
  ref: ObjectRef;
  object: KubernetesObject | undefined;
  pods: readonly HealthPod[];
  /** The clock pod startup budgets are measured with; defaults to now. */
  now?: number;
}): WorkloadReadiness {
  const { ref } = options;
  const object = options.object as WorkloadShape | undefined;
  const pods = emptyCounts();
  if (!object) {
    return {
      ref,
      ready: false,
      summary: `${formatObjectRef(ref)}: not found`,
      pods,
      problems: [],
    };
  }

  // Pods with the same reason (a scheduler message, an image pull
  // failure) share one line.
  const now = options.now ?? Date.now();
  const podsByReason = new Map<string, HealthPod[]>();
  for (const pod of options.pods) {
    const { progress, reason } = judgePod(pod, now);
    pods[progress]++;
    const owners = reason ? podsByReason.get(reason) : undefined;
    if (owners) {
      owners.push(pod);
    } else if (reason) {
      podsByReason.set(reason, [pod]);
    }
  }
  const problems = [...podsByReason].map(([reason, owners]) =>
    owners.length > 1
      ? `${reason} (${owners.length} pods)`
      : `${podLabel(owners[0])}: ${reason}`,
  );

  const { ready, state } = workloadState(ref.kind, object);
  const podText = formatPodCounts(pods);
  const summary = [
    `${formatObjectRef(ref)}: ${state}`,
    ...(podText ? [`pods ${podText}`] : []),
    ...problems,
  ].join('; ');
  return { ref, ready, summary, pods, problems };
}

function workloadState(
  kind: string,
  object: WorkloadShape,
): { ready: boolean; state: string } {
  const desired = object.spec?.replicas ?? 1;
  const status = object.status ?? {};
  const generation = object.metadata?.generation;
  // Only when reported: not every controller version fills it in, and a
  // missing field must not keep a healthy workload "not ready" forever.
  if (
    generation !== undefined &&
    status.observedGeneration !== undefined &&
    status.observedGeneration < generation
  ) {
    return {
      ready: false,
      state: `waiting for the controller to observe generation ${generation}`,
    };
  }
  if (kind === 'LeaderWorkerSet' || kind === 'PodCliqueSet') {
    return operatorWorkloadState(kind, object);
  }
  const available = status.availableReplicas ?? 0;
  const updated = status.updatedReplicas ?? 0;
  return {
    ready: available >= desired && updated >= desired,
    state: `${available}/${desired} replicas available, ${updated}/${desired} updated`,
  };
}

/**
 * A LeaderWorkerSet or PodCliqueSet through the card's `workloadConditions`:
 * its readiness count (`GroupsReady`, `ReplicasAvailable`) and, for a
 * LeaderWorkerSet, the operator's `Available` and `Progressing` conditions.
 */
function operatorWorkloadState(
  kind: 'LeaderWorkerSet' | 'PodCliqueSet',
  object: WorkloadShape,
): { ready: boolean; state: string } {
  // The count is only derived from a reported status; none yet means 0 ready.
  const reported = { ...object, status: object.status ?? {} };
  const conditions = workloadConditions({
    leaderWorkerSets:
      kind === 'LeaderWorkerSet' ? [reported as HealthLeaderWorkerSet] : [],
    podCliqueSets:
      kind === 'PodCliqueSet' ? [reported as HealthPodCliqueSet] : [],
    podCliques: [],
    podCliqueScalingGroups: [],
    computeDomains: [],
  });
  const of = (type: string) => conditions.find(c => c.type === type);
  if (kind === 'PodCliqueSet') {
    const count = of('ReplicasAvailable');
    return { ready: count?.status === 'True', state: count?.message ?? '' };
  }
  const groups = of('GroupsReady');
  const available = of('Available');
  const conditionText = [available, of('Progressing')]
    .flatMap(c =>
      c ? [`${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}`] : [],
    )
    .join(', ');
  return {
    ready: groups?.status === 'True' && available?.status === 'True',
    state: `${groups?.message ?? ''}${
      conditionText ? `, ${conditionText}` : ''
    }`,
  };
}

function allContainerStatuses(pod: HealthPod): HealthContainerStatus[] {
  return [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ];
}

function emptyCounts(): Record<PodProgress, number> {
  return {
    Pending: 0,
    Scheduled: 0,
    ContainerCreating: 0,
    RunningNotReady: 0,
    Ready: 0,
    Terminated: 0,
  };
}

const PROGRESS_LABELS: Record<PodProgress, string> = {
  Ready: 'Ready',
  RunningNotReady: 'Running (not ready)',
  ContainerCreating: 'ContainerCreating',
  Scheduled: 'scheduled',
  Pending: 'Pending',
  Terminated: 'terminated',
};

function formatPodCounts(counts: Record<PodProgress, number>): string {
  return (Object.keys(PROGRESS_LABELS) as PodProgress[])
    .filter(progress => counts[progress] > 0)
    .map(progress => `${counts[progress]} ${PROGRESS_LABELS[progress]}`)
    .join(', ');
}
