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
  DeploymentCondition,
  EndpointProbe,
  RankSample,
  HealthPod,
  ProbeTarget,
  RankHealth,
  RankHealthResponse,
  RankMetrics,
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
  /** Probes /health and /metrics: deployments whose load does not come from Prometheus. */
  prober: RankHealthProber;
  /**
   * Prometheus as the load source for the clusters that have one; their
   * ranks are probed on /health only, by `healthProber`.
   */
  prometheus?: {
    has(cluster: string): boolean;
    load(
      locator: DeploymentLocator,
      pods: readonly HealthPod[],
    ): Promise<{
      samples: RankSample[];
      /** The latest query's error when `samples` are an earlier answer's. */
      failure?: string;
      /** When the answer's query ran (ms since epoch). */
      queriedAt: number;
    }>;
  };
  /** Probes /health only; required with `prometheus`. */
  healthProber?: RankHealthProber;
  /** Sees every computed answer of a deployment whose load came from probes (the history without Prometheus). */
  onProbedLoad?: (deploymentKey: string, response: RankHealthResponse) => void;
  defaultStartupBudgetMs?: number;
  /**
   * Reuse a computed answer for this long (per entity and deployment), so
   * many viewers cost one derivation; answers are that much older at most.
   * Default 0 (off).
   */
  responseTtlMs?: number;
  /** Milliseconds since epoch; injected by tests. */
  now?: () => number;
}

/** Probes endpoints at a bounded cost (see RankProber). @public */
export interface RankHealthProber {
  probe(targets: ProbeTarget[]): Promise<Map<string, EndpointProbe>>;
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

  /**
   * The deployment behind an entity, for a caller allowed to read rank
   * health who can see the entity: permission check, then the catalog
   * lookup with the caller's credentials.
   */
  async locate(
    request: GetRankHealthOptions,
  ): Promise<{ entityRef: string; locator: DeploymentLocator }> {
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
    return {
      entityRef,
      locator: deploymentLocatorFor(entity, this.options.clusters),
    };
  }

  async getRankHealth(
    request: GetRankHealthOptions,
  ): Promise<RankHealthResponse> {
    const { entityRef, locator } = await this.locate(request);
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
    const { pods } = snapshot.objects;
    const targets = deploymentProbeTargets(pods);
    const load = await this.probeAndLoad(locator, pods, targets);
    const response = deriveRankHealth({
      entityRef,
      cluster: locator.cluster,
      namespace: locator.namespace,
      objects: snapshot.objects,
      probes: load.probes,
      now: this.now(),
      observedAt: new Date(snapshot.observedAt).toISOString(),
      ...(snapshot.staleReason ? { staleReason: snapshot.staleReason } : {}),
      defaultStartupBudgetMs: this.options.defaultStartupBudgetMs,
      loadSource: load.source,
    });
    const full = {
      ...response,
      ranks: load.samples
        ? withPrometheusLoad(response.ranks, load.samples)
        : response.ranks,
      conditions: [
        ...response.conditions,
        ...snapshot.conditions,
        ...load.conditions,
      ],
    };
    if (load.source === 'probes')
      this.options.onProbedLoad?.(deploymentKey(locator), full);
    return full;
  }

  /**
   * Health from the probes, load from Prometheus where the cluster has
   * one (then only /health is probed); when its query fails or finds no
   * series, a condition says so and the load comes from /metrics probes.
   */
  private async probeAndLoad(
    locator: DeploymentLocator,
    pods: readonly HealthPod[],
    targets: ProbeTarget[],
  ): Promise<{
    probes: Map<string, EndpointProbe>;
    source: RankHealthResponse['loadSource'];
    conditions: DeploymentCondition[];
    /** The ranks' load from Prometheus (with `source` prometheus). */
    samples?: RankSample[];
  }> {
    const { prometheus, healthProber } = this.options;
    if (!prometheus?.has(locator.cluster) || !healthProber || !targets.length)
      return {
        probes: await this.options.prober.probe(targets),
        source: 'probes',
        conditions: [],
      };
    const [health, load] = await Promise.all([
      healthProber.probe(targets),
      prometheus.load(locator, pods).then(
        ok => ok,
        (error: Error) => error,
      ),
    ]);
    let problem: DeploymentCondition | undefined;
    if (load instanceof Error) {
      problem = {
        type: 'LoadFromPrometheus',
        status: 'False',
        reason: 'QueryFailed',
        message: `${load.message}; rank load read from the ranks' /metrics instead`,
        source: `Prometheus/${locator.cluster}`,
      };
    } else if (load.samples.length === 0) {
      problem = {
        type: 'LoadFromPrometheus',
        status: 'False',
        reason: 'NoSeries',
        message: `Prometheus of cluster "${locator.cluster}" has no vLLM series with namespace="${locator.namespace}" and llm_d_deployment="${locator.deployment}" for the running pods (is monitoring enabled in the deployment spec, and does Prometheus select its PodMonitor?); rank load read from the ranks' /metrics instead`,
        source: `Prometheus/${locator.cluster}`,
      };
    }
    if (problem || load instanceof Error)
      return {
        probes: await this.options.prober.probe(targets),
        source: 'probes',
        conditions: problem ? [problem] : [],
      };
    return {
      probes: health,
      source: 'prometheus',
      // The latest query failed; an earlier answer is shown, and said so.
      conditions:
        load.failure !== undefined
          ? [
              {
                type: 'LoadFromPrometheus',
                status: 'Unknown',
                reason: 'ServingLastAnswer',
                message: `${
                  load.failure
                }; showing the load Prometheus answered ${Math.round(
                  (this.now() - load.queriedAt) / 1000,
                )} s ago`,
                source: `Prometheus/${locator.cluster}`,
              },
            ]
          : [],
      samples: load.samples,
    };
  }
}

/** The ranks with their metrics from Prometheus (the /health-only probes read none). */
function withPrometheusLoad(
  ranks: RankHealth[],
  samples: readonly RankSample[],
): RankHealth[] {
  const byRank = new Map<string, RankMetrics>();
  for (const s of samples) {
    if (!s.metric || s.value === null) continue;
    const id = `${s.role}/${s.group}/${s.rank}`;
    const metrics = byRank.get(id) ?? {};
    metrics[s.metric] = s.value;
    byRank.set(id, metrics);
  }
  return ranks.map(r => {
    const metrics = byRank.get(`${r.role}/${r.group}/${r.globalRank}`);
    return metrics ? { ...r, metrics: { ...r.metrics, ...metrics } } : r;
  });
}

/** Identifies a deployment across entities: cluster, namespace, name. @public */
export function deploymentKey(locator: DeploymentLocator): string {
  return `${locator.cluster}/${locator.namespace}/${locator.deployment}`;
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
