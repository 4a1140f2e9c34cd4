import type { PermissionsService } from '@backstage/backend-plugin-api';
import type { ActionContext } from '@backstage/plugin-scaffolder-node';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  WIDE_EP_CLUSTER_RESOURCE_TYPE,
  wideEpDeploymentApplyPermission,
} from '@internal/plugin-wide-ep-common';

/** A wide-EP permission decided per cluster (`wide-ep.deployment.*`). */
export type ClusterPermission = ResourcePermission<
  typeof WIDE_EP_CLUSTER_RESOURCE_TYPE
>;

/**
 * Whether the user who started the task may deploy to `cluster`
 * (`wide-ep.deployment.apply` with the cluster name as the resource, so a
 * policy can protect some clusters only). Checked in the action itself, so
 * it holds even for a template that slips past the scaffolder-level policy.
 */
export async function isApplyAllowed(
  permissions: PermissionsService,
  ctx: Pick<ActionContext<any>, 'getInitiatorCredentials'>,
  cluster: string,
): Promise<boolean> {
  const credentials = await ctx.getInitiatorCredentials();
  const [decision] = await permissions.authorize(
    [{ permission: wideEpDeploymentApplyPermission, resourceRef: cluster }],
    { credentials },
  );
  return decision.result === AuthorizeResult.ALLOW;
}

/** Who started the task, for messages; never a token. */
export function initiatorOf(ctx: Pick<ActionContext<any>, 'user'>): string {
  return ctx.user?.ref ?? 'the user who started this task';
}

/**
 * Throws a `NotAllowedError` naming the permission unless the task's
 * initiator holds it for `cluster`. Checked before the action touches a
 * cluster or a repository.
 */
export async function assertAllowed(
  permissions: PermissionsService,
  ctx: Pick<ActionContext<any>, 'getInitiatorCredentials' | 'user'>,
  permission: ClusterPermission,
  cluster: string,
  what: string,
): Promise<void> {
  const credentials = await ctx.getInitiatorCredentials();
  const [decision] = await permissions.authorize(
    [{ permission, resourceRef: cluster }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(
      `${initiatorOf(ctx)} is not allowed to ${what} (permission ${
        permission.name
      })`,
    );
  }
}
