import {
  ROLES,
  groupHealth,
  roleState,
  type DeploymentState,
  type GroupHealth,
  type RankHealth,
  type RankHealthResponse,
  type RankState,
  type Role,
  type RoleSummary,
} from '@internal/plugin-wide-ep-common';

// Role, group and deployment state are judged once, in -common (the rank
// API judges groups with the same function); the card only lays them out.

/** One rank cell of the grid. */
export interface RankCellView {
  /** Unique within the response: `role/group/globalRank`. */
  key: string;
  rank: RankHealth;
  /** Accessible name, e.g. `decode rank 11, unhealthy: /health returned 503`. */
  label: string;
}

/** The ranks of one pod, drawn as one row under a pod/node header. */
export interface PodRowView {
  key: string;
  group: number;
  pod?: string;
  node?: string;
  cells: RankCellView[];
}

/** The pods of one data-parallel group. */
export interface GroupView {
  index: number;
  rows: PodRowView[];
  /** The backend's verdict on the group, when it sends one. */
  health?: GroupHealth;
}

/** Everything the grid of one role needs, derived once per response. */
export interface RoleView {
  role: Role;
  summary: RoleSummary;
  state: DeploymentState;
  counts: Record<RankState, number>;
  groups: GroupView[];
  /** Rows in display order, across groups. */
  rows: PodRowView[];
  /** Cells in display order, across rows. */
  cells: RankCellView[];
  /** Row index of every cell key, for keyboard navigation. */
  rowOfKey: Map<string, number>;
  cellByKey: Map<string, RankCellView>;
}

/** Key of a rank, unique across roles and groups. */
export function rankKey(
  rank: Pick<RankHealth, 'role' | 'group' | 'globalRank'>,
): string {
  return `${rank.role}/${rank.group}/${rank.globalRank}`;
}

/** Accessible name of a rank cell; the group is named only when there are several. */
export function rankLabel(rank: RankHealth, nameGroup: boolean): string {
  const where = nameGroup ? ` group ${rank.group}` : '';
  const why = rank.reason ? `: ${rank.reason}` : '';
  return `${rank.role}${where} rank ${rank.globalRank}, ${rank.state}${why}`;
}

/**
 * Groups the flat rank list of a response by role, group and pod, in the
 * order the card draws them: groups ascending, pods by their first rank,
 * ranks by global rank. Ranks without a pod form one "not scheduled" row
 * per group.
 */
export function groupRanks(response: RankHealthResponse): RoleView[] {
  // A response without group verdicts (an older backend) gets the same
  // verdicts the rank API would have sent.
  const verdicts = response.groups ?? groupHealth(response.ranks);
  return ROLES.map(role => {
    const ranks = response.ranks
      .filter(r => r.role === role)
      .sort((a, b) => a.group - b.group || a.globalRank - b.globalRank);
    const nameGroup = new Set(ranks.map(r => r.group)).size > 1;
    const counts: Record<RankState, number> = {
      healthy: 0,
      starting: 0,
      unhealthy: 0,
      unknown: 0,
    };
    const groups: GroupView[] = [];
    // Rows of the current group by pod name: ranks arrive group by group,
    // so a small map per group (no composed key per rank; 10,000 ranks).
    let rowsOfGroup = new Map<string, PodRowView>();

    for (const rank of ranks) {
      counts[rank.state] = (counts[rank.state] ?? 0) + 1;
      let group = groups[groups.length - 1];
      if (!group || group.index !== rank.group) {
        const health = verdicts.find(
          g => g.role === role && g.group === rank.group,
        );
        group = { index: rank.group, rows: [], ...(health ? { health } : {}) };
        groups.push(group);
        rowsOfGroup = new Map();
      }
      const pod = rank.pod ?? '';
      let row = rowsOfGroup.get(pod);
      if (!row) {
        row = {
          key: `${role}/${rank.group}/${pod}`,
          group: rank.group,
          pod: rank.pod,
          node: rank.node,
          cells: [],
        };
        rowsOfGroup.set(pod, row);
        group.rows.push(row);
      }
      row.node ??= rank.node;
      row.cells.push({
        key: rankKey(rank),
        rank,
        label: rankLabel(rank, nameGroup),
      });
    }

    const rows = groups.flatMap(g => g.rows);
    const cells = rows.flatMap(r => r.cells);
    const rowOfKey = new Map<string, number>();
    rows.forEach((row, index) =>
      row.cells.forEach(c => rowOfKey.set(c.key, index)),
    );
    const summary = response.summary[role] ?? {
      ready: counts.healthy,
      total: ranks.length,
      gpus: 0,
      groupsReady: 0,
      groups: groups.length,
    };
    return {
      role,
      summary,
      state: roleState(summary, counts),
      counts,
      groups,
      rows,
      cells,
      rowOfKey,
      cellByKey: new Map(cells.map(c => [c.key, c])),
    };
  });
}
