import { createApiRef } from '@backstage/frontend-plugin-api';
import type { RankHealthResponse } from '@internal/plugin-wide-ep-common';

/** Options of {@link WideEpApi.getRankHealth}. @public */
export interface GetRankHealthOptions {
  /** Entity reference, `kind:namespace/name`. */
  entityRef: string;
  signal?: AbortSignal;
}

/** Client of the wide-EP backend (`/api/wide-ep`). @public */
export interface WideEpApi {
  /**
   * Health of every data-parallel rank of the deployment behind an entity.
   * Rejects with a `ResponseError` when the backend answers with an error.
   */
  getRankHealth(options: GetRankHealthOptions): Promise<RankHealthResponse>;
}

/** @public */
export const wideEpApiRef = createApiRef<WideEpApi>().with({
  id: 'plugin.wide-ep.api',
  pluginId: 'wide-ep',
});
