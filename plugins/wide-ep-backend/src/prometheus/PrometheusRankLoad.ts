import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  EngineMetrics,
  HealthPod,
  RankHistoryMetric,
} from '@internal/plugin-wide-ep-common';
import type { DeploymentLocator } from '@internal/plugin-wide-ep-node';
import type { PrometheusClient, PrometheusSample } from './PrometheusClient';
import { METRIC_LABEL, deploymentLoadQuery } from './rankLoadQueries';
import { seriesKey, seriesRank, seriesTargetIndex } from './seriesTargets';

/** Options for {@link PrometheusRankLoad}. @public */
export interface PrometheusRankLoadOptions {
  /** One client per cluster that has a Prometheus. */
  clients: ReadonlyMap<string, PrometheusClient>;
  /** A deployment's query result is reused for this long. */
  freshnessMs: number;
  rateWindowSeconds: number;
  logger?: LoggerService;
  /** Milliseconds since epoch; injected by tests. */
  now?: () => number;
}

/** The load of a deployment's ranks, from one Prometheus query. @public */
export interface DeploymentLoad {
  /** Per probe target key (`ip:port`): metrics by engine (global rank), as a /metrics probe would give. */
  engines: Map<string, Record<string, EngineMetrics>>;
  /** Series that matched the deployment's labels (0: not scraped, e.g. no PodMonitor). */
  series: number;
  /** When the query ran (ms since epoch). */
  queriedAt: number;
}

interface Entry {
  /** When the query started. */
  at: number;
  result: Promise<PrometheusSample[]>;
  /** How long it took, once it answered. */
  tookMs?: number;
  /** A refresh started before this entry expired. */
  next?: Entry;
}

const FIELD: Record<RankHistoryMetric, keyof EngineMetrics> = {
  running: 'running',
  waiting: 'waiting',
  kvCacheUsage: 'kvCacheUsage',
  promptTokensPerSecond: 'promptTokensPerSecond',
  generationTokensPerSecond: 'generationTokensPerSecond',
  ttftP95Seconds: 'ttftP95Seconds',
  itlP95Seconds: 'itlP95Seconds',
};

/**
 * Prometheus as the load source of the rank API: ONE instant query per
 * deployment per freshness window, shared by every viewer (concurrent
 * callers share the query in flight; a failure is also kept for the
 * window, so a broken Prometheus is not asked once per viewer). The result
 * is mapped to ranks with the pods of the moment.
 * @public
 */
export class PrometheusRankLoad {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly failing = new Set<string>();

  constructor(private readonly options: PrometheusRankLoadOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Whether the cluster's load comes from Prometheus. */
  has(cluster: string): boolean {
    return this.options.clients.has(cluster);
  }

  /** Queries sent to every cluster's Prometheus since creation. */
  get queryCount(): number {
    let n = 0;
    for (const c of this.options.clients.values()) n += c.queryCount;
    return n;
  }

  /**
   * The deployment's per-rank load, data at most `freshnessMs` old.
   * Rejects with a `PrometheusQueryError` when the query failed.
   */
  async load(
    locator: DeploymentLocator,
    pods: readonly HealthPod[],
  ): Promise<DeploymentLoad> {
    const client = this.options.clients.get(locator.cluster);
    if (!client)
      throw new Error(
        `no Prometheus configured for cluster ${locator.cluster}`,
      );
    const key = `${locator.cluster}/${locator.namespace}/${locator.deployment}`;
    const now = this.now();
    const { freshnessMs } = this.options;
    let entry = this.entries.get(key);
    if (entry?.next && now - entry.next.at < freshnessMs) {
      // A refresh answered (or is due): it replaces the entry it refreshes.
      if (entry.next.tookMs !== undefined || now - entry.at >= freshnessMs) {
        entry = entry.next;
        this.entries.set(key, entry);
      }
    }
    if (!entry || now - entry.at >= freshnessMs) {
      entry = this.start(key, client, locator, now);
      this.entries.set(key, entry);
      this.sweep(now);
    } else if (
      !entry.next &&
      entry.tookMs !== undefined &&
      now - entry.at >= freshnessMs - Math.max(100, 2 * entry.tookMs)
    ) {
      // Refresh ahead, just before the window ends, so a steady stream of
      // viewers never waits for the query and it still runs once a window.
      entry.next = this.start(key, client, locator, now);
    }
    const samples = await entry.result;
    return toDeploymentLoad(samples, pods, entry.at);
  }

  private start(
    key: string,
    client: PrometheusClient,
    locator: DeploymentLocator,
    now: number,
  ): Entry {
    const result = client.query(
      deploymentLoadQuery(
        { namespace: locator.namespace, deployment: locator.deployment },
        this.options.rateWindowSeconds,
      ),
    );
    const entry: Entry = { at: now, result };
    result.then(
      () => {
        entry.tookMs = this.now() - now;
        this.logRecovery(key);
      },
      error => {
        entry.tookMs = this.now() - now;
        this.logFailure(key, error);
      },
    );
    return entry;
  }

  private logFailure(key: string, error: Error): void {
    if (this.failing.has(key)) return;
    this.failing.add(key);
    this.options.logger?.warn(
      `rank load of ${key} from Prometheus failed, falling back to /metrics probes: ${error.message}`,
    );
  }

  private logRecovery(key: string): void {
    if (this.failing.delete(key))
      this.options.logger?.info(
        `rank load of ${key} from Prometheus recovered`,
      );
  }

  /** Forgets deployments nobody asked for in ten windows. */
  private sweep(now: number): void {
    for (const [key, e] of this.entries)
      if (now - e.at > 10 * this.options.freshnessMs) this.entries.delete(key);
  }
}

/** Maps the tagged series of the combined query onto probe targets and engines. */
export function toDeploymentLoad(
  samples: readonly PrometheusSample[],
  pods: readonly HealthPod[],
  queriedAt: number,
): DeploymentLoad {
  const index = seriesTargetIndex(pods);
  const engines = new Map<string, Record<string, EngineMetrics>>();
  for (const { metric, value } of samples) {
    const field = FIELD[metric[METRIC_LABEL] as RankHistoryMetric];
    if (!field || !Number.isFinite(value)) continue;
    const target = index.get(
      seriesKey(metric.pod ?? '', metric.port_name ?? ''),
    );
    if (!target) continue;
    const rank = seriesRank(target, metric.engine);
    if (rank === undefined) continue;
    let byEngine = engines.get(target.key);
    if (!byEngine) {
      byEngine = {};
      engines.set(target.key, byEngine);
    }
    (byEngine[String(rank)] ??= {})[field] = value;
  }
  return { engines, series: samples.length, queriedAt };
}
