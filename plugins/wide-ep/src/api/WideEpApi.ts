import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  WideEpDiffResponse,
  RankHealthResponse,
  RankHistoryMetric,
  RankHistoryResponse,
  RankHistoryWindow,
  WideEpClusterListResponse,
  WideEpPreflightRequest,
  WideEpPreflightResponse,
} from '@internal/plugin-wide-ep-common';

/** Options of {@link WideEpApi.getRankHealth}. @public */
export interface GetRankHealthOptions {
  /** Entity reference, `kind:namespace/name`. */
  entityRef: string;
  signal?: AbortSignal;
}

/** Options of {@link WideEpApi.getRankHistory}. @public */
export interface GetRankHistoryOptions {
  /** Entity reference, `kind:namespace/name`. */
  entityRef: string;
  metric: RankHistoryMetric;
  window: RankHistoryWindow;
  signal?: AbortSignal;
}

/** Client of the wide-EP backend (`/api/wide-ep`). @public */
export interface WideEpApi {
  /**
   * Health of every data-parallel rank of the deployment behind an entity.
   * Rejects with a `ResponseError` when the backend answers with an error.
   */
  getRankHealth(options: GetRankHealthOptions): Promise<RankHealthResponse>;

  /**
   * One metric of every rank and group of the deployment behind an entity
   * over the last 15 or 60 minutes. Rejects with a `ResponseError`.
   */
  getRankHistory(options: GetRankHistoryOptions): Promise<RankHistoryResponse>;

  /**
   * The configured clusters a template user can pick, by name, with those
   * wide-EP cannot use and why. Rejects with a `ResponseError`.
   */
  listClusters(options?: {
    signal?: AbortSignal;
  }): Promise<WideEpClusterListResponse>;

  /**
   * The read-only preflight checks of a spec on a cluster (needs
   * `wide-ep.deployment.apply`). Rejects with a `ResponseError`.
   */
  preflight(
    request: WideEpPreflightRequest,
    options?: { signal?: AbortSignal },
  ): Promise<WideEpPreflightResponse>;

  /**
   * The entity's spec against its cluster, per object and field, with the
   * field manager of each difference. Rejects with a `ResponseError`.
   */
  getDiff(options: {
    entityRef: string;
    signal?: AbortSignal;
  }): Promise<WideEpDiffResponse>;
}

/** @public */
export const wideEpApiRef = createApiRef<WideEpApi>().with({
  id: 'plugin.wide-ep.api',
  pluginId: 'wide-ep',
});
