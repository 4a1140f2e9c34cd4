import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  WideEpDiffResponse,
  formatIssues,
  specFromEntity,
  wideEpRankHealthReadPermission,
} from '@internal/plugin-wide-ep-common';
import {
  KubeClient,
  KubeConnectOptions,
  diffLiveDeployment,
} from '@internal/plugin-wide-ep-node';
import { HTTP_REQUEST_CLUSTER_CALLS } from './clusterCalls';

/**
 * The entity page's diff: what the entity's spec renders against what its
 * cluster holds, the same `diffLiveDeployment` as the `wide-ep:diff` action.
 * Reading it needs what reading rank health needs (`wide-ep.health.read`)
 * and the entity visible to the caller.
 */
export class DeploymentDiffService {
  constructor(
    private readonly options: {
      catalog: Pick<CatalogService, 'getEntityByRef'>;
      permissions: Pick<PermissionsService, 'authorize'>;
      clusters: {
        connect(
          name: string,
          options?: KubeConnectOptions,
        ): Promise<KubeClient>;
      };
    },
  ) {}

  async getDiff(request: {
    entityRef: string;
    credentials: BackstageCredentials;
  }): Promise<WideEpDiffResponse> {
    let ref;
    try {
      ref = parseEntityRef(request.entityRef);
    } catch (error) {
      throw new InputError(`entityRef: ${(error as Error).message}`);
    }
    const [decision] = await this.options.permissions.authorize(
      [{ permission: wideEpRankHealthReadPermission }],
      { credentials: request.credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `not allowed to read the deployment (${wideEpRankHealthReadPermission.name})`,
      );
    }
    const entityRef = stringifyEntityRef(ref);
    const entity = await this.options.catalog.getEntityByRef(ref, {
      credentials: request.credentials,
    });
    if (!entity) throw new NotFoundError(`entity ${entityRef} not found`);
    const parsed = specFromEntity(entity);
    if (!parsed.success) {
      throw new InputError(
        `entity ${entityRef} carries no usable wide-EP spec:\n${formatIssues(
          parsed.issues,
        )}`,
      );
    }
    if (!parsed.spec.cluster) {
      throw new InputError(`entity ${entityRef}: its spec names no cluster`);
    }
    const client = await this.options.clusters.connect(
      parsed.spec.cluster,
      HTTP_REQUEST_CLUSTER_CALLS,
    );
    const diff = await diffLiveDeployment({ client, spec: parsed.spec });
    return { entityRef, ...diff };
  }
}
