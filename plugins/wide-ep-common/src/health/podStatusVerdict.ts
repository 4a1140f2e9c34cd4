import type { RankState } from './types';
import type {
  HealthComputeDomain,
  HealthContainerStatus,
  HealthPod,
} from './kubeTypes';
import { formatDuration, timeOf } from './formatDuration';
import { GROVE_KEYS } from '../operatorModel';
import { vllmContainer } from './podRankLayout';

/**
 * What the pod status alone says about the ranks of a pod. `ready` pods
 * are handed to the probe results; every other verdict is final.
 * @public
 */
export interface PodVerdict {
  state: RankState;
  reason?: string;
  /** Pod Ready: the rank state is decided by probing. */
  ready: boolean;
  /** When the pod last became Ready (ms since epoch), if the kubelet said. */
  readySince?: number;
}

/** Options for {@link podStatusVerdict}. @public */
export interface PodStatusVerdictOptions {
  /** Milliseconds since epoch. */
  now: number;
  /**
   * How long a pod may take to become Ready when its vllm container has no
   * startup probe to read the budget from. Defaults to 30 minutes.
   */
  defaultStartupBudgetMs?: number;
  /** ComputeDomains of the deployment (GB200), to explain ContainerCreating. */
  computeDomains?: HealthComputeDomain[];
}

const DEFAULT_STARTUP_BUDGET_MS = 30 * 60_000;
const MESSAGE_LIMIT = 300;

// Waiting reasons that do not clear up without someone changing something.
const BROKEN_WAITING_REASONS = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'PreStartHookError',
]);

/**
 * Judges a pod from its status (rank-health.md §7 step 4): terminating,
 * failed, crash-looping, unschedulable, creating, starting within its
 * startup budget, or Ready.
 * @public
 */
export function podStatusVerdict(
  pod: HealthPod,
  options: PodStatusVerdictOptions,
): PodVerdict {
  const status = pod.status ?? {};
  const budgetMs = startupBudgetMs(pod, options.defaultStartupBudgetMs);
  const unhealthy = (reason: string): PodVerdict => ({
    state: 'unhealthy',
    reason,
    ready: false,
  });
  // Waiting states turn into failures once the startup budget is spent.
  const waiting = (reason: string, since: number | undefined): PodVerdict => {
    const elapsed = since === undefined ? 0 : options.now - since;
    if (elapsed > budgetMs) {
      return unhealthy(
        `${reason} (still after ${formatDuration(
          elapsed,
        )}; startup budget ${formatDuration(budgetMs)})`,
      );
    }
    return { state: 'starting', reason, ready: false };
  };
  const createdAt = timeOf(pod.metadata?.creationTimestamp);

  if (pod.metadata?.deletionTimestamp) return unhealthy('pod is terminating');
  if (status.phase === 'Failed') {
    return unhealthy(
      joinParts('pod failed', status.reason, clip(status.message)),
    );
  }
  if (status.phase === 'Succeeded')
    return unhealthy('pod exited (phase Succeeded): vLLM is not running');

  const broken = brokenContainer([
    ...(status.initContainerStatuses ?? []),
    ...(status.containerStatuses ?? []),
  ]);
  if (broken) return unhealthy(broken);

  if (status.phase === 'Running') {
    const readyCondition = conditionOf(pod, 'Ready');
    if (readyCondition?.status === 'True') {
      const since = readyCondition.lastTransitionTime
        ? new Date(readyCondition.lastTransitionTime).getTime()
        : NaN;
      return {
        state: 'healthy',
        ready: true,
        ...(Number.isNaN(since) ? {} : { readySince: since }),
      };
    }
    const vllm = vllmStatus(pod);
    // A restarted container starts over; say why, or an OOM looks like a slow start.
    const restarted = restartNote(vllm);
    const startedAt = timeOf(vllm?.state?.running?.startedAt);
    if (startedAt === undefined) {
      const why = vllm?.state?.waiting?.reason ?? 'containers not started';
      return waiting(
        `${restarted}${why} on node ${pod.spec?.nodeName ?? '?'}`,
        timeOf(status.startTime) ?? createdAt,
      );
    }
    const elapsed = options.now - startedAt;
    if (elapsed <= budgetMs) {
      return {
        state: 'starting',
        reason: `${restarted}running for ${formatDuration(
          elapsed,
        )}, not Ready yet (startup budget ${formatDuration(budgetMs)})`,
        ready: false,
      };
    }
    const message = conditionOf(pod, 'Ready')?.message;
    return unhealthy(
      `${restarted}running for ${formatDuration(
        elapsed,
      )} without becoming Ready (startup budget ${formatDuration(budgetMs)})${
        message ? `: ${clip(message)}` : ''
      }`,
    );
  }

  if (status.phase === 'Pending' || status.phase === undefined) {
    const gates = pod.spec?.schedulingGates?.map(g => g.name) ?? [];
    if (gates.length) {
      const why = gates.includes(GROVE_KEYS.podGangSchedulingGate)
        ? ' (Grove has not created the PodGang yet)'
        : '';
      return waiting(
        `waiting for scheduling gate ${gates.join(', ')}${why}`,
        createdAt,
      );
    }
    const scheduled = conditionOf(pod, 'PodScheduled');
    if (!pod.spec?.nodeName) {
      if (scheduled?.status === 'False') {
        return waiting(
          joinParts(
            `Pending: ${scheduled.reason ?? 'not scheduled'}`,
            clip(scheduled.message),
          ),
          createdAt,
        );
      }
      return waiting('Pending: waiting to be scheduled', createdAt);
    }
    const node = pod.spec.nodeName;
    const cd = computeDomainWait(pod, options.computeDomains ?? []);
    const initWaiting = firstWaiting(status.initContainerStatuses);
    const why =
      vllmStatus(pod)?.state?.waiting?.reason ??
      initWaiting ??
      'ContainerCreating';
    return waiting(
      cd ? `${why} on node ${node}: ${cd}` : `${why} on node ${node}`,
      timeOf(status.startTime) ?? createdAt,
    );
  }

  return {
    state: 'unknown',
    reason: `pod phase is ${status.phase} (the node may be unreachable)`,
    ready: false,
  };
}

