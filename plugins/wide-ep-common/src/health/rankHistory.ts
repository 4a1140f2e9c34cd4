import type { Role } from '../specSchema';

/**
 * Metrics the history endpoint serves, one per request.
 * @public
 */
export type RankHistoryMetric =
  | 'running'
  | 'waiting'
  | 'kvCacheUsage'
  | 'promptTokensPerSecond'
  | 'generationTokensPerSecond'
  | 'ttftP95Seconds'
  | 'itlP95Seconds';

/** Every {@link RankHistoryMetric}, in the order the card offers them. @public */
export const RANK_HISTORY_METRICS: readonly RankHistoryMetric[] = [
  'running',
  'waiting',
  'kvCacheUsage',
  'promptTokensPerSecond',
  'generationTokensPerSecond',
  'ttftP95Seconds',
  'itlP95Seconds',
];

/** How far back `GET /api/wide-ep/ranks/history` reaches. @public */
export type RankHistoryWindow = '15m' | '60m';

/**
 * One rank's samples. `rank` is RankHealth.globalRank, `group`
 * RankHealth.group, `role` RankHealth.role.
 * @public
 */
export interface RankHistorySeries {
  role: Role;
  group: number;
  rank: number;
  values: (number | null)[];
}

/** Response of `GET /api/wide-ep/ranks/history`. @public */
export interface RankHistoryResponse {
  entityRef: string;
  /** Where the samples came from: Prometheus, or the backend's own probes (no Prometheus). */
  source: 'prometheus' | 'probes';
  metric: RankHistoryMetric;
  window: RankHistoryWindow;
  stepSeconds: number;
  /** Unix seconds of each column; every series has one value per timestamp (null = no sample). */
  timestamps: number[];
  ranks: RankHistorySeries[];
  /** Per data-parallel group (the card's groups): sum for counts/throughput, mean for kv, max for latencies. */
  groups: { role: Role; group: number; values: (number | null)[] }[];
  /** Why the history is partial or empty (no Prometheus data yet, query failed, ...). */
  conditions: { type: string; message: string }[];
}
