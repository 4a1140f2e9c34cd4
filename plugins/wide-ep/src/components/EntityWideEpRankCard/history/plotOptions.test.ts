import { makeRankHealthResponse } from '../../../__testUtils__/rankHealthFixtures';
import { makeRankHistoryResponse } from '../../../__testUtils__/rankHistoryFixtures';
import { groupSeries } from './historySeries';
import { LINE_COLORS, linePlotOptions, plotData } from './plotOptions';

const dark = {
  text: 'rgba(255, 255, 255, 0.7)',
  grid: 'rgba(255, 255, 255, 0.12)',
  font: 'Helvetica',
  colors: LINE_COLORS,
};

describe('linePlotOptions', () => {
  const health = makeRankHealthResponse({
    prefill: { groups: 1, podsPerGroup: 1, ranksPerPod: 8 },
    decode: { groups: 2, podsPerGroup: 1, ranksPerPod: 8 },
  });

  it('draws one line per series the API gave, labelled, prefill dashed, in the theme colours', () => {
    const history = makeRankHistoryResponse(health, { metric: 'waiting' });
    const series = groupSeries(history);
    const options = linePlotOptions({
      series,
      metric: 'waiting',
      width: 640,
      height: 200,
      theme: dark,
    });

    expect(options.series.slice(1).map(s => s.label)).toEqual([
      'prefill group 0',
      'decode group 0',
      'decode group 1',
    ]);
    expect(options.series.slice(1).map(s => s.dash)).toEqual([
      [6, 3],
      undefined,
      undefined,
    ]);
    expect(options.series[2].stroke).toBe(LINE_COLORS[1]);
    expect(options.axes!.map(a => [a.label, a.stroke])).toEqual([
      ['time (UTC)', dark.text],
      ['requests', dark.text],
    ]);
    expect(options.axes![1].grid).toEqual({ stroke: dark.grid, width: 1 });

    const data = plotData(history.timestamps, series);
    expect(data).toHaveLength(4);
    expect(data[0]).toBe(history.timestamps);
    expect(data[3]).toBe(
      history.groups.find(g => g.role === 'decode' && g.group === 1)!.values,
    );
  });

  it('prints axis ticks in the metric unit: percent, milliseconds, UTC clock', () => {
    const base = {
      series: [],
      width: 640,
      height: 200,
      theme: dark,
    };
    const kv = linePlotOptions({ ...base, metric: 'kvCacheUsage' });
    const tick = (o: typeof kv, axis: number, values: number[]) =>
      (o.axes![axis].values as Function)(undefined, values);
    expect(tick(kv, 1, [0, 0.5, 1])).toEqual(['0%', '50%', '100%']);
    expect(kv.axes![1].label).toBe('% of KV cache');
    // KV cache usage always spans 0..100%; other metrics start at zero.
    expect((kv.scales!.y.range as Function)(undefined, 0.2, 0.4)).toEqual([
      0, 1,
    ]);

    const ttft = linePlotOptions({ ...base, metric: 'ttftP95Seconds' });
    expect(tick(ttft, 1, [0.25, 1.5])).toEqual(['250', '1.5k']);
    expect(ttft.axes![1].label).toBe('ms');
    expect((ttft.scales!.y.range as Function)(undefined, 0.2, 0.5)).toEqual([
      0, 0.55,
    ]);
    expect(tick(ttft, 0, [1795341600])).toEqual(['10:00']);
  });
});
