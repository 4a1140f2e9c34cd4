import { CustomErrorBase, isError } from '@backstage/errors';
import { LABELS } from '@internal/plugin-wide-ep-common';
import { Clock, systemClock } from '../clock';
import { isTransientKubeError } from './errors';
import type { KubeClient } from './types';

/** Options of {@link waitForPodsGone}. @public */
export interface WaitForPodsGoneOptions {
  client: KubeClient;
  namespace: string;
  deployment: string;
  timeoutMs: number;
  /** Default 2 s. */
  intervalMs?: number;
  /** Default {@link systemClock}. */
  clock?: Clock;
  signal?: AbortSignal;
  /** Called after each poll that still finds pods, with their names. */
  onProgress?: (remaining: string[]) => void;
  onWarning?: (message: string) => void;
}

/** Thrown when pods of a torn-down deployment outlive the timeout. @public */
export class PodsNotGoneError extends CustomErrorBase {
  name = 'PodsNotGoneError' as const;
}

/**
 * Polls until no pod labelled `wide-ep.backstage.io/deployment=<name>` is
 * left in the namespace. Deleting a LeaderWorkerSet or PodCliqueSet only
 * starts the garbage collection of its pods; GPUs are free once they are
 * gone, which is what the user waits for.
 * @public
 */
export async function waitForPodsGone(
  options: WaitForPodsGoneOptions,
): Promise<void> {
  const { client, namespace, deployment, signal } = options;
  const clock = options.clock ?? systemClock;
  const intervalMs = options.intervalMs ?? 2_000;
  const start = clock.now();
  let remaining: string[] = [];
  for (;;) {
    // Also after an aborted delay, which resolves early.
    signal?.throwIfAborted();
    try {
      const pods = await client.list<{ metadata?: { name?: string } }>({
        apiVersion: 'v1',
        kind: 'Pod',
        namespace,
        labelSelector: `${LABELS.deployment}=${deployment}`,
      });
      remaining = pods.map(p => p.metadata?.name ?? '?').sort();
      if (remaining.length === 0) return;
      options.onProgress?.(remaining);
    } catch (error) {
      if (!isTransientKubeError(error)) throw error;
      options.onWarning?.(
        `listing pods failed, retrying: ${
          isError(error) ? error.message : String(error)
        }`,
      );
    }
    const elapsed = clock.now() - start;
    if (elapsed >= options.timeoutMs) {
      throw new PodsNotGoneError(
        `${remaining.length} pods of ${namespace}/${deployment} on cluster "${
          client.clusterName
        }" still exist after ${Math.round(
          options.timeoutMs / 1000,
        )} s: ${remaining.slice(0, 8).join(', ')}${
          remaining.length > 8 ? ', ...' : ''
        }`,
      );
    }
    await clock.delay(
      Math.min(intervalMs, options.timeoutMs - elapsed),
      signal,
    );
  }
}
