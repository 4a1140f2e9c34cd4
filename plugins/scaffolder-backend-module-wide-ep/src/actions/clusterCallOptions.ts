import type { LoggerService } from '@backstage/backend-plugin-api';
import type { KubeConnectOptions } from '@internal/plugin-wide-ep-node';

/**
 * How long a call may wait on the cluster in a scaffolder dry run (the
 * template editor), where an unreachable cluster degrades to a warning: the
 * author should hear so within seconds, not after the full bound.
 */
export const DRY_RUN_MAX_WAIT_MS = 10_000;

/**
 * The options an action connects to its cluster with: while the cluster
 * does not answer, the task log says what the action waits for and for how
 * long (`cluster "x" has not answered list Pod llm-d for 20 s …; retrying`),
 * a cancelled task stops waiting, and a dry run waits at most
 * {@link DRY_RUN_MAX_WAIT_MS} per call.
 */
export function clusterCallOptions(ctx: {
  logger: Pick<LoggerService, 'warn'>;
  signal?: AbortSignal;
  isDryRun?: boolean;
}): KubeConnectOptions {
  return {
    onSlow: report => ctx.logger.warn(report.message),
    signal: ctx.signal,
    ...(ctx.isDryRun ? { maxWaitMs: DRY_RUN_MAX_WAIT_MS } : {}),
  };
}
