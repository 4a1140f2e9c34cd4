import {
  AuthorizeResult,
  createPermission,
  type ConditionalPolicyDecision,
  type PermissionCondition,
  type PermissionCriteria,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';

/**
 * Resource type of the wide-EP deployment permissions: the resource is a
 * cluster, referenced by its configured name (`kubernetes.clusterLocatorMethods`),
 * so a permission policy can decide per cluster. @public
 */
export const WIDE_EP_CLUSTER_RESOURCE_TYPE = 'wide-ep-cluster';

/**
 * Deploying to a cluster from the scaffolder or checking it for a deploy
 * (preflight). Authorize with `resourceRef: <cluster name>`. @public
 */
export const wideEpDeploymentApplyPermission = createPermission({
  name: 'wide-ep.deployment.apply',
  attributes: { action: 'create' },
  resourceType: WIDE_EP_CLUSTER_RESOURCE_TYPE,
});

/**
 * Tearing a deployment down: deleting its objects from the cluster, or
 * opening the pull request that removes its folder. Authorize with
 * `resourceRef: <cluster name>`. @public
 */
export const wideEpDeploymentDeletePermission = createPermission({
  name: 'wide-ep.deployment.delete',
  attributes: { action: 'delete' },
  resourceType: WIDE_EP_CLUSTER_RESOURCE_TYPE,
});

/** Reading rank health of a deployment. @public */
export const wideEpRankHealthReadPermission = createPermission({
  name: 'wide-ep.health.read',
  attributes: { action: 'read' },
});

/** @public */
export const wideEpPermissions = [
  wideEpDeploymentApplyPermission,
  wideEpDeploymentDeletePermission,
  wideEpRankHealthReadPermission,
];

/**
 * Whether a cluster name matches a pattern: the exact name, or a prefix
 * ending in `*` (`prod-*` matches `prod-gb200`; `*` matches every cluster).
 * @public
 */
export function clusterNameMatches(name: string, pattern: string): boolean {
  return pattern.endsWith('*')
    ? name.startsWith(pattern.slice(0, -1))
    : name === pattern;
}

/**
 * Names of the permission rules of the `wide-ep-cluster` resource type. The
 * `wide-ep` backend plugin implements them; policies build conditions with
 * {@link wideEpClusterConditions}. @public
 */
export const WIDE_EP_CLUSTER_RULES = {
  /** Params `{ patterns }`: true when {@link clusterNameMatches} one of them. */
  isClusterNamed: 'IS_CLUSTER_NAMED',
} as const;

/** A condition on the `wide-ep-cluster` resource type. @public */
export type WideEpClusterCondition = PermissionCondition<
  typeof WIDE_EP_CLUSTER_RESOURCE_TYPE,
  { patterns: string[] }
>;

/**
 * Conditions on the cluster of a `wide-ep.deployment.*` request, for a
 * permission policy, e.g.
 * `{ not: wideEpClusterConditions.isClusterNamed({ patterns: ['prod-*'] }) }`.
 * @public
 */
export const wideEpClusterConditions = {
  isClusterNamed: (params: { patterns: string[] }): WideEpClusterCondition => ({
    rule: WIDE_EP_CLUSTER_RULES.isClusterNamed,
    resourceType: WIDE_EP_CLUSTER_RESOURCE_TYPE,
    params,
  }),
};

/**
 * A conditional decision on `wide-ep.deployment.apply` or `.delete`: the
 * permission backend has the `wide-ep` backend plugin evaluate the
 * conditions for the cluster in the request (a policy itself never sees
 * the cluster name). @public
 */
export function createWideEpClusterConditionalDecision(
  permission: ResourcePermission<typeof WIDE_EP_CLUSTER_RESOURCE_TYPE>,
  conditions: PermissionCriteria<WideEpClusterCondition>,
): ConditionalPolicyDecision {
  return {
    result: AuthorizeResult.CONDITIONAL,
    pluginId: 'wide-ep',
    resourceType: permission.resourceType,
    conditions,
  };
}
