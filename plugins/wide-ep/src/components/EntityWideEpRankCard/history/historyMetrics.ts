import type {
  RankHistoryMetric,
  RankHistoryWindow,
} from '@internal/plugin-wide-ep-common';

/** How one metric is named, measured and aggregated per group on the card. */
export interface MetricDisplay {
  /** Name in the metric picker and plot titles. */
  label: string;
  /** Unit of the axis, in words a reader needs no legend for. */
  unit: string;
  /** How the backend folds a group's ranks into its line (contract of the history route). */
  groupAggregate: 'sum' | 'mean' | 'max';
  /** A value with its unit, as the readouts and tables print it. */
  format(value: number): string;
  /** A value without its unit, for axis ticks. */
  tick(value: number): string;
  /** Fixed value range of the heatmap's colour scale, or none to span the data. */
  range?: [number, number];
}

/** 1234 -> "1.2k", 12.34 -> "12.3", 0.25 -> "0.25". */
export function compactNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toFixed(abs >= 1e7 ? 0 : 1)}M`;
  if (abs >= 1e3) return `${(value / 1e3).toFixed(abs >= 1e4 ? 0 : 1)}k`;
  if (abs >= 100 || Number.isInteger(value)) return value.toFixed(0);
  if (abs >= 1) return value.toFixed(1);
  return value.toFixed(2);
}

const count = (unit: string, label: string): MetricDisplay => ({
  label,
  unit,
  groupAggregate: 'sum',
  format: v => `${compactNumber(v)} ${unit}`,
  tick: compactNumber,
});

const latency = (label: string): MetricDisplay => ({
  label,
  unit: 'ms',
  groupAggregate: 'max',
  format: v => `${compactNumber(v * 1000)} ms`,
  tick: v => compactNumber(v * 1000),
});

/** Display of every metric the history route serves. */
export const METRIC_DISPLAY: Record<RankHistoryMetric, MetricDisplay> = {
  running: count('requests', 'Running requests'),
  waiting: count('requests', 'Waiting requests (queue)'),
  kvCacheUsage: {
    label: 'KV cache usage',
    unit: '% of KV cache',
    groupAggregate: 'mean',
    format: v => `${Math.round(v * 100)}%`,
    tick: v => `${Math.round(v * 100)}%`,
    range: [0, 1],
  },
  promptTokensPerSecond: count('tokens/s', 'Prompt throughput'),
  generationTokensPerSecond: count('tokens/s', 'Generation throughput'),
  ttftP95Seconds: latency('Time to first token, p95'),
  itlP95Seconds: latency('Inter-token latency, p95'),
};

/** What the group lines of a metric are: "sum over the group's ranks", ... */
export function groupAggregateText(metric: RankHistoryMetric): string {
  const aggregate = METRIC_DISPLAY[metric].groupAggregate;
  return aggregate === 'mean'
    ? "mean over the group's ranks"
    : `${aggregate} over the group's ranks`;
}

/** "15 minutes" / "60 minutes". */
export function windowText(window: RankHistoryWindow): string {
  return window === '15m' ? '15 minutes' : '60 minutes';
}

/** Unix seconds as `10:05:15 UTC`, the card's time zone. */
export function formatClock(unixSeconds: number): string {
  return `${new Date(unixSeconds * 1000).toISOString().slice(11, 19)} UTC`;
}
