import type { RankLoad } from './vllmMetricsText';

/**
 * Bucket bounds vLLM 0.23.0 gives its latency histograms
 * (vllm/v1/metrics/loggers.py, PrometheusStatLogger).
 */
export const TTFT_BUCKETS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5,
  5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0,
] as const;
export const ITL_BUCKETS = [
  0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0,
  7.5, 10.0, 20.0, 40.0, 80.0,
] as const;

/** Cumulative state of one histogram: non-cumulative counts per bucket, +Inf last. */
export interface HistogramTotals {
  bounds: readonly number[];
  counts: number[];
  sum: number;
  count: number;
}

/** What a rank's counters and histograms hold at scrape time. */
export interface RankTotals {
  promptTokens: number;
  generationTokens: number;
  ttft: HistogramTotals;
  itl: HistogramTotals;
}

/** Requests finishing prefill per second while a rank has a TTFT set. */
const TTFT_OBSERVATIONS_PER_SECOND = 2;

const histogram = (bounds: readonly number[]): HistogramTotals => ({
  bounds,
  counts: Array(bounds.length + 1).fill(0),
  sum: 0,
  count: 0,
});

function observe(h: HistogramTotals, value: number, times: number): void {
  if (times <= 0) return;
  let i = h.bounds.findIndex(b => value <= b);
  if (i === -1) i = h.bounds.length;
  h.counts[i] += times;
  h.sum += value * times;
  h.count += times;
}

/**
 * SIMULATED counters and histograms of one rank: they grow with the rank's
 * current load (token rates, TTFT, ITL) for the time that passed, so
 * `rate()` and `histogram_quantile()` in a real Prometheus read back the
 * load the test set, and a load change shows from then on.
 */
export class RankTotalsClock {
  private readonly totals: RankTotals = {
    promptTokens: 0,
    generationTokens: 0,
    ttft: histogram(TTFT_BUCKETS),
    itl: histogram(ITL_BUCKETS),
  };
  private lastAt: number;

  constructor(private readonly now: () => number = Date.now) {
    this.lastAt = now();
  }

  /** Adds what `load` produced since the last call, then returns the totals. */
  advance(load: RankLoad): RankTotals {
    const now = this.now();
    const seconds = Math.max(0, (now - this.lastAt) / 1000);
    this.lastAt = now;
    const t = this.totals;
    const generated = (load.generationTokensPerSecond ?? 0) * seconds;
    t.promptTokens += (load.promptTokensPerSecond ?? 0) * seconds;
    t.generationTokens += generated;
    if (load.ttftSeconds !== undefined)
      observe(t.ttft, load.ttftSeconds, TTFT_OBSERVATIONS_PER_SECOND * seconds);
    // Every generated token after the first is one inter-token interval.
    if (load.itlSeconds !== undefined)
      observe(t.itl, load.itlSeconds, generated);
    return t;
  }
}
