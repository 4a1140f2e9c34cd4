import { useEffect, useMemo, useRef, useState } from 'react';
import type uPlot from 'uplot';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import type { RankHistoryMetric } from '@internal/plugin-wide-ep-common';
import { canvasSupported } from './canvasSupport';
import { formatClock, METRIC_DISPLAY } from './historyMetrics';
import type { PlotSeries } from './historySeries';
import { linePlotOptions, plotData, seriesStyle } from './plotOptions';
import { usePlotTheme } from './plotTheme';
import { SeriesTable } from './SeriesTable';
import { useElementWidth } from './useElementWidth';

// The layout rules uPlot's own stylesheet gives its elements, scoped to the
// plot and themed here instead of a global CSS import.
const useStyles = makeStyles(theme => ({
  figure: { margin: theme.spacing(0, 0, 2) },
  caption: { marginBottom: theme.spacing(0.5) },
  plot: {
    minHeight: 1,
    '& .uplot, & .uplot *': { boxSizing: 'border-box' },
    '& .uplot': { width: 'min-content', lineHeight: 1.5 },
    '& .u-wrap': { position: 'relative', userSelect: 'none' },
    '& .u-over, & .u-under': { position: 'absolute' },
    '& .u-under': { overflow: 'hidden' },
    '& .uplot canvas': {
      display: 'block',
      position: 'relative',
      width: '100%',
      height: '100%',
    },
    '& .u-axis': { position: 'absolute' },
    '& .u-cursor-x': {
      position: 'absolute',
      left: 0,
      top: 0,
      height: '100%',
      borderRight: `1px dashed ${theme.palette.text.secondary}`,
      pointerEvents: 'none',
    },
    '& .u-off': { display: 'none' },
  },
  readout: {
    minHeight: '1.5em',
    fontSize: theme.typography.caption.fontSize,
    color: theme.palette.text.secondary,
  },
}));

const HEIGHT = 200;

let uPlotModule: Promise<typeof uPlot> | undefined;

/**
 * uPlot, loaded on the first plot: the rank grid does not wait for it, and
 * it never loads where there is no canvas (it reads matchMedia on import).
 */
function loadUPlot(): Promise<typeof uPlot> {
  if (!uPlotModule) uPlotModule = import('uplot').then(m => m.default);
  return uPlotModule;
}

/**
 * A line plot (uPlot, canvas) of a metric's series over time, captioned,
 * with a readout of the line under the cursor and a table of the values
 * for those who do not see the canvas.
 */
export function TimeSeriesPlot(props: {
  title: string;
  description: string;
  metric: RankHistoryMetric;
  timestamps: number[];
  series: PlotSeries[];
}) {
  const { title, description, metric, timestamps, series } = props;
  const classes = useStyles();
  const theme = usePlotTheme();
  const container = useRef<HTMLDivElement>(null);
  const width = useElementWidth(container, 600);
  const plot = useRef<uPlot>();
  const [readout, setReadout] = useState('');
  const drawable = canvasSupported();

  // A new plot only when its shape changes; a refresh of the same series
  // swaps the data in place.
  const shape = `${metric}|${width}|${series.map(s => s.key).join(',')}`;
  const latest = useRef({ series, timestamps });
  latest.current = { series, timestamps };
  const options = useMemo(() => {
    // Series under the cursor (uPlot's focus), 1-based as in uPlot.
    let focused = 1;
    const show = (u: uPlot) => {
      const idx = u.cursor.idx;
      const { series: now, timestamps: at } = latest.current;
      const s = now[focused - 1];
      if (idx === null || idx === undefined || at[idx] === undefined || !s) {
        setReadout('');
        return;
      }
      const v = s.values[idx];
      setReadout(
        `${formatClock(at[idx])} · ${s.label}: ${
          v === null || v === undefined
            ? 'no sample'
            : METRIC_DISPLAY[metric].format(v)
        }`,
      );
    };
    return linePlotOptions({
      series,
      metric,
      width,
      height: HEIGHT,
      theme,
      hooks: {
        setSeries: [
          (u, index, opts) => {
            if (index !== null && (opts as { focus?: boolean }).focus) {
              focused = index;
              show(u);
            }
          },
        ],
        setCursor: [show],
      },
    });
    // `shape` stands for the series keys; values change through setData.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, theme]);

  useEffect(() => {
    const el = container.current;
    if (!el || !drawable || width === 0) return undefined;
    let created: uPlot | undefined;
    let disposed = false;
    loadUPlot().then(UPlot => {
      if (disposed) return;
      const { series: s, timestamps: t } = latest.current;
      created = new UPlot(options, plotData(t, s), el);
      plot.current = created;
    });
    return () => {
      disposed = true;
      created?.destroy();
      plot.current = undefined;
    };
    // Data changes alone go through the effect below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [options, drawable, width]);

  useEffect(() => {
    plot.current?.setData(plotData(timestamps, series));
  }, [timestamps, series]);

  const styleOf = (i: number) => seriesStyle(series[i], i, theme);
  return (
    <figure className={classes.figure} aria-label={title}>
      <figcaption className={classes.caption}>
        <Typography variant="subtitle2" component="span" display="block">
          {title}
        </Typography>
        <Typography variant="caption" color="textSecondary" display="block">
          {description}
        </Typography>
      </figcaption>
      <div ref={container} className={classes.plot} aria-hidden="true" />
      {drawable ? (
        <div className={classes.readout} aria-hidden="true">
          {readout}
        </div>
      ) : (
        <Typography variant="caption" color="textSecondary" component="p">
          This browser cannot draw the plot; the table lists its values.
        </Typography>
      )}
      <SeriesTable
        caption={`${title}: values`}
        metric={metric}
        series={series}
        styleOf={styleOf}
        forceOpen={!drawable && series.length <= 64}
      />
    </figure>
  );
}
