import { LABELS } from '../constants';
import {
  MONITORING_SCRAPE_INTERVAL_SECONDS,
  SCRAPE_TARGET_LABELS,
} from '../render/monitoring';
import { EPP_METRICS_PORT_NAME, vllmPortName } from '../render/portNames';
import type { Role } from '../specSchema';
import type { HealthContainer, HealthPod, HealthPodSpec } from './kubeTypes';
import { podRankLayout } from './podRankLayout';
import type { RankHistoryMetric, RankHistorySeries } from './rankHistory';
import { RANK_HISTORY_METRICS } from './rankHistory';

/*
 * Prometheus as the load source of the rank card, as pure functions: the
 * target labels the monitoring objects put on every series, the PromQL for
 * one deployment, and the mapping of the HTTP API's answers back to global
 * ranks through the pod rank layout (the mapping the probes use).
 */

// ---------------------------------------------------------------- labels ---

/** A container with the ports it declares. @public */
export interface ScrapeTargetContainer extends HealthContainer {
  ports?: Array<{ name?: string; containerPort?: number }>;
}

/** A pod spec with its containers' ports. @public */
export interface ScrapeTargetPodSpec extends HealthPodSpec {
  containers?: ScrapeTargetContainer[];
}

/** A pod as far as its scrape targets go; any client-node `V1Pod` fits. @public */
export interface ScrapeTargetPod extends HealthPod {
  spec?: ScrapeTargetPodSpec;
}

/** One endpoint the monitoring objects scrape on a pod. @public */
export interface PodScrapeTarget {
  port: number;
  portName: string;
  /** The target labels of its series ({@link scrapeTargetLabels}). */
  labels: Record<string, string>;
}

/**
 * The target labels Prometheus puts on every series scraped from the pod's
 * container port `portName`, as the PodMonitor's relabelings (or the
 * PodMonitoring's target labels) produce them: `namespace`, `pod`,
 * `container`, `port_name`, `llm_d_deployment` and `llm_d_role` (render/
 * monitoring.ts). Labels whose pod label is missing are left out, as
 * Prometheus drops empty labels (the endpoint picker has no role).
 * A test or benchmark Prometheus without the Prometheus Operator uses it to
 * write the equivalent file_sd targets.
 *
 * @throws Error naming the pod and the port when no container declares it.
 * @public
 */
export function scrapeTargetLabels(
  pod: ScrapeTargetPod,
  portName: string,
): Record<string, string> {
  const name = pod.metadata?.name;
  const namespace = pod.metadata?.namespace;
  if (!name || !namespace)
    throw new Error('scrapeTargetLabels: pod has no metadata.name/namespace');
  const container = pod.spec?.containers?.find(c =>
    c.ports?.some(p => p.name === portName),
  );
  if (!container) {
    throw new Error(
      `scrapeTargetLabels: pod ${namespace}/${name} declares no container port named "${portName}"`,
    );
  }
  const L = SCRAPE_TARGET_LABELS;
  const podLabels = pod.metadata?.labels ?? {};
  const labels: Record<string, string> = {
    [L.namespace]: namespace,
    [L.pod]: name,
    [L.container]: container.name,
    [L.portName]: portName,
  };
  if (podLabels[LABELS.deployment])
    labels[L.deployment] = podLabels[LABELS.deployment];
  if (podLabels[LABELS.role]) labels[L.role] = podLabels[LABELS.role];
  return labels;
}

/**
 * Every endpoint of a pod the deployment's monitoring objects scrape: each
 * rank port in supervisor mode, the API port in hybrid mode (named as
 * render/portNames.ts names them for the pod's rank layout), or the
 * endpoint picker's metrics port. None for other pods.
 * @public
 */
export function podScrapeTargets(pod: ScrapeTargetPod): PodScrapeTarget[] {
  const declared = new Map<string, number>();
  for (const c of pod.spec?.containers ?? [])
    for (const p of c.ports ?? [])
      if (p.name && p.containerPort) declared.set(p.name, p.containerPort);
  const result = podRankLayout(pod);
  const names =
    'layout' in result
      ? [
          ...new Set(
            result.layout.ranks.map(r =>
              vllmPortName(result.layout.launchMode, r.localRank),
            ),
          ),
        ]
      : eppPortNames(pod, declared);
  return names
    .filter(n => declared.has(n))
    .map(portName => ({
      port: declared.get(portName)!,
      portName,
      labels: scrapeTargetLabels(pod, portName),
    }));
}

