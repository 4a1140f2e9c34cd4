/**
 * Keys and well-known values shared by the renderer, the actions and the
 * rank-health backend. One definition each, so a selector can never drift
 * away from the labels it is meant to select.
 */

/** Prefix for labels and annotations this project owns. @public */
export const WIDE_EP_PREFIX = 'wide-ep.backstage.io';

/** @public */
export const LABELS = {
  /** The generated deployment a pod or object belongs to (= spec.name). */
  deployment: `${WIDE_EP_PREFIX}/deployment`,
  inferenceServing: 'llm-d.ai/inference-serving',
  guide: 'llm-d.ai/guide',
  acceleratorVariant: 'llm-d.ai/accelerator-variant',
  acceleratorVendor: 'llm-d.ai/accelerator-vendor',
  model: 'llm-d.ai/model',
  /** Exactly `prefill` or `decode`: the EPP filters read it. */
  role: 'llm-d.ai/role',
  kubernetesId: 'backstage.io/kubernetes-id',
  kaiQueue: 'kai.scheduler/queue',
} as const;

/**
 * Pod-template annotations that let observers map a pod to its data-parallel
 * ranks without parsing the launch script (rank-health.md §1).
 * @public
 */
export const POD_ANNOTATIONS = {
  dpSizeLocal: `${WIDE_EP_PREFIX}/dp-size-local`,
  dpSize: `${WIDE_EP_PREFIX}/dp-size`,
  groupSize: `${WIDE_EP_PREFIX}/group-size`,
  launchMode: `${WIDE_EP_PREFIX}/launch-mode`,
  vllmBasePort: `${WIDE_EP_PREFIX}/vllm-base-port`,
  supervisorPort: `${WIDE_EP_PREFIX}/supervisor-port`,
} as const;

/** Annotations written into the generated catalog-info.yaml. @public */
export const ENTITY_ANNOTATIONS = {
  kubernetesId: 'backstage.io/kubernetes-id',
  kubernetesNamespace: 'backstage.io/kubernetes-namespace',
  kubernetesCluster: 'backstage.io/kubernetes-cluster',
  deployment: `${WIDE_EP_PREFIX}/deployment`,
  orchestrator: `${WIDE_EP_PREFIX}/orchestrator`,
  hardware: `${WIDE_EP_PREFIX}/hardware`,
  podSelector: `${WIDE_EP_PREFIX}/pod-selector`,
  workloads: `${WIDE_EP_PREFIX}/workloads`,
  /**
   * The validated spec the deployment was rendered from, as JSON: what day-2
   * actions (update, diff, teardown) start from.
   */
  spec: `${WIDE_EP_PREFIX}/spec`,
  /** The version set (images, vLLM, router) the deployment was rendered with. */
  versionSet: `${WIDE_EP_PREFIX}/version-set`,
} as const;

/** Ports fixed by the llm-d wide-EP layout (wide-ep-domain.md §5.2). @public */
export const PORTS = {
  /** Prefill vLLM, and the decode routing sidecar: what the pool targets. */
  serving: 8000,
  /** Decode vLLM behind the sidecar. */
  decodeVllm: 8200,
  /** Supervisor offset from the vLLM base port (8008 / 8208). */
  supervisorOffset: 8,
  dataParallelRpc: 5555,
  nixlSideChannel: 5600,
  eppGrpc: 9002,
  eppGrpcHealth: 9003,
  eppMetrics: 9090,
  gateway: 80,
} as const;

/** The HF token Secret used upstream since 2026-06. @public */
export const DEFAULT_HF_TOKEN_SECRET = {
  name: 'llm-d-hf-token',
  key: 'HF_TOKEN',
};
