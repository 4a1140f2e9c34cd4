import { seriesStats, type PlotSeries } from './historySeries';
import {
  cellValue,
  COLOR_RAMP,
  heatmapLayout,
  heatmapPixels,
} from './heatmapImage';

function series(values: (number | null)[][]): PlotSeries[] {
  return values.map((v, i) => ({
    key: `decode/0/${i}`,
    label: `decode group 0 rank ${i}`,
    role: 'decode',
    group: 0,
    rank: i,
    values: v,
    stats: seriesStats(v),
  }));
}

const rgba = (
  pixels: Uint8ClampedArray,
  cols: number,
  row: number,
  col: number,
) =>
  Array.from(pixels.slice((row * cols + col) * 4, (row * cols + col) * 4 + 4));
const ramp = (i: number) => [...COLOR_RAMP.slice(i * 3, i * 3 + 3), 255];

describe('heatmap image', () => {
  it('draws one pixel per rank and sample, low to high on the ramp, gaps transparent', () => {
    const s = series([
      [0, 5, 10],
      [10, null, 0],
    ]);
    const layout = heatmapLayout(s, 3, 400);
    expect(layout).toEqual({
      rows: 2,
      cols: 3,
      ranksPerRow: 1,
      range: [0, 10],
    });
    const pixels = heatmapPixels(s, layout);
    expect(rgba(pixels, 3, 0, 0)).toEqual(ramp(0));
    expect(rgba(pixels, 3, 0, 1)).toEqual(ramp(128));
    expect(rgba(pixels, 3, 0, 2)).toEqual(ramp(255));
    expect(rgba(pixels, 3, 1, 1)).toEqual([0, 0, 0, 0]);
  });

  it('folds ranks beyond the row budget into rows that keep their maximum', () => {
    // 1,000 ranks idle but one: folded 3 to a row, the busy one still shows.
    const values = Array.from({ length: 1000 }, (_, i) =>
      i === 500 ? [1, 80] : [1, null],
    );
    const s = series(values);
    const layout = heatmapLayout(s, 2, 400);
    expect(layout.ranksPerRow).toBe(3);
    expect(layout.rows).toBe(334);
    expect(cellValue(s, layout, 166, 1)).toBe(80);
    expect(cellValue(s, layout, 167, 1)).toBeNull();
    const pixels = heatmapPixels(s, layout);
    expect(rgba(pixels, 2, 166, 1)).toEqual(ramp(255));
  });

  it('keeps a fixed range when the metric has one (KV cache 0..100%)', () => {
    const s = series([[0.5, 0.25]]);
    const layout = heatmapLayout(s, 2, 400, [0, 1]);
    expect(layout.range).toEqual([0, 1]);
    expect(rgba(heatmapPixels(s, layout), 2, 0, 0)).toEqual(ramp(128));
  });
});
