import { groupHealth, roleState, worstState } from './groupHealth';
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

describe('roleState', () => {
  const counts = { healthy: 8, starting: 0, unhealthy: 0, unknown: 0 };

  it('is degraded when a rank is unhealthy or missing', () => {
    expect(
      roleState(
        { ready: 7, total: 8 },
        { ...counts, healthy: 7, unhealthy: 1 },
      ),
    ).toBe('degraded');
    expect(roleState({ ready: 7, total: 8 }, { ...counts, healthy: 7 })).toBe(
      'degraded',
    );
  });

  it('is starting, unknown, healthy or empty otherwise', () => {
    expect(
      roleState({ ready: 7, total: 8 }, { ...counts, healthy: 7, starting: 1 }),
    ).toBe('starting');
    expect(
      roleState({ ready: 7, total: 8 }, { ...counts, healthy: 7, unknown: 1 }),
    ).toBe('unknown');
    expect(roleState({ ready: 8, total: 8 }, counts)).toBe('healthy');
    expect(roleState({ ready: 0, total: 0 }, { ...counts, healthy: 0 })).toBe(
      'empty',
    );
  });

  it('takes the worst state of several roles', () => {
    expect(worstState(['healthy', 'starting', 'empty'])).toBe('starting');
    expect(worstState(['starting', 'degraded'])).toBe('degraded');
    expect(worstState(['empty', 'empty'])).toBe('empty');
  });
});
