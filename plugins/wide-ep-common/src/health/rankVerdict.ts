import type { RankState } from './types';
import type { EngineMetrics, EndpointProbe, ProbeTarget } from './probeTargets';
import type { PodVerdict } from './podStatusVerdict';

/** State and reason of one rank. @public */
export interface RankVerdict {
  state: RankState;
  reason?: string;
}

/** Options for {@link rankVerdict}. @public */
export interface RankVerdictOptions {
  pod: PodVerdict;
  /** The endpoint serving the rank; absent when the pod has no IP to probe. */
  target?: Pick<ProbeTarget, 'host' | 'port'>;
  probe?: EndpointProbe;
  /** This rank's metrics, for `vllm:engine_healthy`. */
  metrics?: EngineMetrics;
}

/**
 * Combines the pod verdict with the rank's probe (rank-health.md §7 step 3):
 * a pod that is not Ready keeps its pod reason whatever the probe says
 * (vLLM refuses connections while it loads weights); a Ready pod's rank is
 * healthy only if `/health` answers 200 and `vllm:engine_healthy`, where
 * exported, is 1.
 * @public
 */
export function rankVerdict(options: RankVerdictOptions): RankVerdict {
  const { pod, probe, target } = options;
  if (!pod.ready)
    return { state: pod.state, ...(pod.reason ? { reason: pod.reason } : {}) };
  // A probe taken before the pod (re)became Ready says nothing about it now:
  // a restarted pod refused connections while loading, then turned Ready.
  const stale =
    probe &&
    pod.readySince !== undefined &&
    Date.parse(probe.probedAt) < pod.readySince;
  if (!probe || !target || stale)
    return {
      state: 'unknown',
      reason: 'pod is Ready; its probe result is not in yet',
    };
  const where = `${target.host}:${target.port}`;
  const health = probe.health;
  switch (health.kind) {
    case 'ok':
      if (
        options.metrics?.engineHealthy !== undefined &&
        options.metrics.engineHealthy < 1
      ) {
        return {
          state: 'unhealthy',
          reason: `vllm:engine_healthy is ${options.metrics.engineHealthy} on ${where}`,
        };
      }
      return { state: 'healthy' };
    case 'httpStatus':
      return {
        state: 'unhealthy',
        reason: `/health returned ${health.status} on ${where}`,
      };
    case 'timeout':
      return {
        state: 'unhealthy',
        reason: `probe timed out after ${health.timeoutMs} ms on ${where}`,
      };
    case 'refused':
      return {
        state: 'unhealthy',
        reason: `connection refused on ${where}: the vLLM API server is not listening`,
      };
    default:
      return {
        state: 'unhealthy',
        reason: `probe of ${where} failed: ${health.message}`,
      };
  }
}
