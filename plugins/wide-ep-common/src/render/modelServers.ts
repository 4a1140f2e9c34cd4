import { LABELS } from '../constants';
import { podLabels, rankAnnotations, workloadLabels } from '../labels';
import { groveRoleLayout, objectNames } from '../names';
import type { Role, WideEpSpec } from '../specSchema';
import type { RolePlan, TopologyPlan } from '../topology';
import type { KubernetesObject } from '../types';
import { startupBudgetSeconds } from '../hardware';
import {
  mnnvlMode,
  modelServerPodSpec,
  providerPodAnnotations,
} from './podSpec';

const ROLES: Role[] = ['prefill', 'decode'];

function meta(
  spec: WideEpSpec,
  name: string,
  labels: Record<string, string>,
  annotations?: Record<string, string>,
) {
  return {
    name,
    namespace: spec.namespace,
    labels,
    ...(annotations && Object.keys(annotations).length ? { annotations } : {}),
  };
}

function podTemplateMetadata(spec: WideEpSpec, plan: RolePlan) {
  return {
    labels: podLabels(spec, plan.role),
    annotations: { ...rankAnnotations(plan), ...providerPodAnnotations(spec) },
  };
}

/** ServiceAccount the model-server pods run as. */
export function renderServiceAccount(spec: WideEpSpec): KubernetesObject {
  const name = objectNames(spec.name).serviceAccount;
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: meta(spec, name, workloadLabels(spec)),
  };
}

/** One LeaderWorkerSet per role (wide-ep-domain.md §2.1, §7). */
export function renderLeaderWorkerSets(
  spec: WideEpSpec,
  topology: TopologyPlan,
): KubernetesObject[] {
  return ROLES.map(role => {
    const plan = topology.roles[role];
    // No `leaderworkerset.sigs.k8s.io/exclusive-topology`: the LWS pod
    // webhook turns it into a required anti-affinity against every other
    // LWS group in the rack, so prefill and decode could never share one
    // (review B3). The pods' own podAffinity keeps the deployment together.
    return {
      apiVersion: 'leaderworkerset.x-k8s.io/v1',
      kind: 'LeaderWorkerSet',
      metadata: meta(spec, objectNames(spec.name).lws(role), {
        ...workloadLabels(spec),
        [LABELS.role]: role,
      }),
      spec: {
        replicas: plan.replicas,
        // All pods start together: a DP leader cannot become ready before
        // its workers join, so LeaderReady would deadlock.
        startupPolicy: 'LeaderCreated',
        leaderWorkerTemplate: {
          size: plan.podsPerGroup,
          restartPolicy: 'RecreateGroupOnPodRestart',
          workerTemplate: {
            metadata: podTemplateMetadata(spec, plan),
            spec: modelServerPodSpec(spec, plan),
          },
        },
      },
    };
  });
}

function groveCliques(spec: WideEpSpec, plan: RolePlan) {
  const layout = groveRoleLayout(plan.role, plan.podsPerGroup);
  const { labels, annotations } = podTemplateMetadata(spec, plan);
  const clique = (
    name: string,
    replicas: number,
    minAvailable: number,
    nodeRankOffset?: number,
  ) => ({
    name,
    labels,
    annotations,
    spec: {
      roleName: name,
      replicas,
      minAvailable,
      podSpec: modelServerPodSpec(spec, plan, nodeRankOffset),
    },
  });
  if (layout.kind === 'standalone') {
    return {
      // Each pod of a standalone clique is a DP group of its own: one down
      // must not count as the whole role breached (review M4).
      cliques: [clique(layout.clique, plan.replicas, 1)],
      scalingGroups: [],
    };
  }
  return {
    cliques: [
      // Inside one group every pod is needed: EP spans all of them.
      clique(layout.leader, 1, 1, 0),
      clique(layout.worker, plan.podsPerGroup - 1, plan.podsPerGroup - 1, 1),
    ],
    scalingGroups: [
      {
        name: layout.scalingGroup,
        cliqueNames: [layout.leader, layout.worker],
        replicas: plan.replicas,
        // 1, not replicas: with replicas, one broken group breaches the
        // PodCliqueSet and Grove terminates every group and prefill with it;
        // with 1 it replaces only the broken PCSG replica (review M4).
        minAvailable: 1,
      },
    ],
  };
}

/** The spec's terminationDelay, else the startup budget (`45m`, `2h`). */
export function groveTerminationDelay(spec: WideEpSpec): string {
  if (spec.grove.terminationDelay) return spec.grove.terminationDelay;
  const seconds = startupBudgetSeconds(spec.hardware);
  return seconds % 3600 === 0
    ? `${seconds / 3600}h`
    : `${Math.ceil(seconds / 60)}m`;
}

/** One PodCliqueSet holding both roles (wide-ep-domain.md §11). */
export function renderPodCliqueSet(
  spec: WideEpSpec,
  topology: TopologyPlan,
): KubernetesObject {
  const parts = ROLES.map(role => groveCliques(spec, topology.roles[role]));
  const template: Record<string, unknown> = {
    // At least the startup budget: a breach that outlasts it terminates the
    // whole PodCliqueSet replica, and a wide-EP restart takes 10 min or more
    // (review M3; grove podclique/reconcilestatus.go).
    terminationDelay: groveTerminationDelay(spec),
    cliques: parts.flatMap(p => p.cliques),
  };
  const scalingGroups = parts.flatMap(p => p.scalingGroups);
  if (scalingGroups.length) template.podCliqueScalingGroups = scalingGroups;
  if (spec.grove.topologyName) {
    // pack.required, not packDomain, which the current CRD rejects (#17).
    template.topologyConstraint = {
      topologyName: spec.grove.topologyName,
      pack: { required: 'rack' },
    };
  }
  const annotations: Record<string, string> =
    mnnvlMode(spec) === 'groveAuto'
      ? { 'grove.io/mnnvl-group': 'default' }
      : {};
  return {
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: meta(
      spec,
      objectNames(spec.name).podCliqueSet,
      workloadLabels(spec),
      annotations,
    ),
    // The CRD default is 0 replicas: always set it.
    spec: { replicas: 1, template },
  };
}

/** Explicit ComputeDomain for LWS on GB200 (wide-ep-domain.md §3.4). */
export function renderComputeDomain(spec: WideEpSpec): KubernetesObject {
  const names = objectNames(spec.name);
  return {
    apiVersion: 'resource.nvidia.com/v1beta1',
    kind: 'ComputeDomain',
    metadata: meta(spec, names.computeDomain, workloadLabels(spec)),
    spec: {
      // Deprecated; 0 lets the DRA driver size the domain from the pods.
      numNodes: 0,
      channel: {
        resourceClaimTemplate: { name: names.computeDomainClaimTemplate },
      },
    },
  };
}

/** Model-server objects in apply order. */
export function renderModelServers(
  spec: WideEpSpec,
  topology: TopologyPlan,
): KubernetesObject[] {
  const objects = [renderServiceAccount(spec)];
  if (mnnvlMode(spec) === 'computeDomain')
    objects.push(renderComputeDomain(spec));
  if (spec.orchestrator === 'lws')
    objects.push(...renderLeaderWorkerSets(spec, topology));
  else objects.push(renderPodCliqueSet(spec, topology));
  return objects;
}
