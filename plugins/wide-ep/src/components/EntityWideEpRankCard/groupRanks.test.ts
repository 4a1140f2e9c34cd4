import { makeRankHealthResponse } from '../../__testUtils__/rankHealthFixtures';
import { groupRanks } from './groupRanks';

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

describe('group verdicts', () => {
  it('judges the groups itself, as the rank API does, when a response carries none', () => {
    const response = makeRankHealthResponse({
      decode: { groups: 2, podsPerGroup: 1, ranksPerPod: 2 },
      overrides: {
        'decode/1/1': { state: 'unhealthy', reason: '/health returned 503' },
      },
    });
    const withVerdicts = groupRanks(response)[1].groups.map(g => g.health);
    const without = groupRanks({
      ...response,
      groups: undefined as never,
    })[1].groups.map(g => g.health);
    expect(without).toEqual(withVerdicts);
    expect(without.map(h => h?.state)).toEqual(['healthy', 'degraded']);
  });
});
