import { LABELS, POD_ANNOTATIONS } from './constants';
import type { Role, WideEpSpec } from './specSchema';
import type { RolePlan } from './topology';

/** The name clients request: the served name, else the model id. @public */
export function servedModelName(
  spec: Pick<WideEpSpec, 'model' | 'servedModelName'>,
): string {
  return spec.servedModelName ?? spec.model;
}

/** A label value for the served model: its last path segment, 63 characters at most. */
function modelLabelValue(spec: WideEpSpec): string {
  const last = servedModelName(spec).split('/').pop() ?? spec.model;
  return last.slice(0, 63).replace(/[^A-Za-z0-9]+$/, '');
}

/**
 * The InferencePool selector. Pod labels are built from it, so it selects
 * every prefill and decode pod of this deployment and nothing else
 * (upstream defect #15 was a selector matching no pod).
 * @public
 */
export function poolSelector(spec: WideEpSpec): Record<string, string> {
  return {
    [LABELS.inferenceServing]: 'true',
    [LABELS.deployment]: spec.name,
  };
}

/** Labels on the LeaderWorkerSet / PodCliqueSet objects themselves. @public */
export function workloadLabels(spec: WideEpSpec): Record<string, string> {
  return {
    [LABELS.deployment]: spec.name,
    [LABELS.kubernetesId]: spec.name,
    [LABELS.guide]: 'wide-ep',
  };
}

/** Labels on every model-server pod template of one role. @public */
export function podLabels(
  spec: WideEpSpec,
  role: Role,
): Record<string, string> {
  const labels: Record<string, string> = {
    ...poolSelector(spec),
    [LABELS.guide]: 'wide-ep',
    [LABELS.acceleratorVariant]: 'gpu',
    [LABELS.acceleratorVendor]: 'nvidia',
    [LABELS.model]: modelLabelValue(spec),
    [LABELS.role]: role,
    [LABELS.kubernetesId]: spec.name,
  };
  if (spec.orchestrator === 'grove' && spec.grove.kaiScheduler) {
    labels[LABELS.kaiQueue] = spec.grove.queue;
  }
  return labels;
}

/** The label selector string for pods of this deployment (all roles). @public */
export function podSelectorString(spec: WideEpSpec): string {
  return Object.entries(poolSelector(spec))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** Rank-layout annotations on a pod template (rank-health.md §1). @public */
export function rankAnnotations(plan: RolePlan): Record<string, string> {
  const annotations: Record<string, string> = {
    [POD_ANNOTATIONS.dpSizeLocal]: String(plan.localSize),
    [POD_ANNOTATIONS.dpSize]: String(plan.dataParallelSize),
    [POD_ANNOTATIONS.groupSize]: String(plan.podsPerGroup),
    [POD_ANNOTATIONS.launchMode]: plan.launchMode,
    [POD_ANNOTATIONS.vllmBasePort]: String(plan.vllmBasePort),
  };
  if (plan.supervisorPort) {
    annotations[POD_ANNOTATIONS.supervisorPort] = String(plan.supervisorPort);
  }
  return annotations;
}
