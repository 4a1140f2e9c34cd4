import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { CustomErrorBase, isError } from '@backstage/errors';
import { Clock, systemClock } from '../clock';
import {
  READINESS_KINDS,
  WorkloadReadiness,
  assessWorkload,
  podSelectorFor,
} from './assessWorkload';
import { isTransientKubeError } from './errors';
import type { KubeClient, ObjectRef } from './types';

/** Options for {@link waitForReady}. @public */
export interface WaitForReadyOptions {
  client: KubeClient;
  namespace: string;
  /**
   * The applied objects. Only LeaderWorkerSets, PodCliqueSets and
   * Deployments are waited for; other kinds are ignored.
   */
  objects: ReadonlyArray<Pick<ObjectRef, 'apiVersion' | 'kind' | 'name'>>;
  /** Poll interval. Default 5 s. */
  intervalMs?: number;
  /**
   * Give up after this long. Default 45 min: multi-node model servers pull
   * large images and load hundreds of GB of weights before their first
   * readiness probe passes.
   */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Called when a workload's summary changes, including the first poll;
   * not when only the elapsed times in its pod problems do.
   */
  onProgress?: (readiness: WorkloadReadiness) => void;
  /** Called when a poll fails transiently and will be retried. */
  onWarning?: (message: string) => void;
  /** Default {@link systemClock}; pod startup budgets are measured with it. */
  clock?: Clock;
}

/**
 * Thrown by {@link waitForReady} when the timeout passes; lists what is not
 * ready.
 *
 * @public
 */
export class ReadinessTimeoutError extends CustomErrorBase {
  name = 'ReadinessTimeoutError' as const;
  readonly notReady: WorkloadReadiness[];

  constructor(message: string, notReady: WorkloadReadiness[]) {
    super(message);
    this.notReady = notReady;
  }
}

const DEFAULT_INTERVAL_MS = 5_000;
const DEFAULT_TIMEOUT_MS = 45 * 60_000;

/**
 * Polls workloads and their pods until all are ready.
 *
 * @remarks
 * Resolves with the final readiness of each workload. Rejects with
 * {@link ReadinessTimeoutError} on timeout, with the signal's reason on
 * abort, and at once with any error that retrying cannot fix (403, 401, a
 * missing CRD). Transient errors (unavailable cluster, 5xx) are reported
 * through `onWarning` and retried until the timeout.
 *
 * @public
 */
export async function waitForReady(
  options: WaitForReadyOptions,
): Promise<WorkloadReadiness[]> {
  const { client, namespace, signal, onProgress, onWarning } = options;
  const clock = options.clock ?? systemClock;
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const refs: ObjectRef[] = options.objects
    .filter(o => READINESS_KINDS.includes(o.kind))
    .map(o => ({
      apiVersion: o.apiVersion,
      kind: o.kind,
      namespace,
      name: o.name,
    }));

  const start = clock.now();
  const lastSummary = new Map<string, string>();
  let latest: WorkloadReadiness[] | undefined;
  let lastPollError: string | undefined;

  for (;;) {
    // Also after an aborted delay, which resolves early.
    signal?.throwIfAborted();
    try {
      latest = await Promise.all(
        refs.map(ref => pollWorkload(client, ref, clock.now())),
      );
      lastPollError = undefined;
      for (const readiness of latest) {
        const key = `${readiness.ref.kind}/${readiness.ref.name}`;
        const shown = withoutElapsedTimes(readiness.summary);
        if (lastSummary.get(key) !== shown) {
          lastSummary.set(key, shown);
          onProgress?.(readiness);
        }
      }
      if (latest.every(r => r.ready)) {
        return latest;
      }
    } catch (error) {
      if (!isTransientKubeError(error)) {
        throw error;
      }
      lastPollError = isError(error) ? error.message : String(error);
      onWarning?.(`readiness poll failed, retrying: ${lastPollError}`);
    }

    const elapsed = clock.now() - start;
    if (elapsed >= timeoutMs) {
      throw timeoutError({
        client,
        namespace,
        timeoutMs,
        refs,
        latest,
        lastPollError,
      });
    }
    await clock.delay(Math.min(intervalMs, timeoutMs - elapsed), signal);
  }
}

async function pollWorkload(
  client: KubeClient,
  ref: ObjectRef,
  now: number,
): Promise<WorkloadReadiness> {
  const object = await client.read<KubernetesObject>(ref);
  const selector = object ? podSelectorFor(ref, object) : undefined;
  const pods = selector
    ? await client.list<V1Pod>({
        apiVersion: 'v1',
        kind: 'Pod',
        namespace: ref.namespace,
        labelSelector: selector,
      })
    : [];
  return assessWorkload({ ref, object, pods, now });
}

/**
 * The summary with the durations of the card's pod reasons ("running for
 * 3m", "still after 46m", written by wide-ep-common's `formatDuration`)
 * blanked out, so that a pod whose only change is the clock does not add a
 * line to the task log on every poll.
 */
function withoutElapsedTimes(summary: string): string {
  return summary.replace(/\b\d+(?:d\d+h|h\d{2}m|[smh])\b/g, '…');
}

function timeoutError(options: {
  client: KubeClient;
  namespace: string;
  timeoutMs: number;
  refs: ObjectRef[];
  latest?: WorkloadReadiness[];
  lastPollError?: string;
}): ReadinessTimeoutError {
  const { client, namespace, timeoutMs, latest, lastPollError } = options;
  const notReady = (latest ?? []).filter(r => !r.ready);
  const details = latest
    ? notReady.map(r => r.summary).join('; ')
    : `no poll succeeded (${options.refs
        .map(r => `${r.kind} ${r.name}`)
        .join(', ')})`;
  const lastError = lastPollError ? `; last poll failed: ${lastPollError}` : '';
  return new ReadinessTimeoutError(
    `timed out after ${formatDuration(
      timeoutMs,
    )} waiting for workloads in namespace "${namespace}" on cluster "${
      client.clusterName
    }" to become ready: ${details}${lastError}`,
    notReady,
  );
}

function formatDuration(ms: number): string {
  if (ms < 1000) {
    return `${ms}ms`;
  }
  const seconds = Math.round(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  if (minutes === 0) {
    return `${seconds}s`;
  }
  return rest ? `${minutes}m${rest}s` : `${minutes}m`;
}
