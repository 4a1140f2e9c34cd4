import { createPermission } from '@backstage/plugin-permission-common';

/** Deploying to a cluster from the scaffolder. @public */
export const wideEpDeploymentApplyPermission = createPermission({
  name: 'wide-ep.deployment.apply',
  attributes: { action: 'create' },
});

/**
 * Tearing a deployment down: deleting its objects from the cluster, or
 * opening the pull request that removes its folder. @public
 */
export const wideEpDeploymentDeletePermission = createPermission({
  name: 'wide-ep.deployment.delete',
  attributes: { action: 'delete' },
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
