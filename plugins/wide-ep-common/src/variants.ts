import { HARDWARE } from './hardware';
import {
  CLUSTER_PROVIDERS,
  GATEWAYS,
  ORCHESTRATORS,
  WideEpSpecInput,
} from './spec';

/**
 * The 180 combinations the generator must render: orchestrator x hardware x
 * cluster provider x gateway x rankPorts, with two-node groups sized for the
 * hardware. Used by the tests and the render benchmark.
 * @public
 */
export function allVariants(): WideEpSpecInput[] {
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
