import { useApi } from '@backstage/frontend-plugin-api';
import type {
  RankHistoryMetric,
  RankHistoryResponse,
  RankHistoryWindow,
} from '@internal/plugin-wide-ep-common';
import { wideEpApiRef } from '../../../api';
import { usePolling, type PolledState } from '../usePolling';

/**
 * Loads one metric's history for an entity and reloads it every
 * `refreshIntervalMs`, like the rank health it sits beside, so a rank that
 * dies shows in its plot as soon as on the grid. Another metric or window
 * drops the plotted data and loads anew.
 */
export function useRankHistory(options: {
  entityRef: string;
  metric: RankHistoryMetric;
  window: RankHistoryWindow;
  refreshIntervalMs: number;
}): PolledState<RankHistoryResponse> {
  const { entityRef, metric, window, refreshIntervalMs } = options;
  const api = useApi(wideEpApiRef);
  return usePolling(
    signal => api.getRankHistory({ entityRef, metric, window, signal }),
    { refreshIntervalMs, deps: [api, entityRef, metric, window] },
  );
}
