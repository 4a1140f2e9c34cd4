import {
  HealthPod,
  ProbeTarget,
  Role,
  podRankLayout,
  probeTargetsForPod,
  vllmContainer,
} from '@internal/plugin-wide-ep-common';

/** The endpoint a series was scraped from, as the rank mapping knows it. @public */
export interface SeriesTarget extends ProbeTarget {
  role: Role;
  group: number;
}

/** Container ports as the pod object has them (HealthPod leaves them out). */
type PortedContainer = {
  ports?: { name?: string; containerPort?: number }[];
};

/**
 * Index from the labels the PodMonitor puts on every series (`pod`,
 * `port_name`) to the endpoint and its ranks: the pod's rank layout and
 * probe targets (the mapping the probes use), and the vllm container's
 * named ports for the port number. Pods without a layout or an IP have no
 * entry; their series are ignored.
 * @public
 */
export function seriesTargetIndex(
  pods: readonly HealthPod[],
): Map<string, SeriesTarget> {
  const index = new Map<string, SeriesTarget>();
  for (const pod of pods) {
    const result = podRankLayout(pod);
    if (!('layout' in result)) continue;
    const { layout } = result;
    const ports = (vllmContainer(pod.spec) as PortedContainer | undefined)
      ?.ports;
    for (const target of probeTargetsForPod(pod, layout)) {
      const port = ports?.find(p => p.containerPort === target.port);
      if (!port?.name) continue;
      index.set(seriesKey(target.pod, port.name), {
        ...target,
        role: layout.role,
        group: layout.group,
      });
    }
  }
  return index;
}

/** Key of {@link seriesTargetIndex}. @public */
export function seriesKey(pod: string, portName: string): string {
  return `${pod}\u0000${portName}`;
}

/**
 * The global rank a series belongs to: its `engine` label where the
 * endpoint serves several ranks (hybrid mode), the endpoint's one rank
 * otherwise (as {@link rankEngineMetrics} reads /metrics).
 * @public
 */
export function seriesRank(
  target: SeriesTarget,
  engine: string | undefined,
): number | undefined {
  if (target.ranks.length === 1) return target.ranks[0];
  const rank =
    engine !== undefined && /^\d+$/.test(engine) ? Number(engine) : NaN;
  return target.ranks.includes(rank) ? rank : undefined;
}
