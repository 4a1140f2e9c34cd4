import type { LaunchMode } from '../topology';

/**
 * Names of the container ports the generator declares and the monitoring
 * objects scrape. One definition, so the pod template, the PodMonitor /
 * PodMonitoring endpoints and the mapping of a scraped series back to its
 * rank (health/prometheusQueries.ts) cannot drift apart.
 */

/**
 * The vllm container port serving local rank `localRank`: `vllm-rank<i>` in
 * supervisor mode (one API server per rank), `vllm` in hybrid mode (one API
 * server for all ranks of the pod). Not `rank<i>`: the decode routing
 * sidecar uses those names (wide-ep-domain.md §12 #10).
 * @public
 */
export function vllmPortName(
  launchMode: LaunchMode,
  localRank: number,
): string {
  return launchMode === 'supervisor' ? `vllm-rank${localRank}` : 'vllm';
}

/** The endpoint picker's Prometheus metrics port. @public */
export const EPP_METRICS_PORT_NAME = 'metrics';
