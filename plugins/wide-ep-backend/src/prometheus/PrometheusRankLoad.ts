import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  HealthPod,
  RankSample,
  deploymentLoadQuery,
  mapInstantVector,
  rankSeriesIndex,
} from '@internal/plugin-wide-ep-common';
import type { DeploymentLocator } from '@internal/plugin-wide-ep-node';
import type { PrometheusClient } from './PrometheusClient';

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
  /** One value per rank and metric, for the series that map to a current pod's rank. */
  samples: RankSample[];
  /** Series that matched the deployment's labels (0: not scraped, e.g. no PodMonitor). */
  series: number;
  /** When the query ran (ms since epoch). */
  queriedAt: number;
  /**
   * Set when the latest query failed and `samples` are an earlier answer's
   * (at most {@link LAST_ANSWER_SERVED_WINDOWS} windows old): the error.
   */
  failure?: string;
}

/**
 * After a failed query the last good answer is served for up to this many
 * freshness windows (with the failure said), before the caller falls back
 * to /metrics probes. One slow query on a loaded Prometheus must not send
 * every rank of the deployment a /metrics probe: that adds load exactly when
 * something is already overloaded.
 * @public
 */
export const LAST_ANSWER_SERVED_WINDOWS = 3;

/**
 * A query's answer as it is kept: mapped to ranks as soon as it arrives,
 * with the pods of the moment the query was sent. Prometheus' parsed
 * vector is dropped: at 512 ranks it is 3,584 series of label objects,
 * value tuples and pod-name strings, and keeping it (for the entry, its
 * refresh and the last good answer of each deployment) held about 20 MiB
 * at fleet scale (bench:fleet heap after a full GC: 153-159 -> 134-136 MiB).
 */
interface Answer {
  samples: RankSample[];
  series: number;
}

interface Entry {
  /** When the query started. */
  at: number;
  result: Promise<Answer>;
  /** How long it took, once it answered. */
  tookMs?: number;
  /** The refresh started once this entry expired. */
  next?: Entry;
}

/**
 * Prometheus as the load source of the rank API: ONE instant query per
 * deployment per freshness window, shared by every viewer (concurrent
 * callers share the query in flight; a failure is also kept for the
 * window, so a broken Prometheus is not asked once per viewer). The PromQL
 * and the mapping of its answer to ranks are -common's (prometheusQueries).
 * @public
 */
export class PrometheusRankLoad {
  private readonly entries = new Map<string, Entry>();
  /** Each deployment's latest entry that answered without an error. */
  private readonly lastGood = new Map<string, Entry>();
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
   * The deployment's per-rank load, from a query at most `freshnessMs`
   * old, or the last one while its refresh runs (up to the query deadline).
   * When the query failed, the last good answer while it is at most
   * {@link LAST_ANSWER_SERVED_WINDOWS} windows old (with `failure`), else
   * rejects with a `PrometheusQueryError`.
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
    if (entry?.next?.tookMs !== undefined) {
      // A refresh answered: it replaces the entry it refreshes.
      entry = entry.next;
      this.entries.set(key, entry);
    }
    if (!entry) {
      entry = this.start(key, client, locator, pods, now);
      this.entries.set(key, entry);
      this.sweep(now);
    } else if (now - entry.at >= freshnessMs) {
      // Expired: one refresh, started by the first viewer after the window,
      // so the query runs at most once per window whatever the viewers.
      entry.next ??= this.start(key, client, locator, pods, now);
      // Meanwhile the last answer is served: no viewer waits for a query
      // but the very first (the refresh ends by the query deadline).
      if (entry.tookMs === undefined) entry = entry.next;
    }
    let answered = entry;
    let failure: string | undefined;
    let answer: Answer;
    try {
      answer = await answered.result;
    } catch (error) {
      const last = this.lastGood.get(key);
      if (!last || now - last.at >= LAST_ANSWER_SERVED_WINDOWS * freshnessMs)
        throw error;
      answered = last;
      failure = (error as Error).message;
      answer = await last.result;
    }
    return {
      samples: answer.samples,
      series: answer.series,
      queriedAt: answered.at,
      ...(failure !== undefined ? { failure } : {}),
    };
  }

  private start(
    key: string,
    client: PrometheusClient,
    locator: DeploymentLocator,
    pods: readonly HealthPod[],
    now: number,
  ): Entry {
    // Mapped once per answer (not per viewer), through the same layout the
    // probes use, with the pods the query was sent for: the answer is of
    // that moment, and is replaced within a window.
    const result = client
      .query(
        deploymentLoadQuery(
          { namespace: locator.namespace, deployment: locator.deployment },
          this.options.rateWindowSeconds,
        ),
      )
      .then(vector => ({
        samples: mapInstantVector(rankSeriesIndex(pods), vector),
        series: vector.length,
      }));
    const entry: Entry = { at: now, result };
    result.then(
      () => {
        entry.tookMs = this.now() - now;
        const last = this.lastGood.get(key);
        if (!last || last.at < entry.at) this.lastGood.set(key, entry);
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
      `rank load of ${key} from Prometheus failed (its last answer is served for up to ${LAST_ANSWER_SERVED_WINDOWS} freshness windows, then the ranks' /metrics are probed): ${error.message}`,
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
      if (now - e.at > 10 * this.options.freshnessMs) {
        this.entries.delete(key);
        this.lastGood.delete(key);
      }
  }
}
