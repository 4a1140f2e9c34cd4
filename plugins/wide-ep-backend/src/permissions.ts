import {
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import {
  WIDE_EP_CLUSTER_RESOURCE_TYPE,
  WIDE_EP_CLUSTER_RULES,
  clusterNameMatches,
  wideEpDeploymentApplyPermission,
  wideEpDeploymentDeletePermission,
} from '@internal/plugin-wide-ep-common';
import { z } from 'zod';

/**
 * A cluster as the permission rules see it: its configured name, which is
 * the `resourceRef` of `wide-ep.deployment.apply` and `.delete`.
 * @public
 */
export interface WideEpClusterResource {
  name: string;
}

/**
 * The query form of the cluster rules (unused by the plugin itself: clusters
 * are only ever authorized one by one).
 * @public
 */
export interface WideEpClusterQuery {
  clusterNamePatterns: string[];
}

/**
 * The `wide-ep-cluster` resource type, owned by this plugin: the permission
 * backend sends conditional decisions on it to
 * `/api/wide-ep/.well-known/backstage/permissions/apply-conditions`.
 * @public
 */
export const wideEpClusterResourceRef = createPermissionResourceRef<
  WideEpClusterResource,
  WideEpClusterQuery
>().with({ pluginId: 'wide-ep', resourceType: WIDE_EP_CLUSTER_RESOURCE_TYPE });

const isClusterNamed = createPermissionRule({
  name: WIDE_EP_CLUSTER_RULES.isClusterNamed,
  description:
    'Allow when the cluster name matches one of the patterns (an exact name, or a prefix ending in *)',
  resourceRef: wideEpClusterResourceRef,
  paramsSchema: z.object({
    patterns: z
      .array(z.string())
      .describe('Cluster names; a trailing * matches any suffix'),
  }),
  apply: (cluster, { patterns }) =>
    patterns.some(pattern => clusterNameMatches(cluster.name, pattern)),
  toQuery: ({ patterns }) => ({ clusterNamePatterns: patterns }),
});

/**
 * Permission rules of the `wide-ep-cluster` resource type; policies build
 * their conditions with `wideEpClusterConditions` from
 * the wide-ep-common package.
 * @public
 */
export const wideEpClusterPermissionRules = { isClusterNamed };

/**
 * Registration of the resource type with the plugin's permissions registry.
 * Every name is a resource: the rules only look at names, and a name no
 * cluster has is refused later by the action or route that connects.
 * @public
 */
export const wideEpClusterResourceType = {
  resourceRef: wideEpClusterResourceRef,
  permissions: [
    wideEpDeploymentApplyPermission,
    wideEpDeploymentDeletePermission,
  ],
  rules: Object.values(wideEpClusterPermissionRules),
  getResources: async (resourceRefs: string[]) =>
    resourceRefs.map(name => ({ name })),
};
