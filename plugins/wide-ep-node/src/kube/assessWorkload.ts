import type {
  KubernetesObject,
  V1ContainerStatus,
  V1Pod,
} from '@kubernetes/client-node';
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
  /** One line; it changes exactly when the workload's phase changes. */
  summary: string;
  /** Pod counts per progress step; all zero while the object is missing. */
  pods: Record<PodProgress, number>;
  /** Scheduler messages and container failures, one line each. */
  problems: string[];
}

/** The kinds whose readiness can be assessed. @public */
export const READINESS_KINDS: readonly string[] = [
  'LeaderWorkerSet',
  'PodCliqueSet',
  'Deployment',
];

const POD_LABEL_BY_KIND: Record<string, string> = {
  LeaderWorkerSet: 'leaderworkerset.sigs.k8s.io/name',
  PodCliqueSet: 'app.kubernetes.io/part-of',
};

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

interface WorkloadShape extends KubernetesObject {
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
  };
  status?: {
    observedGeneration?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    updatedReplicas?: number;
    conditions?: Condition[];
  };
}

const MAX_MESSAGE = 200;

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
  const label = POD_LABEL_BY_KIND[ref.kind];
  if (label) {
    return `${label}=${ref.name}`;
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
 * Where one pod is, plus a problem line when it is stuck: the scheduler's
 * reason for an unschedulable pod, or a crash-looping, OOM-killed or
 * image-pull-failing container with its last termination message.
 *
 * @public
 */
export function classifyPod(pod: V1Pod): {
  progress: PodProgress;
  problem?: string;
} {
  const name = pod.metadata?.name ?? '<unnamed>';
  const phase = pod.status?.phase;
  const conditions = pod.status?.conditions ?? [];
  const containerProblem = findContainerProblem(pod);
  const withProblem = (progress: PodProgress) =>
    containerProblem
      ? { progress, problem: `pod ${name}: ${containerProblem}` }
      : { progress };

  if (phase === 'Succeeded' || phase === 'Failed') {
    const reason = pod.status?.reason ? ` (${pod.status.reason})` : '';
    return {
      progress: 'Terminated',
      problem: `pod ${name}: ${phase}${reason}${
        containerProblem ? `, ${containerProblem}` : ''
      }`,
    };
  }
  const scheduled = conditions.find(c => c.type === 'PodScheduled');
  if (phase === 'Pending' || !phase) {
    if (scheduled?.status === 'False') {
      // Identical scheduler messages across pods are merged by the caller.
      return {
        progress: 'Pending',
        problem: `unschedulable (${
          scheduled.reason ?? 'Unschedulable'
        }): ${truncate(scheduled.message ?? 'no message from the scheduler')}`,
      };
    }
    if (!scheduled && !pod.spec?.nodeName) {
      return { progress: 'Pending' };
    }
    const creating = allContainerStatuses(pod).some(s =>
      ['ContainerCreating', 'PodInitializing'].includes(
        s.state?.waiting?.reason ?? '',
      ),
    );
    return withProblem(creating ? 'ContainerCreating' : 'Scheduled');
  }
  const ready = conditions.some(c => c.type === 'Ready' && c.status === 'True');
  return withProblem(ready ? 'Ready' : 'RunningNotReady');
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
 * `spec.replicas` defaults to 1, as in all three CRD/API schemas.
 *
 * @public
 */
export function assessWorkload(options: {
  ref: ObjectRef;
  object: KubernetesObject | undefined;
  pods: readonly V1Pod[];
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

  const problemCounts = new Map<string, number>();
  for (const pod of options.pods) {
    const { progress, problem } = classifyPod(pod);
    pods[progress]++;
    if (problem) {
      problemCounts.set(problem, (problemCounts.get(problem) ?? 0) + 1);
    }
  }
  const problems = [...problemCounts].map(([problem, count]) =>
    count > 1 ? `${problem} (${count} pods)` : problem,
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
  if (kind === 'LeaderWorkerSet') {
    const readyReplicas = status.readyReplicas ?? 0;
    const available = status.conditions?.find(c => c.type === 'Available');
    const progressing = status.conditions?.find(c => c.type === 'Progressing');
    const conditionText = [available, progressing]
      .filter((c): c is Condition => Boolean(c))
      .map(c => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}`)
      .join(', ');
    return {
      ready: readyReplicas >= desired && available?.status === 'True',
      state: `${readyReplicas}/${desired} groups ready${
        conditionText ? `, ${conditionText}` : ''
      }`,
    };
  }
  if (kind === 'PodCliqueSet') {
    const availableReplicas = status.availableReplicas ?? 0;
    return {
      ready: availableReplicas >= desired,
      state: `${availableReplicas}/${desired} replicas available`,
    };
  }
  const available = status.availableReplicas ?? 0;
  const updated = status.updatedReplicas ?? 0;
  return {
    ready: available >= desired && updated >= desired,
    state: `${available}/${desired} replicas available, ${updated}/${desired} updated`,
  };
}

function findContainerProblem(pod: V1Pod): string | undefined {
  for (const status of allContainerStatuses(pod)) {
    const waiting = status.state?.waiting?.reason;
    const last = status.lastState?.terminated;
    const lastText = last
      ? `, last terminated ${last.reason ?? 'with an error'} (exit ${
          last.exitCode
        })${last.message ? `: ${truncate(last.message)}` : ''}`
      : '';
    if (waiting === 'CrashLoopBackOff' || last?.reason === 'OOMKilled') {
      return `container ${status.name} ${waiting ?? 'restarted'}${lastText}`;
    }
    if (
      waiting &&
      [
        'ImagePullBackOff',
        'ErrImagePull',
        'CreateContainerConfigError',
        'CreateContainerError',
        'InvalidImageName',
      ].includes(waiting)
    ) {
      const message = status.state?.waiting?.message;
      return `container ${status.name} ${waiting}${
        message ? `: ${truncate(message)}` : ''
      }`;
    }
  }
  return undefined;
}

function allContainerStatuses(pod: V1Pod): V1ContainerStatus[] {
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

function truncate(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_MESSAGE
    ? `${oneLine.slice(0, MAX_MESSAGE)}…`
    : oneLine;
}
