import type { WideEpSpecInput } from './spec';

/**
 * The two upstream guides this product reproduces, as specs. Used by the
 * tests, the benchmarks and the template's examples.
 */

/** Grove on GB200 (upstream G, GKE): prefill 1 x 4 GPUs, decode 1 leader + 7 workers x 4. */
/** @public */
export const GROVE_GB200_SEED: WideEpSpecInput = {
  name: 'wide-ep',
  namespace: 'llm-d-wide-ep',
  model: 'nvidia/DeepSeek-R1-NVFP4',
  servedModelName: 'deepseek-ai/DeepSeek-R1',
  hardware: 'gb200',
  clusterProvider: 'gke',
  orchestrator: 'grove',
  gateway: 'kgateway',
  prefill: { replicas: 1, dataParallelSize: 4 },
  decode: { replicas: 1, dataParallelSize: 32 },
  rankPorts: false,
};

/** LWS on H200 (upstream A/B/D): DP16 prefill + DP16 decode, 2 pods x 8 GPUs each, rank ports. */
/** @public */
export const LWS_H200_SEED: WideEpSpecInput = {
  name: 'wide-ep',
  namespace: 'llm-d-wide-ep',
  model: 'deepseek-ai/DeepSeek-R1-0528',
  hardware: 'h200',
  clusterProvider: 'coreweave',
  orchestrator: 'lws',
  gateway: 'istio',
  prefill: { replicas: 1, dataParallelSize: 16 },
  decode: { replicas: 1, dataParallelSize: 16 },
  rankPorts: true,
};
