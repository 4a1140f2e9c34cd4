import type { PlotSeries } from './historySeries';

/**
 * Viridis stops: perceptually even, readable by most colour-blind readers,
 * and visible on Backstage's light and dark backgrounds alike.
 */
const STOPS: [number, number, number][] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** 256 RGB entries interpolated between the stops, low to high. */
export const COLOR_RAMP: Uint8Array = (() => {
  const ramp = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const at = (i / 255) * (STOPS.length - 1);
    const lo = Math.min(Math.floor(at), STOPS.length - 2);
    const f = at - lo;
    for (let c = 0; c < 3; c++) {
      ramp[i * 3 + c] = Math.round(
        STOPS[lo][c] + (STOPS[lo + 1][c] - STOPS[lo][c]) * f,
      );
    }
  }
  return ramp;
})();

/** CSS colour of a ramp position 0..1, for the legend. */
export function rampColor(position: number): string {
  const i = Math.max(0, Math.min(255, Math.round(position * 255))) * 3;
  return `rgb(${COLOR_RAMP[i]}, ${COLOR_RAMP[i + 1]}, ${COLOR_RAMP[i + 2]})`;
}

/** How ranks map to image rows: one row per rank, or `ranksPerRow` ranks folded into one. */
export interface HeatmapLayout {
  rows: number;
  cols: number;
  ranksPerRow: number;
  /** Value of the lowest and highest colour. */
  range: [number, number];
}

/**
 * Lays `series` out in at most `maxRows` image rows. Folding keeps each
 * row's maximum, so a single busy or stuck rank stays visible among
 * thousands.
 */
export function heatmapLayout(
  series: readonly PlotSeries[],
  cols: number,
  maxRows: number,
  fixedRange?: [number, number],
): HeatmapLayout {
  const ranksPerRow = Math.max(1, Math.ceil(series.length / maxRows));
  let max = 0;
  if (!fixedRange) {
    for (const s of series) if ((s.stats.max ?? 0) > max) max = s.stats.max!;
  }
  return {
    rows: Math.ceil(series.length / ranksPerRow),
    cols,
    ranksPerRow,
    range: fixedRange ?? [0, max > 0 ? max : 1],
  };
}

/** The value drawn at an image row and column: the maximum of the row's ranks, null when none has a sample. */
export function cellValue(
  series: readonly PlotSeries[],
  layout: HeatmapLayout,
  row: number,
  col: number,
): number | null {
  let out: number | null = null;
  const end = Math.min(series.length, (row + 1) * layout.ranksPerRow);
  for (let i = row * layout.ranksPerRow; i < end; i++) {
    const v = series[i].values[col];
    if (v !== null && v !== undefined && (out === null || v > out)) out = v;
  }
  return out;
}

/**
 * RGBA pixels of the heatmap, one per (row, column); a missing sample is
 * transparent so the "no sample" background shows through.
 */
export function heatmapPixels(
  series: readonly PlotSeries[],
  layout: HeatmapLayout,
): Uint8ClampedArray {
  const { rows, cols, range } = layout;
  const pixels = new Uint8ClampedArray(rows * cols * 4);
  const [lo, hi] = range;
  const scale = hi > lo ? 255 / (hi - lo) : 0;
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      const v = cellValue(series, layout, row, col);
      if (v === null) continue;
      const i = Math.max(0, Math.min(255, Math.round((v - lo) * scale))) * 3;
      const p = (row * cols + col) * 4;
      pixels[p] = COLOR_RAMP[i];
      pixels[p + 1] = COLOR_RAMP[i + 1];
      pixels[p + 2] = COLOR_RAMP[i + 2];
      pixels[p + 3] = 255;
    }
  }
  return pixels;
}
