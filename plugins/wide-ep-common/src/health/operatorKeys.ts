import { NODE_RANK_OFFSET_ENV } from '../render/vllmCommand';

/** Env vars the generator writes into the vllm container. @public */
export const WIDE_EP_ENV = {
  dpSizeLocal: 'DP_SIZE_LOCAL',
  /** Grove only: 0 on the leader clique, 1 on the worker clique. */
  nodeRankOffset: NODE_RANK_OFFSET_ENV,
} as const;

/** The container that runs vLLM in every generated pod. @public */
export const VLLM_CONTAINER = 'vllm';
