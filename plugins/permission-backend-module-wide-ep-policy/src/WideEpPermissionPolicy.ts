import type { UserInfoService } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isPermission,
  isResourcePermission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  WIDE_EP_CLUSTER_RESOURCE_TYPE,
  createWideEpClusterConditionalDecision,
  wideEpClusterConditions,
  wideEpDeploymentApplyPermission,
  wideEpDeploymentDeletePermission,
} from '@internal/plugin-wide-ep-common';
import type { WideEpPermissionPolicyConfig } from './config';

/** Options of {@link WideEpPermissionPolicy}. @public */
export interface WideEpPermissionPolicyOptions {
  /** `undefined`: no `wideEp.permissionPolicy` section; allow everything. */
  config: WideEpPermissionPolicyConfig | undefined;
  /**
   * Where the user's ownership references come from when the policy query
   * does not carry them (`PolicyQueryUser.info` is deprecated upstream).
   */
  userInfo?: Pick<UserInfoService, 'getUserInfo'>;
}

/**
 * Only members of a platform group may apply (`wide-ep.deployment.apply`)
 * or delete (`wide-ep.deployment.delete`) on a protected cluster; every
 * other request is allowed.
 *
 * @remarks
 * A Backstage policy never sees the request's `resourceRef` (the cluster
 * name). For a user outside the platform groups it therefore answers a
 * conditional decision, "the cluster is not one of `protectedClusters`",
 * which the permission backend has the `wide-ep` backend plugin (owner of
 * the `wide-ep-cluster` resource type) evaluate for the cluster in the
 * request. The caller gets ALLOW or DENY.
 *
 * @public
 */
export class WideEpPermissionPolicy implements PermissionPolicy {
  private readonly platformGroups: ReadonlySet<string>;

  constructor(private readonly options: WideEpPermissionPolicyOptions) {
    this.platformGroups = new Set(options.config?.platformGroups ?? []);
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { config } = this.options;
    const { permission } = request;
    if (!config || config.protectedClusters.length === 0) {
      return { result: AuthorizeResult.ALLOW };
    }
    const deployment = isResourcePermission(
      permission,
      WIDE_EP_CLUSTER_RESOURCE_TYPE,
    )
      ? [
          wideEpDeploymentApplyPermission,
          wideEpDeploymentDeletePermission,
        ].find(p => isPermission(permission, p))
      : undefined;
    if (!deployment) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (await this.isPlatformMember(user)) {
      return { result: AuthorizeResult.ALLOW };
    }
    return createWideEpClusterConditionalDecision(deployment, {
      not: wideEpClusterConditions.isClusterNamed({
        patterns: config.protectedClusters,
      }),
    });
  }

  private async isPlatformMember(user?: PolicyQueryUser): Promise<boolean> {
    if (!user || this.platformGroups.size === 0) {
      return false;
    }
    const refs =
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      user.info?.ownershipEntityRefs ??
      (await this.options.userInfo?.getUserInfo(user.credentials))
        ?.ownershipEntityRefs ??
      [];
    return refs.some(ref =>
      this.platformGroups.has(ref.toLocaleLowerCase('en-US')),
    );
  }
}
