import type { PermissionsService } from '@backstage/backend-plugin-api';
import type { ActionContext } from '@backstage/plugin-scaffolder-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { wideEpDeploymentApplyPermission } from '@internal/plugin-wide-ep-common';

/**
 * Whether the user who started the task may deploy to clusters
 * (`wide-ep.deployment.apply`). Checked in the action itself, so it holds
 * even for a template that slips past the scaffolder-level policy.
 */
export async function isApplyAllowed(
  permissions: PermissionsService,
  ctx: Pick<ActionContext<any>, 'getInitiatorCredentials'>,
): Promise<boolean> {
  const credentials = await ctx.getInitiatorCredentials();
  const [decision] = await permissions.authorize(
    [{ permission: wideEpDeploymentApplyPermission }],
    { credentials },
  );
  return decision.result === AuthorizeResult.ALLOW;
}

/** Who started the task, for messages; never a token. */
export function initiatorOf(ctx: Pick<ActionContext<any>, 'user'>): string {
  return ctx.user?.ref ?? 'the user who started this task';
}
