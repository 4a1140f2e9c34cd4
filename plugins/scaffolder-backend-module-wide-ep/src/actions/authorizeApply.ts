import type { PermissionsService } from '@backstage/backend-plugin-api';
import type { ActionContext } from '@backstage/plugin-scaffolder-node';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
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

/**
 * Throws a `NotAllowedError` naming the permission unless the task's
 * initiator holds it. Checked before the action touches a cluster or a
 * repository.
 */
export async function assertAllowed(
  permissions: PermissionsService,
  ctx: Pick<ActionContext<any>, 'getInitiatorCredentials' | 'user'>,
  permission: BasicPermission,
  what: string,
): Promise<void> {
  const credentials = await ctx.getInitiatorCredentials();
  const [decision] = await permissions.authorize([{ permission }], {
    credentials,
  });
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(
      `${initiatorOf(ctx)} is not allowed to ${what} (permission ${
        permission.name
      })`,
    );
  }
}