function eppPortNames(
  pod: ScrapeTargetPod,
  declared: Map<string, number>,
): string[] {
  const labels = pod.metadata?.labels ?? {};
  // The endpoint picker's pod: the label its Deployment selects by.
  return labels.inferencepool &&
    labels[LABELS.deployment] &&
    declared.has(EPP_METRICS_PORT_NAME)
    ? [EPP_METRICS_PORT_NAME]
    : [];
}

// ---------------------------------------------------------------- PromQL ---

/** Whose series a query selects: one wide-EP deployment. @public */
export interface DeploymentSeriesSelector {
  namespace: string;
  /** The `llm_d_deployment` label: the wide-EP deployment name (spec.name). */
  deployment: string;
}

/**
 * vLLM 0.23.0's metric names (vllm/v1/metrics/loggers.py; recorded in
 * interfaces/vllm/vllm-0.23.0.json, checked by src/conformance/
 * vllmCli.test.ts). Counters are exported with `_total`, histograms with
 * `_bucket`. The old `vllm:gpu_cache_usage_perc` was removed before 0.23.0
 * (rank-health.md §6.4), so no fallback.
 * @public
 */
export const VLLM_LOAD_METRICS = {
  running: 'vllm:num_requests_running',
  waiting: 'vllm:num_requests_waiting',
  kvCacheUsage: 'vllm:kv_cache_usage_perc',
  promptTokens: 'vllm:prompt_tokens_total',
  generationTokens: 'vllm:generation_tokens_total',
  timeToFirstToken: 'vllm:time_to_first_token_seconds_bucket',
  interTokenLatency: 'vllm:inter_token_latency_seconds_bucket',
} as const;

/** The labels every rank query keeps: the series' endpoint and vLLM's DP engine. @public */
export const RANK_SERIES_LABELS = ['pod', 'port_name', 'engine'] as const;

/** The label {@link deploymentLoadQuery} tags each metric's series with. @public */
export const RANK_METRIC_LABEL = 'wide_ep_metric';

/**
 * The window of rate() and the histogram quantiles: four scrapes, so a
 * missed scrape still leaves three samples and the rate follows a load
 * change within 40 s.
 * @public
 */
export const DEFAULT_RATE_WINDOW_SECONDS =
  4 * MONITORING_SCRAPE_INTERVAL_SECONDS;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function seriesSelector(selector: DeploymentSeriesSelector): string {
  for (const field of ['namespace', 'deployment'] as const) {
    const value = selector[field];
    // Both are DNS labels; anything else could break out of the PromQL string.
    if (
      typeof value !== 'string' ||
      value.length > 63 ||
      !DNS1123_LABEL.test(value)
    ) {
      throw new Error(
        `${field} must be a DNS-1123 label, got ${JSON.stringify(value)}`,
      );
    }
  }
  const L = SCRAPE_TARGET_LABELS;
  return `{${L.namespace}="${selector.namespace}",${L.deployment}="${selector.deployment}"}`;
}

function rateWindow(seconds: number): string {
  if (
    !Number.isInteger(seconds) ||
    seconds < 2 * MONITORING_SCRAPE_INTERVAL_SECONDS
  ) {
    throw new Error(
      `rateWindowSeconds must be a whole number of at least ${
        2 * MONITORING_SCRAPE_INTERVAL_SECONDS
      } (two scrapes), got ${seconds}`,
    );
  }
  return `[${seconds}s]`;
}

/**
 * PromQL for one metric of every rank of one deployment: one series per
 * (pod, port_name, engine), whatever the number of ranks. Gauges are
 * summed (running, waiting) or maxed (KV use) over other labels such as
 * `model_name`, as /metrics probes read them (parseVllmMetrics.ts);
 * throughput is rate() of the token counters; TTFT and ITL are the 95th
 * percentile of the histograms over the rate window. Works for instant
 * queries and for query_range.
 * @public
 */
