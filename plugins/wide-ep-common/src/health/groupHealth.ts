import { ROLES } from '../spec';
import type { Role } from '../spec';
import type { RankHealth, RankState } from './types';

/**
 * State of one data-parallel group (rank-health.md §7 step 4). Expert
 * parallelism runs collectives across every rank of a group, so one rank
 * that is missing or unhealthy takes the whole group out of service:
 * - `healthy`: every rank healthy;
 * - `degraded`: a rank unhealthy, so the group does not serve;
 * - `starting`: no rank unhealthy, some still starting;
 * - `unknown`: no rank unhealthy or starting, some without fresh data.
 * @public
 */
export type GroupState = 'healthy' | 'degraded' | 'starting' | 'unknown';

/** One DP group of a role, as `GET /api/wide-ep/ranks` lists it. @public */
export interface GroupHealth {
  role: Role;
  group: number;
  state: GroupState;
  /** Healthy ranks of the group. */
  ready: number;
  total: number;
  /** Why the group is not healthy: the first rank in the worst state. */
  reason?: string;
}

const GROUP_STATE_OF: Record<Exclude<RankState, 'healthy'>, GroupState> = {
  unhealthy: 'degraded',
  starting: 'starting',
  unknown: 'unknown',
};

/**
 * Groups of a rank list, in role then group order, each judged by its worst
 * rank (unhealthy, then starting, then unknown).
 * @public
 */
export function groupHealth(ranks: readonly RankHealth[]): GroupHealth[] {
  const byGroup = new Map<string, RankHealth[]>();
  for (const rank of ranks) {
    const key = `${rank.role}/${rank.group}`;
    const list = byGroup.get(key);
    if (list) list.push(rank);
    else byGroup.set(key, [rank]);
  }
  const groups = [...byGroup.values()].map(judgeGroup);
  return groups.sort(
    (a, b) =>
      ROLES.indexOf(a.role) - ROLES.indexOf(b.role) || a.group - b.group,
  );
}

function judgeGroup(ranks: RankHealth[]): GroupHealth {
  const { role, group } = ranks[0];
  const total = ranks.length;
  const ready = ranks.filter(r => r.state === 'healthy').length;
  const base = { role, group, ready, total };
  for (const state of ['unhealthy', 'starting', 'unknown'] as const) {
    const own = ranks.filter(r => r.state === state);
    if (own.length === 0) continue;
    const first = own.reduce((a, b) => (b.globalRank < a.globalRank ? b : a));
    const example = `rank ${first.globalRank}${
      first.reason ? `: ${first.reason}` : ''
    }`;
    const counted = `${own.length} of ${total} ${
      total === 1 ? 'rank' : 'ranks'
    } ${state}`;
    const consequence =
      state === 'unhealthy'
        ? '; expert parallelism needs every rank, so the group does not serve'
        : '';
    return {
      ...base,
      state: GROUP_STATE_OF[state],
      reason: `${counted} (${example})${consequence}`,
    };
  }
  return { ...base, state: 'healthy' };
}
