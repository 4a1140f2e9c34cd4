/**
 * The one table of Kubernetes kinds the product renders, applies, watches,
 * assesses and deletes. Every other list is derived from it: the render
 * order (and kustomization.yaml), the apply stages (deletes run them in
 * reverse), the CRDs preflight checks, the kinds the rank-health watch
 * cache lists, and the workloads the readiness wait assesses.
 */

/**
 * The ordered phases of an apply. Later stages reference objects of earlier
 * ones: pods mount ConfigMaps and claim ComputeDomains, an InferencePool
 * selects pods, a Gateway takes its GatewayParameters, an HTTPRoute points
 * at an InferencePool and a Gateway. A teardown runs them in reverse.
 *
 * @public
 */
export type ApplyStage =
  | 'namespace'
  | 'prerequisites'
  | 'workloads'
  | 'routing';

/** Stages in the order they are applied. @public */
export const APPLY_STAGE_ORDER: readonly ApplyStage[] = [
  'namespace',
  'prerequisites',
  'workloads',
  'routing',
];

/** One kind and everything the product does with it. @public */
export interface KindInfo {
  kind: string;
  /** `v1` or `<group>/<version>`, as rendered and watched. */
  apiVersion: string;
  /** REST resource name, e.g. `leaderworkersets`. */
  plural: string;
  stage: ApplyStage;
  /** The renderer can emit it (some variants only). */
  rendered: boolean;
  /** A custom resource: preflight requires `<plural>.<group>` and says why. */
  crd?: { why: string };
  /** The rank-health watch cache lists and watches it. */
  watched?: boolean;
  /** The readiness wait assesses it as a workload. */
  workload?: boolean;
}

const kind = (
  k: string,
  apiVersion: string,
  plural: string,
  stage: ApplyStage,
  rest: Partial<
    Omit<KindInfo, 'kind' | 'apiVersion' | 'plural' | 'stage'>
  > = {},
): KindInfo => ({
  kind: k,
  apiVersion,
  plural,
  stage,
  rendered: false,
  ...rest,
});

/**
 * Every kind, in apply order: stage by stage, and within a stage the order
 * the renderer emits (and kustomization.yaml lists) them.
 *
 * @public
 */
