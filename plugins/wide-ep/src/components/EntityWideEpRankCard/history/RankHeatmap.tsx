import { useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import type { RankHistoryMetric } from '@internal/plugin-wide-ep-common';
import { canvasSupported } from './canvasSupport';
import { formatClock, METRIC_DISPLAY } from './historyMetrics';
import type { PlotSeries } from './historySeries';
import {
  cellValue,
  heatmapLayout,
  heatmapPixels,
  rampColor,
} from './heatmapImage';

/** Image rows at most; more ranks fold into rows (their maximum). */
const MAX_ROWS = 400;
const MAX_ROW_PX = 6;

const useStyles = makeStyles(theme => ({
  figure: { margin: theme.spacing(0, 0, 2) },
  frame: { position: 'relative' },
  canvas: {
    display: 'block',
    width: '100%',
    imageRendering: 'pixelated',
    // Missing samples are transparent: a hatch marks them in either theme.
    backgroundImage: `repeating-linear-gradient(45deg, ${theme.palette.divider} 0 2px, transparent 2px 6px)`,
    cursor: 'crosshair',
  },
  roleRule: {
    position: 'absolute',
    left: 0,
    right: 0,
    borderTop: `2px solid ${theme.palette.background.paper}`,
    pointerEvents: 'none',
  },
  axis: {
    display: 'flex',
    justifyContent: 'space-between',
    fontSize: theme.typography.caption.fontSize,
    color: theme.palette.text.secondary,
  },
  legend: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    fontSize: theme.typography.caption.fontSize,
    color: theme.palette.text.secondary,
    marginTop: theme.spacing(0.5),
  },
  ramp: { width: 120, height: 10, borderRadius: 2 },
  noSample: {
    width: 14,
    height: 10,
    backgroundImage: `repeating-linear-gradient(45deg, ${theme.palette.text.secondary} 0 2px, transparent 2px 6px)`,
  },
  readout: {
    minHeight: '1.5em',
    fontSize: theme.typography.caption.fontSize,
    color: theme.palette.text.secondary,
  },
}));

/** Ranks named for a readout: one rank, or the first and last of a folded row. */
function rowLabel(series: readonly PlotSeries[], first: number, last: number) {
  if (first === last) return series[first].label;
  return `${series[first].label} … ${series[last].label} (highest of ${
    last - first + 1
  } ranks)`;
}

/**
 * Ranks × time as one canvas image: a row per rank (prefill, then decode,
 * group by group), a column per sample, colour for the value. Thousands of
 * ranks cost one putImageData; beyond {@link MAX_ROWS} ranks, rows fold and
 * keep their maximum.
 */
export function RankHeatmap(props: {
  title: string;
  metric: RankHistoryMetric;
  timestamps: number[];
  series: PlotSeries[];
}) {
  const { title, metric, timestamps, series } = props;
  const classes = useStyles();
  const display = METRIC_DISPLAY[metric];
  const canvas = useRef<HTMLCanvasElement>(null);
  const [readout, setReadout] = useState('');
  const layout = useMemo(
    () => heatmapLayout(series, timestamps.length, MAX_ROWS, display.range),
    [series, timestamps.length, display.range],
  );
  const rowPx = Math.max(
    1,
    Math.min(MAX_ROW_PX, Math.floor(MAX_ROWS / layout.rows)),
  );
  const height = layout.rows * rowPx;

  useEffect(() => {
    const el = canvas.current;
    const ctx = canvasSupported() ? el?.getContext('2d') : null;
    if (!el || !ctx || layout.rows === 0 || layout.cols === 0) return;
    const image = new ImageData(
      heatmapPixels(series, layout),
      layout.cols,
      layout.rows,
    );
    ctx.putImageData(image, 0, 0);
  }, [series, layout]);

  // Where prefill ends and decode begins, as a fraction of the height.
  const roleBreak = series.findIndex(s => s.role !== series[0]?.role);
  const hottest = useMemo(
    () =>
      series
        .filter(s => s.stats.latest !== undefined)
        .sort((a, b) => b.stats.latest! - a.stats.latest!)
        .slice(0, 3),
    [series],
  );

  const onMove = (event: MouseEvent<HTMLCanvasElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const col = Math.floor(
      ((event.clientX - box.left) / box.width) * layout.cols,
    );
    const row = Math.floor(
      ((event.clientY - box.top) / box.height) * layout.rows,
    );
    if (col < 0 || col >= layout.cols || row < 0 || row >= layout.rows) return;
    const first = row * layout.ranksPerRow;
    const last = Math.min(series.length, first + layout.ranksPerRow) - 1;
    const v = cellValue(series, layout, row, col);
    setReadout(
      `${formatClock(timestamps[col])} · ${rowLabel(series, first, last)}: ${
        v === null ? 'no sample' : display.format(v)
      }`,
    );
  };

  const summary =
    hottest.length > 0
      ? `Highest now: ${hottest
          .map(s => `${s.label} (${display.format(s.stats.latest!)})`)
          .join(', ')}.`
      : 'No rank has a sample yet.';
  const folded =
    layout.ranksPerRow > 1
      ? ` Each row folds ${layout.ranksPerRow} ranks and shows their highest value.`
      : '';
  return (
    <figure className={classes.figure} aria-label={title}>
      <figcaption>
        <Typography variant="subtitle2" component="span" display="block">
          {title}
        </Typography>
        <Typography variant="caption" color="textSecondary" display="block">
          {series.length} ranks top to bottom (prefill, then decode, by group
          and rank), time left to right.{folded} {summary}
        </Typography>
      </figcaption>
      <div className={classes.frame}>
        <canvas
          ref={canvas}
          className={classes.canvas}
          width={layout.cols}
          height={layout.rows}
          style={{ height }}
          role="img"
          aria-label={`${title}. ${summary}`}
          onMouseMove={onMove}
          onMouseLeave={() => setReadout('')}
        />
        {roleBreak > 0 && (
          <div
            className={classes.roleRule}
            style={{ top: (roleBreak / series.length) * height }}
          />
        )}
      </div>
      <div className={classes.axis} aria-hidden="true">
        <span>{timestamps.length ? formatClock(timestamps[0]) : ''}</span>
        <span>
          {timestamps.length
            ? formatClock(timestamps[timestamps.length - 1])
            : ''}
        </span>
      </div>
      <div className={classes.readout} aria-hidden="true">
        {readout}
      </div>
      <div className={classes.legend}>
        <span>{display.format(layout.range[0])}</span>
        <span
          aria-hidden="true"
          className={classes.ramp}
          style={{
            background: `linear-gradient(to right, ${[0, 0.25, 0.5, 0.75, 1]
              .map(rampColor)
              .join(', ')})`,
          }}
        />
        <span>{display.format(layout.range[1])}</span>
        <span aria-hidden="true" className={classes.noSample} />
        <span>no sample</span>
      </div>
    </figure>
  );
}
