import {
  RANK_HISTORY_METRICS,
  RankHistoryMetric,
} from '@internal/plugin-wide-ep-common';

/** Which deployment's series a query selects. @public */
export interface DeploymentSeriesSelector {
  namespace: string;
  /** The `llm_d_deployment` label: the wide-EP deployment name. */
  deployment: string;
}

/** The label the combined query tags each series with. @public */
export const METRIC_LABEL = 'wide_ep_metric';

const BY = 'pod, port_name, engine';

function quote(value: string): string {
  return JSON.stringify(value);
}

/**
 * PromQL for one metric of every rank of a deployment, one series per
 * (pod, port_name, engine): the labels the rank mapping reads.
 * @public
 */
export function rankMetricQuery(
  metric: RankHistoryMetric,
  selector: DeploymentSeriesSelector,
  rateWindowSeconds: number,
): string {
  const sel = `{namespace=${quote(selector.namespace)},llm_d_deployment=${quote(
    selector.deployment,
  )}}`;
  const w = `[${rateWindowSeconds}s]`;
  const p95 = (histogram: string) =>
    `histogram_quantile(0.95, sum by (${BY}, le) (rate(${histogram}_bucket${sel}${w})))`;
  switch (metric) {
    case 'running':
      return `sum by (${BY}) (vllm:num_requests_running${sel})`;
    case 'waiting':
      return `sum by (${BY}) (vllm:num_requests_waiting${sel})`;
    case 'kvCacheUsage':
      return `max by (${BY}) (vllm:kv_cache_usage_perc${sel})`;
    case 'promptTokensPerSecond':
      return `sum by (${BY}) (rate(vllm:prompt_tokens_total${sel}${w}))`;
    case 'generationTokensPerSecond':
      return `sum by (${BY}) (rate(vllm:generation_tokens_total${sel}${w}))`;
    case 'ttftP95Seconds':
      return p95('vllm:time_to_first_token_seconds');
    default:
      return p95('vllm:inter_token_latency_seconds');
  }
}

/**
 * Every metric of every rank of a deployment in ONE instant query: each
 * metric's series tagged with {@link METRIC_LABEL}, joined with `or` (the
 * tag keeps their label sets apart). One HTTP request per deployment and
 * freshness window, whatever the number of ranks or viewers.
 * @public
 */
export function deploymentLoadQuery(
  selector: DeploymentSeriesSelector,
  rateWindowSeconds: number,
): string {
  return RANK_HISTORY_METRICS.map(
    metric =>
      `label_replace(${rankMetricQuery(
        metric,
        selector,
        rateWindowSeconds,
      )}, ${quote(METRIC_LABEL)}, ${quote(metric)}, "", "")`,
  ).join(' or ');
}
