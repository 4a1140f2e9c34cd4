import { ROLES } from '../specSchema';
import type {
  DeploymentState,
  GroupHealth,
  GroupState,
  RankHealth,
  RankState,
  RoleSummary,
} from './types';

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

/**
 * State of one role from its summary and rank counts (rank-health.md §7):
 * `degraded` as soon as one rank is unhealthy or missing, since
 * expert-parallel collectives need every rank; then `starting`, then
 * `unknown`, in the order {@link groupHealth} judges a group.
 * @public
 */
export function roleState(
  summary: Pick<RoleSummary, 'ready' | 'total'>,
  counts: Record<RankState, number>,
): DeploymentState {
  if (summary.total === 0) return 'empty';
  if (counts.unhealthy > 0) return 'degraded';
  if (counts.starting > 0) return 'starting';
  if (counts.unknown > 0) return 'unknown';
  // Fewer ready than expected with nothing starting: ranks are missing.
  return summary.ready >= summary.total ? 'healthy' : 'degraded';
}

const SEVERITY: readonly DeploymentState[] = [
  'degraded',
  'starting',
  'unknown',
  'healthy',
  'empty',
];

/** The worst state of several roles (or groups). @public */
export function worstState(
  states: readonly DeploymentState[],
): DeploymentState {
  for (const state of SEVERITY) {
    if (states.includes(state)) return state;
  }
  return 'empty';
}
