import {
  ROLES,
  type RankHistoryResponse,
  type Role,
} from '@internal/plugin-wide-ep-common';

/** Summary of one series, for tables, readouts and accessible names. */
export interface SeriesStats {
  /** Last non-null sample. */
  latest?: number;
  min?: number;
  max?: number;
  mean?: number;
  /** Non-null samples. */
  samples: number;
}

/** One plotted line: a group's or a rank's values over the response's timestamps. */
export interface PlotSeries {
  /** `role/group` or `role/group/rank`; rank keys match the grid's `rankKey`. */
  key: string;
  /** `decode group 3` or `decode group 3 rank 17`, the grid's wording. */
  label: string;
  role: Role;
  group: number;
  rank?: number;
  values: (number | null)[];
  stats: SeriesStats;
}

export function seriesStats(values: readonly (number | null)[]): SeriesStats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let samples = 0;
  let latest: number | undefined;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    samples++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    latest = v;
  }
  return samples === 0
    ? { samples }
    : { latest, min, max, mean: sum / samples, samples };
}

const roleOrder = (role: Role) => ROLES.indexOf(role);
const byPosition = (
  a: { role: Role; group: number; rank?: number },
  b: { role: Role; group: number; rank?: number },
) =>
  roleOrder(a.role) - roleOrder(b.role) ||
  a.group - b.group ||
  (a.rank ?? 0) - (b.rank ?? 0);

/** Key of a group, as in the card's group selectors. */
export function groupKey(role: Role, group: number): string {
  return `${role}/${group}`;
}

/** The group lines, prefill before decode, groups ascending. */
export function groupSeries(response: RankHistoryResponse): PlotSeries[] {
  return [...response.groups].sort(byPosition).map(g => ({
    key: groupKey(g.role, g.group),
    label: `${g.role} group ${g.group}`,
    role: g.role,
    group: g.group,
    values: g.values,
    stats: seriesStats(g.values),
  }));
}

/** Every rank's line in display order (the heatmap's rows). */
export function allRankSeries(response: RankHistoryResponse): PlotSeries[] {
  return [...response.ranks].sort(byPosition).map(r => ({
    key: `${r.role}/${r.group}/${r.rank}`,
    label: `${r.role} group ${r.group} rank ${r.rank}`,
    role: r.role,
    group: r.group,
    rank: r.rank,
    values: r.values,
    stats: seriesStats(r.values),
  }));
}

/** The rank lines of one group (`role/group`). */
export function rankSeriesOf(
  response: RankHistoryResponse,
  key: string,
): PlotSeries[] {
  return allRankSeries({
    ...response,
    ranks: response.ranks.filter(r => groupKey(r.role, r.group) === key),
  });
}

/**
 * How complete the history is, in words, beside the backend's own
 * conditions: nothing when every sample is there.
 */
export function coverageText(
  response: RankHistoryResponse,
): string | undefined {
  if (response.timestamps.length === 0) {
    return 'No samples in this window yet.';
  }
  let missing = 0;
  let total = 0;
  let silent = 0;
  for (const r of response.ranks) {
    let present = 0;
    for (const v of r.values) if (v !== null) present++;
    total += r.values.length;
    missing += r.values.length - present;
    if (present === 0) silent++;
  }
  if (response.ranks.length === 0) return 'No rank has reported this metric.';
  if (silent === response.ranks.length) {
    return `None of the ${response.ranks.length} ranks has a sample in this window.`;
  }
  if (missing === 0) return undefined;
  const percent = (missing / total) * 100;
  const share = percent < 1 ? 'under 1%' : `${Math.round(percent)}%`;
  const ranks =
    silent > 0
      ? `; ${silent} of ${response.ranks.length} ranks ${
          silent === 1 ? 'has' : 'have'
        } no sample at all`
      : '';
  return `Partial: ${share} of samples are missing (gaps in the lines)${ranks}.`;
}
