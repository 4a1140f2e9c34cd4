/** Load of one simulated rank, as vLLM reports it on /metrics. */
export interface RankLoad {
  running: number;
  waiting: number;
  /** 0..1 */
  kvCacheUsage: number;
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
}

function escapeLabel(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n');
}

/**
 * Prometheus text exposition shaped like vLLM's V1 engine output: the
 * gauges the llm-d endpoint picker scrapes, plus a counter and a
 * `python_*` series a parser has to skip.
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
    '# HELP vllm:prompt_tokens_total Number of prefill tokens processed.',
    '# TYPE vllm:prompt_tokens_total counter',
    ...[...options.engines].map(
      ([rank]) =>
        `vllm:prompt_tokens_total${labels(rank)} ${1000 * (rank + 1)}.0`,
    ),
    '',
  ].join('\n');
}
