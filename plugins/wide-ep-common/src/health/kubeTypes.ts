/**
 * Narrow, read-only views of the Kubernetes objects rank health reads:
 * only the fields the derivation looks at, all optional because the API
 * server omits empty ones. Any client-node `V1Pod` or custom-object JSON
 * is assignable to them, and they carry no Node-only types, so the same
 * derivation runs in the browser.
 */

/** Metadata fields rank health reads. @public */
export interface HealthObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string | Date;
  deletionTimestamp?: string | Date;
  resourceVersion?: string;
}

/** A `status.conditions[]` entry of any kind. @public */
export interface HealthCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string | Date;
}

/** An env var of a container. @public */
export interface HealthEnvVar {
  name: string;
  value?: string;
}

/** An HTTP probe of a container (startup, readiness, liveness). @public */
export interface HealthProbe {
  initialDelaySeconds?: number;
  periodSeconds?: number;
  failureThreshold?: number;
}

/** The parts of a container spec rank health reads. @public */
export interface HealthContainer {
  name: string;
  env?: HealthEnvVar[];
  args?: string[];
  command?: string[];
  startupProbe?: HealthProbe;
  resources?: {
    limits?: Record<string, string | number>;
    requests?: Record<string, string | number>;
  };
}

/** The parts of a pod spec rank health reads. @public */
export interface HealthPodSpec {
  nodeName?: string;
  hostname?: string;
  subdomain?: string;
  containers?: HealthContainer[];
  initContainers?: HealthContainer[];
  schedulingGates?: { name: string }[];
  resourceClaims?: {
    name: string;
    resourceClaimTemplateName?: string;
    resourceClaimName?: string;
  }[];
}

/** State of one container as the kubelet reports it. @public */
export interface HealthContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string | Date };
  terminated?: {
    reason?: string;
    message?: string;
    exitCode?: number;
    finishedAt?: string | Date;
    startedAt?: string | Date;
  };
}

/** One `status.containerStatuses[]` entry. @public */
export interface HealthContainerStatus {
  name: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: HealthContainerState;
  lastState?: HealthContainerState;
}

/** A pod, as far as rank health reads it. @public */
export interface HealthPod {
  metadata?: HealthObjectMeta;
  spec?: HealthPodSpec;
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    podIP?: string;
    startTime?: string | Date;
    conditions?: HealthCondition[];
    containerStatuses?: HealthContainerStatus[];
    initContainerStatuses?: HealthContainerStatus[];
  };
}

/** A pod template inside a workload object. @public */
export interface HealthPodTemplate {
  metadata?: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: HealthPodSpec;
}

/** `leaderworkerset.x-k8s.io/v1` LeaderWorkerSet (rank-health.md §2). @public */
export interface HealthLeaderWorkerSet {
  apiVersion?: string;
  kind?: string;
  metadata?: HealthObjectMeta;
  spec?: {
    replicas?: number;
    leaderWorkerTemplate?: {
      size?: number;
      leaderTemplate?: HealthPodTemplate;
      workerTemplate?: HealthPodTemplate;
    };
  };
  status?: {
    replicas?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
    conditions?: HealthCondition[];
  };
}

/** One clique of a PodCliqueSet template. @public */
export interface HealthCliqueTemplate {
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  spec?: { replicas?: number; minAvailable?: number; podSpec?: HealthPodSpec };
}

/** `grove.io/v1alpha1` PodCliqueSet (rank-health.md §3). @public */
export interface HealthPodCliqueSet {
  apiVersion?: string;
  kind?: string;
  metadata?: HealthObjectMeta;
  spec?: {
    replicas?: number;
    template?: {
      cliques?: HealthCliqueTemplate[];
      podCliqueScalingGroups?: {
        name: string;
        cliqueNames?: string[];
        replicas?: number;
        minAvailable?: number;
      }[];
    };
  };
  status?: {
    replicas?: number;
    availableReplicas?: number;
    updatedReplicas?: number;
    conditions?: HealthCondition[];
    podGangStatuses?: {
      name?: string;
      phase?: string;
      conditions?: HealthCondition[];
    }[];
  };
}

/** `grove.io/v1alpha1` PodClique, created by Grove. @public */
export interface HealthPodClique {
  apiVersion?: string;
  kind?: string;
  metadata?: HealthObjectMeta;
  spec?: { replicas?: number; minAvailable?: number; roleName?: string };
  status?: {
    replicas?: number;
    readyReplicas?: number;
    scheduledReplicas?: number;
    scheduleGatedReplicas?: number;
    updatedReplicas?: number;
    conditions?: HealthCondition[];
  };
}

/** `grove.io/v1alpha1` PodCliqueScalingGroup, created by Grove. @public */
export interface HealthPodCliqueScalingGroup {
  apiVersion?: string;
  kind?: string;
  metadata?: HealthObjectMeta;
  spec?: { replicas?: number; minAvailable?: number; cliqueNames?: string[] };
  status?: {
    replicas?: number;
    scheduledReplicas?: number;
    availableReplicas?: number;
    conditions?: HealthCondition[];
  };
}

/** `resource.nvidia.com/v1beta1` ComputeDomain (rank-health.md §4). @public */
export interface HealthComputeDomain {
  apiVersion?: string;
  kind?: string;
  metadata?: HealthObjectMeta;
  spec?: {
    numNodes?: number;
    channel?: { resourceClaimTemplate?: { name?: string } };
  };
  status?: {
    status?: string;
    nodes?: {
      name?: string;
      ipAddress?: string;
      cliqueID?: string;
      index?: number;
      status?: string;
    }[];
  };
}

/** Per-parent route status of Gateway API and InferencePool objects. @public */
export interface HealthParentStatus {
  parentRef?: { kind?: string; name?: string; group?: string };
  controllerName?: string;
  conditions?: HealthCondition[];
}

/** `inference.networking.k8s.io/v1` InferencePool (rank-health.md §5). @public */
export interface HealthInferencePool {
  apiVersion?: string;
  kind?: string;
  metadata?: HealthObjectMeta;
  status?: { parents?: HealthParentStatus[] };
}

/** `gateway.networking.k8s.io/v1` Gateway (rank-health.md §5). @public */
export interface HealthGateway {
  apiVersion?: string;
  kind?: string;
  metadata?: HealthObjectMeta;
  spec?: { gatewayClassName?: string };
  status?: {
    conditions?: HealthCondition[];
    addresses?: { type?: string; value?: string }[];
  };
}

/** `gateway.networking.k8s.io/v1` HTTPRoute (rank-health.md §5). @public */
export interface HealthHTTPRoute {
  apiVersion?: string;
  kind?: string;
  metadata?: HealthObjectMeta;
  status?: { parents?: HealthParentStatus[] };
}

/**
 * Everything the watch cache holds for one deployment: the input of
 * {@link deriveRankHealth}. The gateway-side kinds only add conditions.
 * @public
 */
export interface DeploymentObjects {
  pods: HealthPod[];
  leaderWorkerSets: HealthLeaderWorkerSet[];
  podCliqueSets: HealthPodCliqueSet[];
  podCliques: HealthPodClique[];
  podCliqueScalingGroups: HealthPodCliqueScalingGroup[];
  computeDomains: HealthComputeDomain[];
  inferencePools?: HealthInferencePool[];
  gateways?: HealthGateway[];
  httpRoutes?: HealthHTTPRoute[];
}
