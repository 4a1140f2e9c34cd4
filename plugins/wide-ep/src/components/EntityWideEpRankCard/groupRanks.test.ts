import { makeRankHealthResponse } from '../../__testUtils__/rankHealthFixtures';
import { groupRanks, roleState, worstState } from './groupRanks';

describe('groupRanks', () => {
  it('orders ranks by group, pod and global rank, whatever the response order', () => {
    const response = makeRankHealthResponse({
      decode: { groups: 2, podsPerGroup: 2, ranksPerPod: 4 },
    });
    response.ranks.reverse();
    const decode = groupRanks(response)[1];

    expect(decode.role).toBe('decode');
    expect(decode.groups.map(g => g.rows.map(r => r.pod))).toEqual([
      ['wide-ep-decode-0', 'wide-ep-decode-0-1'],
      ['wide-ep-decode-1', 'wide-ep-decode-1-1'],
    ]);
    expect(decode.rows[1].cells.map(c => c.rank.globalRank)).toEqual([
      4, 5, 6, 7,
    ]);
    expect(decode.cells).toHaveLength(16);
    expect(decode.rowOfKey.get('decode/1/5')).toBe(3);
    expect(decode.cells[9].label).toBe('decode group 1 rank 1, healthy');
  });

  it('puts ranks without a pod in a row of their own and counts states', () => {
    const response = makeRankHealthResponse({
      prefill: { groups: 1, podsPerGroup: 2, ranksPerPod: 2 },
      overrides: {
        'prefill/0/2': {
          pod: undefined,
          node: undefined,
          state: 'starting',
          reason: 'Unschedulable',
        },
        'prefill/0/3': {
          pod: undefined,
          node: undefined,
          state: 'starting',
          reason: 'Unschedulable',
        },
      },
    });
    const prefill = groupRanks(response)[0];

    expect(prefill.rows.map(r => [r.pod, r.cells.length])).toEqual([
      ['wide-ep-prefill-0', 2],
      [undefined, 2],
    ]);
    expect(prefill.counts).toEqual({
      healthy: 2,
      starting: 2,
      unhealthy: 0,
      unknown: 0,
    });
    expect(prefill.state).toBe('starting');
    expect(prefill.cells[2].label).toBe(
      'prefill rank 2, starting: Unschedulable',
    );
  });
});

describe('roleState', () => {
  const counts = { healthy: 8, starting: 0, unhealthy: 0, unknown: 0 };

  it('is degraded when a rank is unhealthy or missing', () => {
    expect(
      roleState(
        { ready: 7, total: 8, gpus: 8, groupsReady: 0, groups: 1 },
        { ...counts, healthy: 7, unhealthy: 1 },
      ),
    ).toBe('degraded');
    expect(
      roleState(
        { ready: 7, total: 8, gpus: 8, groupsReady: 0, groups: 1 },
        { ...counts, healthy: 7 },
      ),
    ).toBe('degraded');
  });

  it('is starting, unknown, healthy or empty otherwise', () => {
    expect(
      roleState(
        { ready: 7, total: 8, gpus: 8, groupsReady: 0, groups: 1 },
        { ...counts, healthy: 7, starting: 1 },
      ),
    ).toBe('starting');
    expect(
      roleState(
        { ready: 7, total: 8, gpus: 8, groupsReady: 0, groups: 1 },
        { ...counts, healthy: 7, unknown: 1 },
      ),
    ).toBe('unknown');
    expect(
      roleState(
        { ready: 8, total: 8, gpus: 8, groupsReady: 0, groups: 1 },
        counts,
      ),
    ).toBe('healthy');
    expect(
      roleState(
        { ready: 0, total: 0, gpus: 0, groupsReady: 0, groups: 1 },
        { ...counts, healthy: 0 },
      ),
    ).toBe('empty');
  });

  it('takes the worst state of several roles', () => {
    expect(worstState(['healthy', 'starting', 'empty'])).toBe('starting');
    expect(worstState(['starting', 'degraded'])).toBe('degraded');
    expect(worstState(['empty', 'empty'])).toBe('empty');
  });
});
