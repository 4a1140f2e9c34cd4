import type uPlot from 'uplot';
import type { RankHistoryMetric } from '@internal/plugin-wide-ep-common';
import { formatClock, METRIC_DISPLAY } from './historyMetrics';
import type { PlotSeries } from './historySeries';

/** The colours and font a plot takes from the Backstage (MUI) theme. */
export interface PlotTheme {
  /** Axis labels and ticks. */
  text: string;
  /** Grid lines. */
  grid: string;
  font: string;
  /** Line colours, cycled; chosen to read on light and dark backgrounds. */
  colors: readonly string[];
}

/**
 * Ten colours that keep their contrast on Backstage's light (#fff) and dark
 * (#424242 paper) themes; prefill lines are also dashed, so role never rests
 * on colour alone.
 */
export const LINE_COLORS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#bcbd22',
  '#7f7f7f',
] as const;

/** Colour and dash of a series, shared by the plot and its table's swatches. */
export function seriesStyle(
  series: PlotSeries,
  index: number,
  theme: PlotTheme,
): { color: string; dash?: number[] } {
  return {
    color: theme.colors[index % theme.colors.length],
    ...(series.role === 'prefill' ? { dash: [6, 3] } : {}),
  };
}

/** uPlot's columnar data: timestamps, then one row of values per series. */
export function plotData(
  timestamps: number[],
  series: PlotSeries[],
): uPlot.AlignedData {
  return [timestamps, ...series.map(s => s.values)];
}

/**
 * Options of a line plot of `series` for one metric: a UTC time axis, a
 * value axis in the metric's unit starting at zero, gaps where samples are
 * missing, no built-in legend (the card's table names the series).
 */
export function linePlotOptions(args: {
  series: PlotSeries[];
  metric: RankHistoryMetric;
  width: number;
  height: number;
  theme: PlotTheme;
  hooks?: uPlot.Hooks.Arrays;
}): uPlot.Options {
  const { series, metric, width, height, theme } = args;
  const display = METRIC_DISPLAY[metric];
  const font = `11px ${theme.font}`;
  const axis = {
    stroke: theme.text,
    font,
    labelFont: font,
    grid: { stroke: theme.grid, width: 1 },
    ticks: { stroke: theme.grid, width: 1 },
  };
  const lineWidth = series.length > 20 ? 1 : 1.5;
  return {
    width,
    height,
    legend: { show: false },
    // Nearest line highlighted under the cursor; the card prints its value.
    cursor: {
      points: { show: false },
      focus: { prox: 24 },
      y: false,
      drag: { x: false, y: false },
    },
    focus: { alpha: 0.3 },
    scales: {
      x: { time: true },
      y: {
        range: (_u, _min, max) => display.range ?? [0, max > 0 ? max * 1.1 : 1],
      },
    },
    axes: [
      {
        ...axis,
        label: 'time (UTC)',
        values: (_u, splits) => splits.map(s => formatClock(s).slice(0, 5)),
      },
      {
        ...axis,
        label: display.unit,
        size: 56,
        values: (_u, splits) => splits.map(display.tick),
      },
    ],
    series: [
      {},
      ...series.map((s, i) => {
        const style = seriesStyle(s, i, theme);
        return {
          label: s.label,
          stroke: style.color,
          width: lineWidth,
          ...(style.dash ? { dash: style.dash } : {}),
          points: { show: false },
          spanGaps: false,
        };
      }),
    ],
    ...(args.hooks ? { hooks: args.hooks } : {}),
  };
}
