import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  EndpointProbe,
  ProbeTarget,
  RankHealthResponse,
  deploymentProbeTargets,
  deriveRankHealth,
  wideEpRankHealthReadPermission,
} from '@internal/plugin-wide-ep-common';
import {
  DeploymentLocator,
  KubeWatchCache,
  readDeploymentObjects,
} from '@internal/plugin-wide-ep-node';
import { ClusterNames, deploymentLocatorFor } from './deploymentLocatorFor';

/** Options for {@link RankHealthService.create}. @public */
export interface RankHealthServiceOptions {
  catalog: Pick<CatalogService, 'getEntityByRef'>;
  permissions: Pick<PermissionsService, 'authorize'>;
  clusters: ClusterNames;
  watchCache: KubeWatchCache;
  prober: {
    probe(targets: ProbeTarget[]): Promise<Map<string, EndpointProbe>>;
  };
  defaultStartupBudgetMs?: number;
  /**
   * Reuse a computed answer for this long (per entity and deployment), so
   * many viewers cost one derivation. Give the prober a freshness window
   * shorter by this much to keep the end-to-end bound. Default 0 (off).
   */
  responseTtlMs?: number;
  /** Milliseconds since epoch; injected by tests. */
  now?: () => number;
}

/** Options for {@link RankHealthService.getRankHealth}. @public */
export interface GetRankHealthOptions {
  /** `kind:namespace/name`, as the caller sent it. */
  entityRef: string;
  /** The caller's credentials: catalog visibility and permissions apply. */
  credentials: BackstageCredentials;
}

/**
 * Rank health of the deployment behind a catalog entity: permission check,
 * entity lookup with the caller's credentials, objects from the shared
 * watch cache, probes from the shared prober, then the pure derivation.
 * @public
 */
export class RankHealthService {
  private readonly recent = new Map<
    string,
    { at: number; response: Promise<RankHealthResponse> }
  >();
  private readonly now: () => number;

  private constructor(private readonly options: RankHealthServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  static create(options: RankHealthServiceOptions): RankHealthService {
    return new RankHealthService(options);
  }

  async getRankHealth(
    request: GetRankHealthOptions,
  ): Promise<RankHealthResponse> {
    const ref = parseRef(request.entityRef);
    const [decision] = await this.options.permissions.authorize(
      [{ permission: wideEpRankHealthReadPermission }],
      {
        credentials: request.credentials,
      },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `not allowed to read rank health (${wideEpRankHealthReadPermission.name})`,
      );
    }
    const entityRef = stringifyEntityRef(ref);
    const entity = await this.options.catalog.getEntityByRef(ref, {
      credentials: request.credentials,
    });
    if (!entity) throw new NotFoundError(`entity ${entityRef} not found`);

    const locator = deploymentLocatorFor(entity, this.options.clusters);
    // Shared only after this caller passed the permission check and could see the entity.
    const key = JSON.stringify([entityRef, locator]);
    const ttl = this.options.responseTtlMs ?? 0;
    const now = this.now();
    const hit = this.recent.get(key);
    if (hit && now - hit.at < ttl) return hit.response;
    const response = this.compute(entityRef, locator);
    if (ttl > 0) {
      for (const [k, v] of this.recent)
        if (now - v.at >= ttl) this.recent.delete(k);
      this.recent.set(key, { at: now, response });
      response.catch(() => this.recent.delete(key));
    }
    return response;
  }

  private async compute(
    entityRef: string,
    locator: DeploymentLocator,
  ): Promise<RankHealthResponse> {
    const snapshot = await readDeploymentObjects(
      this.options.watchCache,
      locator,
    );
    const probes = await this.options.prober.probe(
      deploymentProbeTargets(snapshot.objects.pods),
    );
    const response = deriveRankHealth({
      entityRef,
      cluster: locator.cluster,
      namespace: locator.namespace,
      objects: snapshot.objects,
      probes,
      now: this.now(),
      observedAt: new Date(snapshot.observedAt).toISOString(),
      ...(snapshot.staleReason ? { staleReason: snapshot.staleReason } : {}),
      defaultStartupBudgetMs: this.options.defaultStartupBudgetMs,
    });
    return {
      ...response,
      conditions: [...response.conditions, ...snapshot.conditions],
    };
  }
}

function parseRef(value: string): CompoundEntityRef {
  if (value.length > 512) throw new InputError('entityRef is too long');
  let ref: CompoundEntityRef;
  try {
    ref = parseEntityRef(value);
  } catch (error) {
    throw new InputError(
      `entityRef "${value}" is not an entity reference such as component:default/wide-ep`,
    );
  }
  return ref;
}
