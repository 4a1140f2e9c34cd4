import {
  InputError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  DeploymentCondition,
  DeploymentObjects,
  GROVE_KEYS,
  LABELS,
  Orchestrator,
} from '@internal/plugin-wide-ep-common';
import type { KubeWatchCache } from './KubeWatchCache';
import { WATCHED_KINDS, WatchKey, WatchSnapshot } from './types';

/** Which deployment to read, from validated entity annotations. @public */
export interface DeploymentLocator {
  /** Configured cluster name. */
  cluster: string;
  namespace: string;
  /** Value of the `wide-ep.backstage.io/deployment` label (the spec name). */
  deployment: string;
  orchestrator: Orchestrator;
  /** Whether to watch ComputeDomains (GB200). */
  computeDomains: boolean;
}

/** The deployment's objects as the watch cache holds them. @public */
export interface DeploymentObjectsSnapshot {
  objects: DeploymentObjects;
  /** When the data was last known current (ms since epoch): the oldest sync of all watches. */
  observedAt: number;
  /** Set when a watch lost its API server: the data is the last known state. */
  staleReason?: string;
  /** Kinds that cannot be watched (CRD missing, RBAC), as conditions. */
  conditions: DeploymentCondition[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The watches of one deployment. Every selector is built from the
 * deployment name, which must be a DNS label, so an entity annotation can
 * pick a deployment but cannot widen a selector.
 *
 * @remarks
 * Pods, LeaderWorkerSets, PodCliqueSets, the explicit ComputeDomain, the
 * InferencePool, Gateway and HTTPRoute carry the generator's deployment label; PodCliques, scaling groups and
 * Grove's auto-MNNVL ComputeDomains carry `app.kubernetes.io/part-of=<pcs>`,
 * and the generator names the PodCliqueSet after the deployment.
 *
 * @public
 */
export function deploymentWatchKeys(
  locator: DeploymentLocator,
): Partial<Record<keyof DeploymentObjects, WatchKey>> {
  for (const [what, value] of [
    ['namespace', locator.namespace],
    ['deployment', locator.deployment],
  ] as const) {
    if (value.length > 63 || !DNS_LABEL.test(value)) {
      throw new InputError(`${what} "${value}" is not a valid DNS-1123 label`);
    }
  }
  const base = { cluster: locator.cluster, namespace: locator.namespace };
  const byDeployment = `${LABELS.deployment}=${locator.deployment}`;
  const partOf = `${GROVE_KEYS.partOf}=${locator.deployment}`;
  const keys: Partial<Record<keyof DeploymentObjects, WatchKey>> = {
    pods: {
      ...base,
      kind: WATCHED_KINDS.pod,
      labelSelector: `${byDeployment},${LABELS.inferenceServing}=true`,
    },
  };
  if (locator.orchestrator === 'lws') {
    keys.leaderWorkerSets = {
      ...base,
      kind: WATCHED_KINDS.leaderWorkerSet,
      labelSelector: byDeployment,
    };
  } else {
    keys.podCliqueSets = {
      ...base,
      kind: WATCHED_KINDS.podCliqueSet,
      labelSelector: byDeployment,
    };
    keys.podCliques = {
      ...base,
      kind: WATCHED_KINDS.podClique,
      labelSelector: partOf,
    };
    keys.podCliqueScalingGroups = {
      ...base,
      kind: WATCHED_KINDS.podCliqueScalingGroup,
      labelSelector: partOf,
    };
  }
  if (locator.computeDomains) {
    keys.computeDomains = {
      ...base,
      kind: WATCHED_KINDS.computeDomain,
      labelSelector: locator.orchestrator === 'lws' ? byDeployment : partOf,
    };
  }
  keys.inferencePools = {
    ...base,
    kind: WATCHED_KINDS.inferencePool,
    labelSelector: byDeployment,
  };
  keys.gateways = {
    ...base,
    kind: WATCHED_KINDS.gateway,
    labelSelector: byDeployment,
  };
  keys.httpRoutes = {
    ...base,
    kind: WATCHED_KINDS.httpRoute,
    labelSelector: byDeployment,
  };
  return keys;
}

/**
 * Kinds a deployment may legitimately lack the CRD for: a deployment
 * rendered with `gateway: none` has no Gateway or HTTPRoute, and its cluster
 * may not serve the Gateway API at all.
 */
const OPTIONAL_KINDS: ReadonlySet<keyof DeploymentObjects> = new Set([
  'gateways',
  'httpRoutes',
]);

/**
 * Reads a deployment's objects from the shared watch cache.
 *
 * @remarks
 * Without pods nothing can be said, so a pod watch that never synced is an
 * error: `NotAllowedError` when RBAC forbids it, else
 * `ServiceUnavailableError`. Other kinds degrade to conditions.
 *
 * @public
 */
export async function readDeploymentObjects(
  cache: KubeWatchCache,
  locator: DeploymentLocator,
): Promise<DeploymentObjectsSnapshot> {
  const keys = deploymentWatchKeys(locator);
  const entries = await Promise.all(
    (Object.entries(keys) as [keyof DeploymentObjects, WatchKey][]).map(
      async ([field, key]) => [field, key, await cache.read(key)] as const,
    ),
  );
  const objects: DeploymentObjects = {
    pods: [],
    leaderWorkerSets: [],
    podCliqueSets: [],
    podCliques: [],
    podCliqueScalingGroups: [],
    computeDomains: [],
    inferencePools: [],
    gateways: [],
    httpRoutes: [],
  };
  const conditions: DeploymentCondition[] = [];
  const stale: string[] = [];
  let observedAt = Number.POSITIVE_INFINITY;
  for (const [field, key, snapshot] of entries) {
    if (field === 'pods') assertPodsReadable(snapshot);
    (objects[field] as unknown[]) = snapshot.items;
    if (snapshot.syncedAt !== undefined)
      observedAt = Math.min(observedAt, snapshot.syncedAt);
    const problem = snapshot.problem;
    if (!problem) continue;
    if (problem.reason === 'notServed' && OPTIONAL_KINDS.has(field)) continue;
    if (problem.reason === 'forbidden' || problem.reason === 'notServed') {
      conditions.push({
        type: 'Watched',
        status: 'False',
        reason: problem.reason === 'forbidden' ? 'Forbidden' : 'NotServed',
        message: problem.message,
        source: `${key.kind.kind}/*`,
      });
    } else {
      stale.push(
        `${problem.message} (since ${new Date(problem.since).toISOString()})`,
      );
    }
  }
  return {
    objects,
    observedAt: Number.isFinite(observedAt) ? observedAt : Date.now(),
    ...(stale.length ? { staleReason: [...new Set(stale)].join('; ') } : {}),
    conditions,
  };
}

function assertPodsReadable(snapshot: WatchSnapshot): void {
  const problem = snapshot.problem;
  if (snapshot.syncedAt !== undefined || !problem) return;
  if (problem.reason === 'forbidden')
    throw new NotAllowedError(problem.message);
  throw new ServiceUnavailableError(problem.message);
}
