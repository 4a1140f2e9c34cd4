import type { V1Pod } from '@kubernetes/client-node';
import {
  podScrapeTargets as monitoredEndpoints,
  targetKey,
} from '@internal/plugin-wide-ep-common';
import type { PrometheusTargetGroup } from './startPrometheus';

/**
 * The scrape targets the generator's PodMonitor gives a Prometheus for
 * these pods, with the target labels its relabelings produce (-common's
 * podScrapeTargets/scrapeTargetLabels: every rank's metrics port, or the
 * pod's API port in hybrid mode). SIMULATED: no Prometheus Operator runs
 * here, so they are written as file_sd targets at the pods' IPs instead.
 */
export function podScrapeTargets(
  pods: readonly V1Pod[],
): PrometheusTargetGroup[] {
  return pods.flatMap(pod => {
    const ip = pod.status?.podIP;
    if (!ip) return [];
    return monitoredEndpoints(pod as never).map(endpoint => ({
      targets: [targetKey(ip, endpoint.port)],
      labels: endpoint.labels,
    }));
  });
}
