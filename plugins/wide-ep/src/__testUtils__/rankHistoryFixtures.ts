import type {
  RankHealthResponse,
  RankHistoryMetric,
  RankHistoryResponse,
  RankHistoryWindow,
} from '@internal/plugin-wide-ep-common';

/** 2026-11-22T10:00:00Z, the fixtures' observation time, in Unix seconds. */
export const HISTORY_END = 1795341600;

/**
 * A history response for the ranks of a rank-health response, as the
 * backend would lay it out: 91 columns over the window (10 s or 40 s steps), one series per rank
 * with `sample(rank index, column)` (a deterministic default), groups
 * summed.
 */
export function makeRankHistoryResponse(
  health: RankHealthResponse,
  options: {
    metric?: RankHistoryMetric;
    window?: RankHistoryWindow;
    source?: RankHistoryResponse['source'];
    conditions?: RankHistoryResponse['conditions'];
    stepSeconds?: number;
    sample?: (rankIndex: number, column: number) => number | null;
  } = {},
): RankHistoryResponse {
  const window = options.window ?? '15m';
  // The backend's layout: 90 steps per window, so 91 columns.
  const stepSeconds = options.stepSeconds ?? (window === '15m' ? 10 : 40);
  const columns = ((window === '15m' ? 15 : 60) * 60) / stepSeconds + 1;
  const timestamps = Array.from(
    { length: columns },
    (_, i) => HISTORY_END - (columns - 1 - i) * stepSeconds,
  );
  const sample =
    options.sample ?? ((r: number, c: number) => ((r * 7 + c * 3) % 11) + 1);
  const ranks = health.ranks.map((r, index) => ({
    role: r.role,
    group: r.group,
    rank: r.globalRank,
    values: timestamps.map((_, c) => sample(index, c)),
  }));
  const groups = new Map<string, RankHistoryResponse['groups'][number]>();
  for (const r of ranks) {
    const key = `${r.role}/${r.group}`;
    let g = groups.get(key);
    if (!g) {
      g = { role: r.role, group: r.group, values: timestamps.map(() => null) };
      groups.set(key, g);
    }
    r.values.forEach((v, c) => {
      if (v !== null) g!.values[c] = (g!.values[c] ?? 0) + v;
    });
  }
  return {
    entityRef: health.entityRef,
    source: options.source ?? 'prometheus',
    metric: options.metric ?? 'running',
    window,
    stepSeconds,
    timestamps,
    ranks,
    groups: [...groups.values()],
    conditions: options.conditions ?? [],
  };
}
