import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  HealthPod,
  ROLES,
  RankHistoryMetric,
  RankHistoryResponse,
  RankHistorySeries,
  RankHistoryWindow,
  podRankLayout,
} from '@internal/plugin-wide-ep-common';
import {
  DeploymentLocator,
  KubeWatchCache,
  readDeploymentObjects,
} from '@internal/plugin-wide-ep-node';
import { deploymentKey } from '../service/RankHealthService';
import type { PrometheusHistory } from './PrometheusHistory';
import { PROBE_HISTORY_METRICS, ProbeHistory } from './ProbeHistory';
import { GROUP_AGGREGATION, aggregateColumns } from './historyWindow';

/** Options for {@link RankHistoryService}. @public */
export interface RankHistoryServiceOptions {
  /** Permission check and entity lookup, the same as for `/ranks`. */
  rankHealth: {
    locate(request: {
      entityRef: string;
      credentials: BackstageCredentials;
    }): Promise<{ entityRef: string; locator: DeploymentLocator }>;
  };
  watchCache: KubeWatchCache;
  /** History of the clusters with a Prometheus. */
  prometheus?: PrometheusHistory;
  /** History of the others: what the backend's own probes saw. */
  probeHistory: ProbeHistory;
  now?: () => number;
}

/** A request to {@link RankHistoryService.getRankHistory}. @public */
export interface GetRankHistoryOptions {
  entityRef: string;
  metric: RankHistoryMetric;
  window: RankHistoryWindow;
  credentials: BackstageCredentials;
}

/**
 * `GET /api/wide-ep/ranks/history`: one metric of every rank and DP group
 * of a deployment over the last 15 or 60 minutes, from Prometheus where
 * the cluster has one, else from the backend's own probe samples. A failing
 * query is a condition and falls back to the probe samples, never an error.
 * @public
 */
export class RankHistoryService {
  private readonly now: () => number;

  constructor(private readonly options: RankHistoryServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  async getRankHistory(
    request: GetRankHistoryOptions,
  ): Promise<RankHistoryResponse> {
    const { entityRef, locator } = await this.options.rankHealth.locate(
      request,
    );
    const { metric, window } = request;
    const snapshot = await readDeploymentObjects(
      this.options.watchCache,
      locator,
    );
    const { pods } = snapshot.objects;
    const conditions: RankHistoryResponse['conditions'] = [];
    const { prometheus } = this.options;
    if (prometheus?.has(locator.cluster)) {
      try {
        const read = await prometheus.read(locator, pods, metric, window);
        if (read.series === 0)
          conditions.push({
            type: 'NoPrometheusData',
            message: `Prometheus of cluster "${locator.cluster}" has no ${metric} series of deployment ${locator.deployment} in namespace ${locator.namespace} in the last ${window} (just deployed, or monitoring not enabled in the spec)`,
          });
        return respond('prometheus', read.timestamps, read.step, read.ranks);
      } catch (error) {
        conditions.push({
          type: 'PrometheusQueryFailed',
          message: `${
            (error as Error).message
          }; showing the samples of this backend's own probes instead`,
        });
      }
    } else {
      conditions.push({
        type: 'ProbeSamplesOnly',
        message: `no Prometheus is configured for cluster "${locator.cluster}" (wideEp.prometheus): this history holds only the samples the backend's own probes took while someone viewed this deployment, for up to 60 minutes, and is lost when the backend restarts`,
      });
    }
    if (!(PROBE_HISTORY_METRICS as readonly string[]).includes(metric))
      conditions.push({
        type: 'NeedsPrometheus',
        message: `${metric} is computed by Prometheus from counters or histograms over time; the probes read only running, waiting and kvCacheUsage`,
      });
    const read = this.options.probeHistory.read(
      deploymentKey(locator),
      metric,
      window,
      this.now(),
    );
    return respond('probes', read.timestamps, read.step, read.ranks);

    function respond(
      source: RankHistoryResponse['source'],
      timestamps: number[],
      stepSeconds: number,
      series: RankHistorySeries[],
    ): RankHistoryResponse {
      const ranks = withEveryRank(series, pods, timestamps.length);
      return {
        entityRef,
        source,
        metric,
        window,
        stepSeconds,
        timestamps,
        ranks,
        groups: groupColumns(ranks, metric, timestamps.length),
        conditions,
      };
    }
  }
}

/**
 * The series plus an empty row for every rank of the current pods that has
 * none, in the order of `/ranks` (role, group, rank).
 */
function withEveryRank(
  series: RankHistorySeries[],
  pods: readonly HealthPod[],
  length: number,
): RankHistorySeries[] {
  const rows = new Map(series.map(s => [`${s.role}/${s.group}/${s.rank}`, s]));
  for (const pod of pods) {
    const result = podRankLayout(pod);
    if (!('layout' in result)) continue;
    const { role, group, ranks } = result.layout;
    for (const r of ranks) {
      const id = `${role}/${group}/${r.globalRank}`;
      if (!rows.has(id))
        rows.set(id, {
          role,
          group,
          rank: r.globalRank,
          values: Array(length).fill(null),
        });
    }
  }
  return [...rows.values()].sort(
    (a, b) =>
      ROLES.indexOf(a.role) - ROLES.indexOf(b.role) ||
      a.group - b.group ||
      a.rank - b.rank,
  );
}

function groupColumns(
  ranks: RankHistorySeries[],
  metric: RankHistoryMetric,
  length: number,
): RankHistoryResponse['groups'] {
  const byGroup = new Map<string, RankHistorySeries[]>();
  for (const r of ranks) {
    const id = `${r.role}/${r.group}`;
    const members = byGroup.get(id);
    if (members) members.push(r);
    else byGroup.set(id, [r]);
  }
  return [...byGroup.values()].map(members => ({
    role: members[0].role,
    group: members[0].group,
    values: aggregateColumns(
      members.map(m => m.values),
      GROUP_AGGREGATION[metric],
      length,
    ),
  }));
}
