import type { V1Pod } from '@kubernetes/client-node';
import {
  LABELS,
  podRankLayout,
  probeTargetsForPod,
  vllmContainer,
} from '@internal/plugin-wide-ep-common';
import type { PrometheusTargetGroup } from './startPrometheus';

/**
 * The scrape targets the generator's PodMonitor gives a Prometheus for
 * these pods: every rank's metrics port (supervisor mode: one per rank;
 * hybrid mode: the pod's API port) with the target labels of the
 * PodMonitor's relabelings (namespace, pod, container, port_name,
 * llm_d_deployment, llm_d_role). SIMULATED: no Prometheus Operator runs
 * here, so these are written as file_sd targets instead.
 */
export function podScrapeTargets(
  pods: readonly V1Pod[],
): PrometheusTargetGroup[] {
  const groups: PrometheusTargetGroup[] = [];
  for (const pod of pods) {
    const result = podRankLayout(pod as never);
    if (!('layout' in result)) continue;
    const container = vllmContainer(pod.spec as never);
    const ports = pod.spec?.containers.find(
      c => c.name === container?.name,
    )?.ports;
    for (const target of probeTargetsForPod(pod as never, result.layout)) {
      const port = ports?.find(p => p.containerPort === target.port);
      if (!port?.name) continue;
      groups.push({
        targets: [target.key],
        labels: {
          namespace: pod.metadata!.namespace!,
          pod: pod.metadata!.name!,
          container: container!.name,
          port_name: port.name,
          llm_d_deployment: pod.metadata?.labels?.[LABELS.deployment] ?? '',
          llm_d_role: result.layout.role,
        },
      });
    }
  }
  return groups;
}
