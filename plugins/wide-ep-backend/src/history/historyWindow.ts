import type {
  RankHistoryMetric,
  RankHistoryWindow,
} from '@internal/plugin-wide-ep-common';

/** Seconds each window reaches back. @public */
export const HISTORY_WINDOW_SECONDS: Record<RankHistoryWindow, number> = {
  '15m': 15 * 60,
  '60m': 60 * 60,
};

/**
 * Step of each window: 90 steps, so 91 columns, within the 60-120 points a
 * card plot resolves at its width.
 * @public
 */
export const HISTORY_STEP_SECONDS: Record<RankHistoryWindow, number> = {
  '15m': 10,
  '60m': 40,
};

/**
 * The columns of a window ending now: unix seconds aligned to the step, so
 * every viewer and every cache round asks for the same timestamps. The last
 * column is the first step boundary at or after now (a column at `t`
 * covers `(t - step, t]`), so the newest samples show at once.
 * @public
 */
export function historyColumns(
  window: RankHistoryWindow,
  nowMs: number,
): { start: number; end: number; step: number; timestamps: number[] } {
  const step = HISTORY_STEP_SECONDS[window];
  const end = Math.ceil(nowMs / 1000 / step) * step;
  const start = end - HISTORY_WINDOW_SECONDS[window];
  const timestamps: number[] = [];
  for (let t = start; t <= end; t += step) timestamps.push(t);
  return { start, end, step, timestamps };
}

/**
 * How a DP group combines its ranks (per the contract): counts and
 * throughput add up, KV use is the mean, latencies the worst rank.
 * @public
 */
export const GROUP_AGGREGATION: Record<
  RankHistoryMetric,
  'sum' | 'mean' | 'max'
> = {
  running: 'sum',
  waiting: 'sum',
  kvCacheUsage: 'mean',
  promptTokensPerSecond: 'sum',
  generationTokensPerSecond: 'sum',
  ttftP95Seconds: 'max',
  itlP95Seconds: 'max',
};

/** Combines per-rank columns into one group column; null where no rank has a sample. @public */
export function aggregateColumns(
  series: (number | null)[][],
  how: 'sum' | 'mean' | 'max',
  length: number,
): (number | null)[] {
  const out: (number | null)[] = [];
  for (let i = 0; i < length; i++) {
    let n = 0;
    let acc = how === 'max' ? -Infinity : 0;
    for (const values of series) {
      const v = values[i];
      if (v === null || v === undefined) continue;
      n++;
      acc = how === 'max' ? Math.max(acc, v) : acc + v;
    }
    if (n === 0) out.push(null);
    else out.push(how === 'mean' ? acc / n : acc);
  }
  return out;
}
