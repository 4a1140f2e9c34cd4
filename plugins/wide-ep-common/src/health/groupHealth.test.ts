import { groupHealth } from './groupHealth';
import type { RankHealth, RankState } from './types';

const rank = (
  role: 'prefill' | 'decode',
  group: number,
  globalRank: number,
  state: RankState,
  reason?: string,
): RankHealth => ({
  role,
  group,
  globalRank,
  localRank: globalRank % 8,
  port: 8200 + (globalRank % 8),
  state,
  ...(reason ? { reason } : {}),
  metrics: {},
});

describe('groupHealth', () => {
  it('judges each group by its worst rank: unhealthy, then starting, then unknown', () => {
    const groups = groupHealth([
      rank('decode', 1, 0, 'healthy'),
      rank('decode', 1, 1, 'starting', 'running for 2m, not Ready yet'),
      rank('decode', 1, 2, 'unknown', 'probe timed out'),
      rank('decode', 0, 3, 'unhealthy', '/health returned 503'),
      rank('decode', 0, 2, 'unhealthy', 'connection refused'),
      rank('decode', 0, 1, 'starting'),
      rank('prefill', 0, 0, 'healthy'),
      rank('decode', 2, 0, 'unknown', 'probe timed out'),
    ]);
    expect(groups).toEqual([
      { role: 'prefill', group: 0, state: 'healthy', ready: 1, total: 1 },
      {
        role: 'decode',
        group: 0,
        state: 'degraded',
        ready: 0,
        total: 3,
        reason:
          '2 of 3 ranks unhealthy (rank 2: connection refused); expert parallelism needs every rank, so the group does not serve',
      },
      {
        role: 'decode',
        group: 1,
        state: 'starting',
        ready: 1,
        total: 3,
        reason: '1 of 3 ranks starting (rank 1: running for 2m, not Ready yet)',
      },
      {
        role: 'decode',
        group: 2,
        state: 'unknown',
        ready: 0,
        total: 1,
        reason: '1 of 1 rank unknown (rank 0: probe timed out)',
      },
    ]);
  });

  it('returns nothing for no ranks', () => {
    expect(groupHealth([])).toEqual([]);
  });
});
