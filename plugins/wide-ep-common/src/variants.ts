import { gatewayAcceptsRankPorts } from './gateways';
import { HARDWARE } from './hardware';
import {
  CLUSTER_PROVIDERS,
  GATEWAYS,
  MONITORING,
  ORCHESTRATORS,
  WideEpSpecInput,
} from './spec';

/**
 * Every combination the generator must render: orchestrator x hardware x
 * cluster provider x gateway x rankPorts (2 x 3 x 3 x 5 x 2 = 180), less the
 * 36 that pair rank ports with a gateway that cannot route a multi-port pool
 * (kgateway, kgateway-openshift: the spec refuses them, see
 * {@link refusedVariants}), with two-node groups sized for the hardware. Used
 * by the tests, the conformance checks and the render benchmark.
 * @public
 */
export function allVariants(): WideEpSpecInput[] {
  return variantMatrix().filter(
    v => gatewayAcceptsRankPorts(v.gateway) || !v.rankPorts,
  );
}

/**
 * The variants with monitoring objects: every monitoring choice but `none`
 * on every orchestrator, hardware and launch mode (what the scrape objects
 * depend on: pod labels, ranks per pod, rank ports), with Istio and the
 * cluster provider that usually runs that Prometheus (GKE for GKE Managed
 * Prometheus, generic for the Prometheus Operator). `allVariants` leaves
 * monitoring unset (`none`), so its objects stay as they were.
 * @public
 */
export function monitoringVariants(): WideEpSpecInput[] {
  return MONITORING.filter(m => m !== 'none').flatMap(monitoring =>
    allVariants()
      .filter(
        v =>
          v.gateway === 'istio' &&
          v.clusterProvider ===
            (monitoring === 'gke-managed-prometheus' ? 'gke' : 'generic'),
      )
      .map(v => ({ ...v, monitoring })),
  );
}

/** The combinations of the matrix the spec refuses (rankPorts on kgateway). @public */
export function refusedVariants(): WideEpSpecInput[] {
  return variantMatrix().filter(
    v => !(gatewayAcceptsRankPorts(v.gateway) || !v.rankPorts),
  );
}

function variantMatrix(): WideEpSpecInput[] {
  const out: WideEpSpecInput[] = [];
  for (const orchestrator of ORCHESTRATORS)
    for (const hardware of HARDWARE)
      for (const clusterProvider of CLUSTER_PROVIDERS)
        for (const gateway of GATEWAYS)
          for (const rankPorts of [true, false]) {
            const L = hardware === 'gb200' ? 4 : 8;
            out.push({
              name: 'wide-ep',
              namespace: 'llm-d-wide-ep',
              model:
                hardware === 'gb200'
                  ? 'nvidia/DeepSeek-R1-NVFP4'
                  : 'deepseek-ai/DeepSeek-R1-0528',
              hardware,
              clusterProvider,
              orchestrator,
              gateway,
              prefill: { replicas: 1, dataParallelSize: L * 2 },
              decode: { replicas: 2, dataParallelSize: L * 2 },
              rankPorts,
            });
          }
  return out;
}
