import type { RankHealth } from '@internal/plugin-wide-ep-common';
import { ProbeHistory } from './ProbeHistory';
import { aggregateColumns, historyColumns } from './historyWindow';

const rank = (
  globalRank: number,
  metrics: RankHealth['metrics'],
  group = 0,
): RankHealth => ({
  role: 'decode',
  group,
  globalRank,
  localRank: globalRank % 8,
  port: 8200 + (globalRank % 8),
  state: 'healthy',
  metrics,
});

// 2026-07-01T10:00:00Z, a multiple of 40 s.
const T = Date.parse('2026-07-01T10:00:00Z');

describe('historyColumns', () => {
  it('91 columns ending at the first step boundary at or after now', () => {
    const c = historyColumns('15m', T + 3_000);
    expect(c.step).toBe(10);
    expect(c.timestamps).toHaveLength(91);
    expect(c.end).toBe(T / 1000 + 10);
    expect(c.start).toBe(c.end - 900);
    const h = historyColumns('60m', T);
    expect([h.step, h.timestamps.length, h.end]).toEqual([40, 91, T / 1000]);
  });
});

describe('aggregateColumns', () => {
  it('sum, mean and max over the ranks that have a sample; null where none has', () => {
    const series = [
      [1, null, null],
      [3, 4, null],
    ];
    expect(aggregateColumns(series, 'sum', 3)).toEqual([4, 4, null]);
    expect(aggregateColumns(series, 'mean', 3)).toEqual([2, 4, null]);
    expect(aggregateColumns(series, 'max', 3)).toEqual([3, 4, null]);
  });
});

describe('ProbeHistory', () => {
  it('keeps what the probes saw per 10 s slot, on the endpoint columns', () => {
    const h = new ProbeHistory();
    h.record(
      'prod/ns/a',
      [rank(0, { running: 1, kvCacheUsage: 0.3 })],
      T - 25_000,
    );
    // Two samples in one slot: the later wins.
    h.record('prod/ns/a', [rank(0, { running: 2 })], T - 9_000);
    h.record(
      'prod/ns/a',
      [rank(0, { running: 3 }), rank(1, { running: 5 })],
      T - 1_000,
    );
    const read = h.read('prod/ns/a', 'running', '15m', T);
    expect(read.step).toBe(10);
    expect(read.timestamps.at(-1)).toBe(T / 1000);
    expect(read.ranks).toEqual([
      { role: 'decode', group: 0, rank: 0, values: expect.any(Array) },
      { role: 'decode', group: 0, rank: 1, values: expect.any(Array) },
    ]);
    const last3 = (values: (number | null)[]) => values.slice(-4);
    expect(last3(read.ranks[0].values)).toEqual([null, 1, null, 3]);
    expect(last3(read.ranks[1].values)).toEqual([null, null, null, 5]);
    expect(
      last3(h.read('prod/ns/a', 'kvCacheUsage', '15m', T).ranks[0].values),
    ).toEqual([null, 0.3, null, null]);
    // Rates need Prometheus; another deployment has nothing.
    expect(
      h.read('prod/ns/a', 'generationTokensPerSecond', '15m', T).ranks,
    ).toEqual([]);
    expect(h.read('prod/ns/b', 'running', '15m', T).ranks).toEqual([]);
  });

  it('60m columns are the mean of their four slots', () => {
    const h = new ProbeHistory();
    h.record('k', [rank(0, { running: 2 })], T - 35_000);
    h.record('k', [rank(0, { running: 4 })], T - 5_000);
    expect(h.read('k', 'running', '60m', T).ranks[0].values.at(-1)).toBe(3);
  });

  it('two hours later the ring position of an old sample is not read as new', () => {
    const h = new ProbeHistory();
    h.record('k', [rank(0, { running: 9 })], T - 1_000);
    h.record('k', [rank(0, { running: 1 })], T + 7_200_000 - 20_000);
    // The last column's slot shares the ring position of the old sample.
    const values = h.read('k', 'running', '60m', T + 7_200_000).ranks[0].values;
    expect(values.filter(v => v !== null)).toEqual([1]);
  });

  it('is bounded: the deployment recorded longest ago goes first', () => {
    const h = new ProbeHistory({ maxRanks: 100 });
    const ranks = (n: number) =>
      Array.from({ length: n }, (_, i) => rank(i, { running: i }));
    h.record('a', ranks(60), T);
    h.record('b', ranks(30), T);
    h.record('a', ranks(60), T + 1_000);
    h.record('c', ranks(30), T + 2_000);
    expect(h.rankCount).toBe(90);
    expect(h.read('b', 'running', '15m', T + 2_000).ranks).toEqual([]);
    expect(h.read('a', 'running', '15m', T + 2_000).ranks).toHaveLength(60);
  });
});
