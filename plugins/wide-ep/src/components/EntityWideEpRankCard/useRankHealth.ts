import { useApi } from '@backstage/frontend-plugin-api';
import type { RankHealthResponse } from '@internal/plugin-wide-ep-common';
import { wideEpApiRef } from '../../api';
import { usePolling, type PolledState } from './usePolling';

/** What the card knows: the last good response and the last failure, if newer. */
export type RankHealthState = PolledState<RankHealthResponse>;

/**
 * Loads rank health for an entity and reloads it every `refreshIntervalMs`
 * (see {@link usePolling}: no overlapping requests, paused while the page
 * is hidden).
 */
export function useRankHealth(options: {
  entityRef: string;
  refreshIntervalMs: number;
}): RankHealthState {
  const { entityRef, refreshIntervalMs } = options;
  const api = useApi(wideEpApiRef);
  return usePolling(signal => api.getRankHealth({ entityRef, signal }), {
    refreshIntervalMs,
    deps: [api, entityRef],
  });
}
