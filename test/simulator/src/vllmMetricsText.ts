import type { HistogramTotals, RankTotals } from './rankTotals';

/** Load of one simulated rank, as vLLM reports it on /metrics. */
export interface RankLoad {
  running: number;
  waiting: number;
  /** 0..1 */
  kvCacheUsage: number;
  /** Rate `vllm:prompt_tokens_total` grows at. Default 0. */
  promptTokensPerSecond?: number;
  /** Rate `vllm:generation_tokens_total` grows at. Default 0. */
  generationTokensPerSecond?: number;
  /** Every request's time to first token; none observed when unset. */
  ttftSeconds?: number;
  /** Every inter-token latency; none observed when unset. */
  itlSeconds?: number;
}

/** Options for {@link vllmMetricsText}. */
export interface VllmMetricsTextOptions {
  modelName: string;
  /** Global rank → load; one series per entry, labelled `engine="<rank>"`. */
  engines: ReadonlyMap<number, RankLoad>;
  /** Emit the pre-0.11 `vllm:gpu_cache_usage_perc` instead of `vllm:kv_cache_usage_perc`. */
  legacyKvMetric?: boolean;
  /** Leave out the `engine` label, as vLLM did before PR #21257. */
  omitEngineLabel?: boolean;
  /** Counters and histograms by global rank; left out when missing. */
  totals?: ReadonlyMap<number, RankTotals>;
}

function escapeLabel(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n');
}

/**
 * Prometheus text exposition shaped like vLLM's V1 engine output (names,
 * labels and bucket bounds of vLLM 0.23.0): the gauges the llm-d endpoint
 * picker scrapes, the token counters and TTFT/ITL histograms a Prometheus
 * computes throughput and percentiles from, and a `python_*` series a
 * parser has to skip.
 */
export function vllmMetricsText(options: VllmMetricsTextOptions): string {
  const model = escapeLabel(options.modelName);
  const labels = (rank: number) =>
    options.omitEngineLabel
      ? `{model_name="${model}"}`
      : `{engine="${rank}",model_name="${model}"}`;
  const kvName = options.legacyKvMetric
    ? 'vllm:gpu_cache_usage_perc'
    : 'vllm:kv_cache_usage_perc';
  const gauge = (
    name: string,
    help: string,
    value: (l: RankLoad) => number,
  ) => [
    `# HELP ${name} ${help}`,
    `# TYPE ${name} gauge`,
    ...[...options.engines].map(
      ([rank, load]) => `${name}${labels(rank)} ${value(load).toFixed(4)}`,
    ),
  ];
  const totalsOf = (rank: number) => options.totals!.get(rank);
  const counter = (
    name: string,
    help: string,
    value: (t: RankTotals) => number,
  ) => [
    `# HELP ${name}_total ${help}`,
    `# TYPE ${name}_total counter`,
    ...[...options.engines.keys()].flatMap(rank => {
      const t = totalsOf(rank);
      return t ? [`${name}_total${labels(rank)} ${value(t)}`] : [];
    }),
  ];
  // prometheus_client's histogram: cumulative buckets, +Inf, _count, _sum.
  const histogramLines = (
    name: string,
    help: string,
    pick: (t: RankTotals) => HistogramTotals,
  ) => [
    `# HELP ${name} ${help}`,
    `# TYPE ${name} histogram`,
    ...[...options.engines.keys()].flatMap(rank => {
      const t = totalsOf(rank);
      if (!t) return [];
      const h = pick(t);
      const base = labels(rank).slice(1, -1);
      let cumulative = 0;
      const buckets = [...h.bounds.map(String), '+Inf'].map((le, i) => {
        cumulative += h.counts[i];
        return `${name}_bucket{${base},le="${
          le.includes('.') || le === '+Inf' ? le : `${le}.0`
        }"} ${cumulative}`;
      });
      return [
        ...buckets,
        `${name}_count{${base}} ${h.count}`,
        `${name}_sum{${base}} ${h.sum}`,
      ];
    }),
  ];
  return [
    '# HELP python_gc_objects_collected_total Objects collected during gc',
    '# TYPE python_gc_objects_collected_total counter',
    'python_gc_objects_collected_total{generation="0"} 1234.0',
    ...gauge(
      'vllm:num_requests_running',
      'Number of requests in model execution batches.',
      l => l.running,
    ),
    ...gauge(
      'vllm:num_requests_waiting',
      'Number of requests waiting to be processed.',
      l => l.waiting,
    ),
    ...gauge(
      kvName,
      'KV-cache usage. 1 means 100 percent usage.',
      l => l.kvCacheUsage,
    ),
    ...(options.totals
      ? [
          ...counter(
            'vllm:prompt_tokens',
            'Number of prefill tokens processed.',
            t => t.promptTokens,
          ),
          ...counter(
            'vllm:generation_tokens',
            'Number of generation tokens processed.',
            t => t.generationTokens,
          ),
          ...histogramLines(
            'vllm:time_to_first_token_seconds',
            'Histogram of time to first token in seconds.',
            t => t.ttft,
          ),
          ...histogramLines(
            'vllm:inter_token_latency_seconds',
            'Histogram of inter-token latency in seconds.',
            t => t.itl,
          ),
        ]
      : []),
    '',
  ].join('\n');
}