export function rankMetricQuery(
  metric: RankHistoryMetric,
  selector: DeploymentSeriesSelector,
  rateWindowSeconds: number = DEFAULT_RATE_WINDOW_SECONDS,
): string {
  const sel = seriesSelector(selector);
  const w = rateWindow(rateWindowSeconds);
  const by = RANK_SERIES_LABELS.join(', ');
  const M = VLLM_LOAD_METRICS;
  const p95 = (bucket: string) =>
    `histogram_quantile(0.95, sum by (${by}, le) (rate(${bucket}${sel}${w})))`;
  switch (metric) {
    case 'running':
      return `sum by (${by}) (${M.running}${sel})`;
    case 'waiting':
      return `sum by (${by}) (${M.waiting}${sel})`;
    case 'kvCacheUsage':
      return `max by (${by}) (${M.kvCacheUsage}${sel})`;
    case 'promptTokensPerSecond':
      return `sum by (${by}) (rate(${M.promptTokens}${sel}${w}))`;
    case 'generationTokensPerSecond':
      return `sum by (${by}) (rate(${M.generationTokens}${sel}${w}))`;
    case 'ttftP95Seconds':
      return p95(M.timeToFirstToken);
    case 'itlP95Seconds':
      return p95(M.interTokenLatency);
    default:
      throw new Error(`unknown rank metric ${JSON.stringify(metric)}`);
  }
}

/**
 * Every metric of every rank of one deployment in ONE instant query: each
 * metric's series tagged with {@link RANK_METRIC_LABEL} (label_replace)
 * and joined with `or`, which keeps them apart because the tags differ.
 * One request per deployment and freshness window, whatever the number of
 * ranks or viewers.
 * @public
 */
export function deploymentLoadQuery(
  selector: DeploymentSeriesSelector,
  rateWindowSeconds: number = DEFAULT_RATE_WINDOW_SECONDS,
): string {
  return RANK_HISTORY_METRICS.map(
    metric =>
      `label_replace(${rankMetricQuery(
        metric,
        selector,
        rateWindowSeconds,
      )}, "${RANK_METRIC_LABEL}", "${metric}", "", "")`,
  ).join(' or ');
}

// --------------------------------------------------------------- mapping ---

/** One element of an instant query's `data.result` (resultType `vector`). @public */
export interface PrometheusVectorSample {
  metric: Record<string, string>;
  /** [unix seconds, value as Prometheus prints it: "1.5", "NaN", "+Inf"] */
  value: [number, string];
}