/**
 * The time a pod may take from container start to Ready: its startup
 * probe's `initialDelaySeconds + periodSeconds × failureThreshold`, sized
 * by the generator for weight loading and graph capture.
 * @public
 */
export function startupBudgetMs(
  pod: HealthPod,
  fallbackMs = DEFAULT_STARTUP_BUDGET_MS,
): number {
  const probe = vllmContainer(pod.spec)?.startupProbe;
  if (!probe) return fallbackMs;
  const seconds =
    (probe.initialDelaySeconds ?? 0) +
    (probe.periodSeconds ?? 10) * (probe.failureThreshold ?? 3);
  return seconds * 1000;
}

function brokenContainer(
  statuses: HealthContainerStatus[],
): string | undefined {
  for (const cs of statuses) {
    const w = cs.state?.waiting;
    if (w?.reason === 'CrashLoopBackOff') {
      const last = cs.lastState?.terminated;
      const lastExit = last
        ? `; last exit: ${joinParts(
            `${last.reason ?? 'terminated'} (exit code ${
              last.exitCode ?? '?'
            })`,
            clip(last.message),
          )}`
        : '';
      return `container ${cs.name} is in CrashLoopBackOff (${
        cs.restartCount ?? 0
      } restarts)${lastExit}`;
    }
    if (w?.reason && BROKEN_WAITING_REASONS.has(w.reason)) {
      return `container ${cs.name}: ${joinParts(w.reason, clip(w.message))}`;
    }
    const t = cs.state?.terminated;
    if (t && t.exitCode !== 0) {
      return `container ${cs.name} exited: ${joinParts(
        `${t.reason ?? 'Error'} (exit code ${t.exitCode ?? '?'})`,
        clip(t.message),
      )}`;
    }
  }
  return undefined;
}

function computeDomainWait(
  pod: HealthPod,
  domains: HealthComputeDomain[],
): string | undefined {
  const templates = new Set(
    (pod.spec?.resourceClaims ?? [])
      .map(c => c.resourceClaimTemplateName)
      .filter(Boolean),
  );
  const pcs = pod.metadata?.labels?.[GROVE_KEYS.partOf];
  const pcsIndex = pod.metadata?.labels?.[GROVE_KEYS.pcsReplicaIndex] ?? '0';
  const cd = domains.find(d => {
    const template = d.spec?.channel?.resourceClaimTemplate?.name;
    if (template && templates.has(template)) return true;
    return (
      !!pcs &&
      d.metadata?.labels?.[GROVE_KEYS.partOf] === pcs &&
      !!d.metadata?.name?.startsWith(`${pcs}-${pcsIndex}-`)
    );
  });
  if (!cd) return undefined;
  const nodes = cd.status?.nodes ?? [];
  const readyNodes = nodes.filter(n => n.status === 'Ready').length;
  const joined = nodes.some(
    n => n.name === pod.spec?.nodeName && n.status === 'Ready',
  );
  if (cd.status?.status === 'Ready' && joined) return undefined;
  const counts = `${readyNodes}/${
    cd.spec?.numNodes || nodes.length
  } nodes Ready`;
  return `waiting for ComputeDomain ${cd.metadata?.name} (status ${
    cd.status?.status ?? 'unknown'
  }, ${counts}${
    joined ? '' : `; node ${pod.spec?.nodeName} has not joined its IMEX domain`
  })`;
}

/** "restarted N times, last exit OOMKilled (exit code 137): …; " or "". */
function restartNote(cs: HealthContainerStatus | undefined): string {
  const last = cs?.lastState?.terminated;
  const count = cs?.restartCount ?? 0;
  if (!last || count === 0) return '';
  const times = count === 1 ? 'once' : `${count} times`;
  return `restarted ${times}, last exit ${joinParts(
    `${last.reason ?? 'terminated'} (exit code ${last.exitCode ?? '?'})`,
    clip(last.message),
  )}; `;
}

function vllmStatus(pod: HealthPod): HealthContainerStatus | undefined {
  const name = vllmContainer(pod.spec)?.name;
  const all = pod.status?.containerStatuses ?? [];
  return all.find(c => c.name === name) ?? all[0];
}

function firstWaiting(
  statuses: HealthContainerStatus[] | undefined,
): string | undefined {
  return statuses?.find(s => s.state?.waiting?.reason)?.state?.waiting?.reason;
}

function conditionOf(pod: HealthPod, type: string) {
  return pod.status?.conditions?.find(c => c.type === type);
}

function joinParts(...parts: (string | undefined)[]): string {
  return parts.filter(Boolean).join(': ');
}

/** Keeps the end of long messages: Python tracebacks end in the cause. */
function clip(message: string | undefined): string | undefined {
  const m = message?.trim();
  if (!m) return undefined;
  return m.length > MESSAGE_LIMIT ? `…${m.slice(-MESSAGE_LIMIT)}` : m;
}
