import {
  HealthPod,
  PrometheusMatrixSeries,
  RankHistoryMetric,
  RankHistorySeries,
  RankHistoryWindow,
  mapRangeMatrix,
  rankMetricQuery,
  rankSeriesIndex,
} from '@internal/plugin-wide-ep-common';
import type { DeploymentLocator } from '@internal/plugin-wide-ep-node';
import type { PrometheusClient } from '../prometheus/PrometheusClient';
import { historyColumns } from './historyWindow';

/** Options for {@link PrometheusHistory}. @public */
export interface PrometheusHistoryOptions {
  clients: ReadonlyMap<string, PrometheusClient>;
  /** A range query's answer is reused for this long. */
  freshnessMs: number;
  /** Smallest window of `rate()` and the percentiles; the step is used when longer. */
  rateWindowSeconds: number;
  /** Milliseconds since epoch; injected by tests. */
  now?: () => number;
}

interface Entry {
  at: number;
  result: Promise<{
    series: PrometheusMatrixSeries[];
    columns: ReturnType<typeof historyColumns>;
  }>;
}

/**
 * Rank history from Prometheus: one `query_range` per deployment, metric
 * and window per freshness window, shared by every viewer, on the aligned
 * columns of {@link historyColumns}; mapped to ranks with the pods of the
 * moment (-common's prometheusQueries: the PromQL and the mapping).
 * @public
 */
export class PrometheusHistory {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly options: PrometheusHistoryOptions) {
    this.now = options.now ?? Date.now;
  }

  has(cluster: string): boolean {
    return this.options.clients.has(cluster);
  }

  /** Per-rank columns; rejects with a `PrometheusQueryError` when the query failed. */
  async read(
    locator: DeploymentLocator,
    pods: readonly HealthPod[],
    metric: RankHistoryMetric,
    window: RankHistoryWindow,
  ): Promise<{
    timestamps: number[];
    step: number;
    ranks: RankHistorySeries[];
    series: number;
  }> {
    const client = this.options.clients.get(locator.cluster);
    if (!client)
      throw new Error(
        `no Prometheus configured for cluster ${locator.cluster}`,
      );
    const key = `${locator.cluster}/${locator.namespace}/${locator.deployment}/${metric}/${window}`;
    const now = this.now();
    let entry = this.entries.get(key);
    if (!entry || now - entry.at >= this.options.freshnessMs) {
      const columns = historyColumns(window, now);
      // A rate needs two scrapes in its window, and a column covers one step.
      const rateWindow = Math.max(this.options.rateWindowSeconds, columns.step);
      const result = client
        .queryRange(
          rankMetricQuery(
            metric,
            { namespace: locator.namespace, deployment: locator.deployment },
            rateWindow,
          ),
          columns.start,
          columns.end,
          columns.step,
        )
        .then(series => ({ series, columns }));
      result.catch(() => {});
      entry = { at: now, result };
      this.entries.set(key, entry);
      for (const [k, e] of this.entries)
        if (now - e.at > 10 * this.options.freshnessMs) this.entries.delete(k);
    }
    const { series, columns } = await entry.result;
    return {
      timestamps: columns.timestamps,
      step: columns.step,
      ranks: mapRangeMatrix(rankSeriesIndex(pods), series, columns.timestamps),
      series: series.length,
    };
  }
}