/** One element of a range query's `data.result` (resultType `matrix`). @public */
export interface PrometheusMatrixSeries {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

/** An endpoint a series can come from, and the global ranks it reports. @public */
export interface RankSeriesTarget {
  pod: string;
  portName: string;
  role: Role;
  group: number;
  ranks: number[];
}

/** (pod, port_name) → endpoint, built by {@link rankSeriesIndex}. @public */
export type RankSeriesIndex = ReadonlyMap<string, RankSeriesTarget>;

/** A rank as the `/ranks` response keys it. @public */
export interface RankRef {
  role: Role;
  group: number;
  /** RankHealth.globalRank */
  rank: number;
}

/** One rank's value of an instant query. @public */
export interface RankSample extends RankRef {
  /** The metric, from {@link RANK_METRIC_LABEL}; absent for a single-metric query. */
  metric?: RankHistoryMetric;
  /** null: no number (a quantile without requests is NaN). */
  value: number | null;
}

const indexKey = (pod: string, portName: string) => `${pod}\u0000${portName}`;

/**
 * Where each (pod, port_name) series comes from, from the pods of the
 * moment and their rank layout (podRankLayout, as the probes map
 * endpoints): every rank port in supervisor mode, the one API port with
 * all the pod's ranks in hybrid mode. Pods without a layout are left out,
 * so their series map to nothing. Unlike the probes it needs no pod IP:
 * history outlives a pod's Running phase.
 * @public
 */
export function rankSeriesIndex(pods: readonly HealthPod[]): RankSeriesIndex {
  const index = new Map<string, RankSeriesTarget>();
  for (const pod of pods) {
    const name = pod.metadata?.name;
    const result = podRankLayout(pod);
    if (!name || !('layout' in result)) continue;
    const { layout } = result;
    for (const rank of layout.ranks) {
      const portName = vllmPortName(layout.launchMode, rank.localRank);
      const key = indexKey(name, portName);
      const target = index.get(key) ?? {
        pod: name,
        portName,
        role: layout.role,
        group: layout.group,
        ranks: [],
      };
      target.ranks.push(rank.globalRank);
      index.set(key, target);
    }
  }
  return index;
}

/**
 * Assigns series of one endpoint (and one metric) to its ranks, as
 * rankEngineMetrics reads /metrics: a rank takes the series whose `engine`
 * is its global rank; a single-rank endpoint with exactly one series takes
 * that one whatever its engine (vLLM before PR #21257 had none, and per-rank
 * ports may count engines locally). Other series are dropped.
 */
function assign<S extends { metric: Record<string, string> }>(
  target: RankSeriesTarget,
  series: S[],
): Array<[number, S]> {
  const out: Array<[number, S]> = [];
  for (const rank of target.ranks) {
    const own = series.find(s => s.metric.engine === String(rank));
    if (own) out.push([rank, own]);
    else if (target.ranks.length === 1 && series.length === 1)
      out.push([rank, series[0]]);
  }
  return out;
}

function groupByEndpoint<S extends { metric: Record<string, string> }>(
  index: RankSeriesIndex,
  series: readonly S[],
) {
  const groups = new Map<
    string,
    { target: RankSeriesTarget; metric?: RankHistoryMetric; series: S[] }
  >();
  const known = new Set<string>(RANK_HISTORY_METRICS);
  for (const s of series) {
    const target = index.get(
      indexKey(s.metric.pod ?? '', s.metric.port_name ?? ''),
    );
    if (!target) continue;
    const tag = s.metric[RANK_METRIC_LABEL];
    if (tag !== undefined && !known.has(tag)) continue;
    const key = `${tag ?? ''}\u0000${indexKey(target.pod, target.portName)}`;
    const group = groups.get(key) ?? {
      target,
      ...(tag !== undefined ? { metric: tag as RankHistoryMetric } : {}),
      series: [],
    };
    group.series.push(s);
    groups.set(key, group);
  }
  return groups.values();
}

/** A sample value as a number, or null for NaN and ±Inf. @public */
export function prometheusValue(value: string): number | null {
  // Number('') is 0; an empty value is no number.
  const n = value.trim() === '' ? NaN : Number(value);
  return Number.isFinite(n) ? n : null;
}

/**
 * The ranks' values of an instant query (`data.result` of a `vector`
 * answer) of {@link rankMetricQuery} or {@link deploymentLoadQuery}: at
 * most one sample per rank and metric; series of unknown pods or ports, or
 * whose engine matches no rank of their endpoint, are dropped.
 * @public
 */
export function mapInstantVector(
  index: RankSeriesIndex,
  result: readonly PrometheusVectorSample[],
): RankSample[] {
  const out: RankSample[] = [];
  for (const { target, metric, series } of groupByEndpoint(index, result)) {
    for (const [rank, s] of assign(target, series)) {
      out.push({
        role: target.role,
        group: target.group,
        rank,
        ...(metric ? { metric } : {}),
        value: prometheusValue(s.value[1]),
      });
    }
  }
  return out;
}

/**
 * The ranks' series of a range query (`data.result` of a `matrix` answer)
 * of {@link rankMetricQuery}, one value per timestamp of `timestamps` (the
 * query's start, start + step, … end; null where the series has no sample
 * or no number). At most one series per rank; unmapped series are dropped.
 * @public
 */
export function mapRangeMatrix(
  index: RankSeriesIndex,
  result: readonly PrometheusMatrixSeries[],
  timestamps: readonly number[],
): RankHistorySeries[] {
  // Prometheus prints timestamps as seconds with millisecond precision:
  // match columns by the millisecond, not by float equality.
  const ms = (t: number) => Math.round(t * 1000);
  const column = new Map(timestamps.map((t, i) => [ms(t), i]));
  const out: RankHistorySeries[] = [];
  for (const { target, series } of groupByEndpoint(index, result)) {
    for (const [rank, s] of assign(target, series)) {
      const values: (number | null)[] = timestamps.map(() => null);
      for (const [t, v] of s.values) {
        const i = column.get(ms(t));
        if (i !== undefined) values[i] = prometheusValue(v);
      }
      out.push({ role: target.role, group: target.group, rank, values });
    }
  }
  return out;
}