export const KINDS: readonly KindInfo[] = [
  kind('Namespace', 'v1', 'namespaces', 'namespace'),
  // prerequisites
  kind('ServiceAccount', 'v1', 'serviceaccounts', 'prerequisites', {
    rendered: true,
  }),
  kind(
    'ComputeDomain',
    'resource.nvidia.com/v1beta1',
    'computedomains',
    'prerequisites',
    {
      rendered: true,
      watched: true,
      crd: { why: 'multi-node NVLink (IMEX) between GB200 trays' },
    },
  ),
  kind('Role', 'rbac.authorization.k8s.io/v1', 'roles', 'prerequisites', {
    rendered: true,
  }),
  kind(
    'RoleBinding',
    'rbac.authorization.k8s.io/v1',
    'rolebindings',
    'prerequisites',
    { rendered: true },
  ),
  kind('ConfigMap', 'v1', 'configmaps', 'prerequisites', { rendered: true }),
  kind('Secret', 'v1', 'secrets', 'prerequisites'),
  kind(
    'ClusterRole',
    'rbac.authorization.k8s.io/v1',
    'clusterroles',
    'prerequisites',
  ),
  kind(
    'ClusterRoleBinding',
    'rbac.authorization.k8s.io/v1',
    'clusterrolebindings',
    'prerequisites',
  ),
  kind(
    'PersistentVolumeClaim',
    'v1',
    'persistentvolumeclaims',
    'prerequisites',
  ),
  kind(
    'ResourceClaimTemplate',
    'resource.k8s.io/v1',
    'resourceclaimtemplates',
    'prerequisites',
  ),
  // workloads
  kind(
    'LeaderWorkerSet',
    'leaderworkerset.x-k8s.io/v1',
    'leaderworkersets',
    'workloads',
    {
      rendered: true,
      watched: true,
      workload: true,
      crd: { why: 'the model-server pods (LeaderWorkerSet)' },
    },
  ),
  kind('PodCliqueSet', 'grove.io/v1alpha1', 'podcliquesets', 'workloads', {
    rendered: true,
    watched: true,
    workload: true,
    crd: { why: 'the model-server pods (Grove PodCliqueSet)' },
  }),
  kind('Deployment', 'apps/v1', 'deployments', 'workloads', {
    rendered: true,
    workload: true,
  }),
  kind('Service', 'v1', 'services', 'workloads', { rendered: true }),
  // Scrape objects (spec.monitoring): after the pods they select, which
  // they do not need to exist; nothing depends on them.
  kind('PodMonitor', 'monitoring.coreos.com/v1', 'podmonitors', 'workloads', {
    rendered: true,
    crd: {
      why: 'scraping the ranks and the endpoint picker (Prometheus Operator, spec.monitoring prometheus-operator)',
    },
  }),
  kind(
    'PodMonitoring',
    'monitoring.googleapis.com/v1',
    'podmonitorings',
    'workloads',
    {
      rendered: true,
      crd: {
        why: 'scraping the ranks and the endpoint picker (GKE Managed Prometheus, spec.monitoring gke-managed-prometheus)',
      },
    },
  ),
  kind('StatefulSet', 'apps/v1', 'statefulsets', 'workloads'),
  kind(
    'DisaggregatedSet',
    'leaderworkerset.x-k8s.io/v1',
    'disaggregatedsets',
    'workloads',
  ),
  kind('PodDisruptionBudget', 'policy/v1', 'poddisruptionbudgets', 'workloads'),
  // Made by operators, never rendered; watched for rank health.
  kind('Pod', 'v1', 'pods', 'workloads', { watched: true }),
  kind('PodClique', 'grove.io/v1alpha1', 'podcliques', 'workloads', {
    watched: true,
  }),
  kind(
    'PodCliqueScalingGroup',
    'grove.io/v1alpha1',
    'podcliquescalinggroups',
    'workloads',
    { watched: true },
  ),
  // routing
  kind(
    'InferencePool',
    'inference.networking.k8s.io/v1',
    'inferencepools',
    'routing',
    {
      rendered: true,
      watched: true,
      crd: { why: 'routing requests to the model servers' },
    },
  ),
  kind(
    'InferenceObjective',
    'inference.networking.x-k8s.io/v1alpha2',
    'inferenceobjectives',
    'routing',
  ),
  kind(
    'DestinationRule',
    'networking.istio.io/v1beta1',
    'destinationrules',
    'routing',
    {
      rendered: true,
      crd: { why: 'Istio TLS settings towards the endpoint picker' },
    },
  ),
  kind(
    'HealthCheckPolicy',
    'networking.gke.io/v1',
    'healthcheckpolicies',
    'routing',
    {
      rendered: true,
      crd: { why: 'GKE load-balancer health checks of the pool' },
    },
  ),
  kind(
    'GCPBackendPolicy',
    'networking.gke.io/v1',
    'gcpbackendpolicies',
    'routing',
    { rendered: true, crd: { why: 'GKE backend timeouts of the pool' } },
  ),
  kind(
    'GatewayParameters',
    'gateway.kgateway.dev/v1alpha1',
    'gatewayparameters',
    'routing',
    {
      rendered: true,
      crd: { why: 'the kgateway proxy settings on OpenShift' },
    },
  ),
  kind('Gateway', 'gateway.networking.k8s.io/v1', 'gateways', 'routing', {
    rendered: true,
    watched: true,
    crd: { why: 'the inference gateway' },
  }),
  kind('HTTPRoute', 'gateway.networking.k8s.io/v1', 'httproutes', 'routing', {
    rendered: true,
    watched: true,
    crd: { why: 'the route from the gateway to the InferencePool' },
  }),
];

const BY_KIND = new Map(KINDS.map(k => [k.kind, k]));
const ORDER = new Map(KINDS.map((k, i) => [k.kind, i]));
// A kind the registry does not know goes with the workloads (applyStageOf),
// after the last known one.
const AFTER_WORKLOADS =
  KINDS.reduce((last, k, i) => (k.stage === 'workloads' ? i : last), -1) + 0.5;

/** The registry entry of a kind, or undefined for a kind the product never handles. @public */
export function kindInfo(name: string): KindInfo | undefined {
  return BY_KIND.get(name);
}

/**
 * The stage an object of `kind` is applied in. Kinds not in the registry
 * go with the workloads: extras such as autoscalers attach to workloads,
 * and nothing in the routing stage depends on them.
 *
 * @public
 */
export function applyStageOf(name: string): ApplyStage {
  return BY_KIND.get(name)?.stage ?? 'workloads';
}

/**
 * Sort key of an object's kind in apply (and render) order; unknown kinds
 * sort after every known kind of their stage.
 *
 * @public
 */
export function applyOrderOf(name: string): number {
  return ORDER.get(name) ?? AFTER_WORKLOADS;
}
