import { makeRankHealthResponse } from '../../../__testUtils__/rankHealthFixtures';
import { makeRankHistoryResponse } from '../../../__testUtils__/rankHistoryFixtures';
import {
  allRankSeries,
  coverageText,
  groupSeries,
  rankSeriesOf,
  seriesStats,
} from './historySeries';

describe('history series', () => {
  const health = makeRankHealthResponse({
    prefill: { groups: 1, podsPerGroup: 1, ranksPerPod: 4 },
    decode: { groups: 2, podsPerGroup: 1, ranksPerPod: 4 },
  });

  it('orders groups and ranks prefill first, by group and rank, whatever the response order', () => {
    const history = makeRankHistoryResponse(health);
    history.groups.reverse();
    history.ranks.reverse();
    expect(groupSeries(history).map(s => s.label)).toEqual([
      'prefill group 0',
      'decode group 0',
      'decode group 1',
    ]);
    expect(
      allRankSeries(history)
        .map(s => s.key)
        .slice(0, 5),
    ).toEqual([
      'prefill/0/0',
      'prefill/0/1',
      'prefill/0/2',
      'prefill/0/3',
      'decode/0/0',
    ]);
    expect(rankSeriesOf(history, 'decode/1').map(s => s.label)).toEqual([
      'decode group 1 rank 0',
      'decode group 1 rank 1',
      'decode group 1 rank 2',
      'decode group 1 rank 3',
    ]);
  });

  it('summarises a series over its samples, skipping gaps', () => {
    expect(seriesStats([null, 2, 6, null])).toEqual({
      latest: 6,
      min: 2,
      max: 6,
      mean: 4,
      samples: 2,
    });
    expect(seriesStats([null, null])).toEqual({ samples: 0 });
  });

  it('says how complete the history is', () => {
    expect(coverageText(makeRankHistoryResponse(health))).toBeUndefined();
    expect(
      coverageText(
        makeRankHistoryResponse(health, {
          sample: (r, c) => (c < 30 ? null : r),
        }),
      ),
    ).toBe('Partial: 33% of samples are missing (gaps in the lines).');
    expect(
      coverageText(
        makeRankHistoryResponse(health, { sample: r => (r === 0 ? null : 1) }),
      ),
    ).toBe(
      'Partial: 8% of samples are missing (gaps in the lines); 1 of 12 ranks has no sample at all.',
    );
    expect(
      coverageText({ ...makeRankHistoryResponse(health), timestamps: [] }),
    ).toBe('No samples in this window yet.');
    expect(
      coverageText({ ...makeRankHistoryResponse(health), ranks: [] }),
    ).toBe('No rank has reported this metric.');
  });
});
