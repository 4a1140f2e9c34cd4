import type { KubernetesObject } from '@kubernetes/client-node';

/** The ordered phases of an apply. @public */
export type ApplyStage =
  | 'namespace'
  | 'prerequisites'
  | 'workloads'
  | 'routing';

/**
 * Which kinds go in which stage; later stages reference objects of earlier
 * ones (pods mount ConfigMaps and claim ComputeDomains, an InferencePool
 * selects pods, an HTTPRoute points at an InferencePool and a Gateway).
 *
 * @public
 */
export const APPLY_STAGE_KINDS: Readonly<
  Record<ApplyStage, readonly string[]>
> = {
  namespace: ['Namespace'],
  prerequisites: [
    'ServiceAccount',
    'ConfigMap',
    'Secret',
    'Role',
    'RoleBinding',
    'ClusterRole',
    'ClusterRoleBinding',
    'PersistentVolumeClaim',
    'ResourceClaimTemplate',
    'ComputeDomain',
  ],
  workloads: [
    'Deployment',
    'StatefulSet',
    'Service',
    'LeaderWorkerSet',
    'PodCliqueSet',
    'DisaggregatedSet',
    'PodDisruptionBudget',
  ],
  routing: [
    'InferencePool',
    'InferenceObjective',
    'DestinationRule',
    'GCPBackendPolicy',
    'HealthCheckPolicy',
    'GatewayParameters',
    'Gateway',
    'HTTPRoute',
  ],
};

/** Stages in the order they are applied. @public */
export const APPLY_STAGE_ORDER: readonly ApplyStage[] = [
  'namespace',
  'prerequisites',
  'workloads',
  'routing',
];

/**
 * The stage an object is applied in. Kinds not listed go with the
 * workloads: extras such as PodMonitors or autoscalers attach to workloads,
 * and nothing in the routing stage depends on them.
 *
 * @public
 */
export function applyStageOf(kind: string): ApplyStage {
  for (const stage of APPLY_STAGE_ORDER) {
    if (APPLY_STAGE_KINDS[stage].includes(kind)) {
      return stage;
    }
  }
  return 'workloads';
}

/**
 * Splits objects into stages, in stage order, keeping the caller's order
 * within each stage. Empty stages are left out. Each entry keeps the
 * object's index in the input, so results can be reported in input order.
 *
 * @public
 */
export function groupIntoApplyStages<T extends KubernetesObject>(
  objects: readonly T[],
): Array<{ stage: ApplyStage; entries: Array<{ index: number; object: T }> }> {
  return APPLY_STAGE_ORDER.map(stage => ({
    stage,
    entries: objects
      .map((object, index) => ({ index, object }))
      .filter(({ object }) => applyStageOf(object.kind ?? '') === stage),
  })).filter(group => group.entries.length > 0);
}
