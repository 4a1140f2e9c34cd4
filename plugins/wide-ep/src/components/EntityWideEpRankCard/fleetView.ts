import type { RankState } from '@internal/plugin-wide-ep-common';
import type { GroupView, RankCellView, RoleView } from './groupRanks';

/**
 * Above this many ranks in a deployment the card draws one tile per group
 * and lists only the ranks that are not healthy, instead of a cell per rank:
 * 2,048 cells take ~60 ms to lay out in Chromium (bench/browser), and a grid
 * of 10,000 cells is unreadable anyway.
 */
export const GRID_MAX_RANKS = 2048;

/** States listed in the "not healthy" table, worst first. */
const ATTENTION_ORDER: RankState[] = ['unhealthy', 'unknown', 'starting'];

/** One group tile: its counts and verdict, and the view to expand into a grid. */
export interface GroupTileView {
  /** `role/group`. */
  key: string;
  group: GroupView;
  counts: Record<RankState, number>;
  total: number;
  /** Accessible name: `decode group 3: ✕ not serving, 63 healthy, 1 unhealthy`. */
  label: string;
}

/** What a large role shows: group tiles and its not-healthy ranks, worst first. */
export interface FleetRoleView {
  tiles: GroupTileView[];
  attention: RankCellView[];
}

export function countStates(
  cells: readonly RankCellView[],
): Record<RankState, number> {
  const counts: Record<RankState, number> = {
    healthy: 0,
    starting: 0,
    unhealthy: 0,
    unknown: 0,
  };
  for (const c of cells) counts[c.rank.state]++;
  return counts;
}

/** "63 healthy, 1 unhealthy": the non-zero counts, healthy first. */
export function countsText(counts: Record<RankState, number>): string {
  return (['healthy', 'unhealthy', 'unknown', 'starting'] as const)
    .filter(s => counts[s] > 0)
    .map(s => `${counts[s]} ${s}`)
    .join(', ');
}

export function fleetRoleView(
  view: RoleView,
  groupStateText: (group: GroupView) => string | undefined,
): FleetRoleView {
  const tiles = view.groups.map(group => {
    const cells = group.rows.flatMap(r => r.cells);
    const counts = countStates(cells);
    const state = groupStateText(group);
    return {
      key: `${view.role}/${group.index}`,
      group,
      counts,
      total: cells.length,
      label: `${view.role} group ${group.index}: ${
        state ? `${state}, ` : ''
      }${countsText(counts)}`,
    };
  });
  const rank = (s: RankState) => ATTENTION_ORDER.indexOf(s);
  // Cells are already in group and rank order; a stable sort keeps it within a state.
  const attention = view.cells
    .filter(c => c.rank.state !== 'healthy')
    .sort((a, b) => rank(a.rank.state) - rank(b.rank.state));
  return { tiles, attention };
}

/** The role view narrowed to one group, for the grid of an expanded tile. */
export function groupOnlyView(view: RoleView, group: GroupView): RoleView {
  const rows = group.rows;
  const cells = rows.flatMap(r => r.cells);
  const rowOfKey = new Map<string, number>();
  rows.forEach((row, i) => row.cells.forEach(c => rowOfKey.set(c.key, i)));
  return {
    ...view,
    groups: [group],
    rows,
    cells,
    rowOfKey,
    cellByKey: new Map(cells.map(c => [c.key, c])),
  };
}
