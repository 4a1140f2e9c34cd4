import { useState } from 'react';
import { makeStyles } from '@material-ui/core/styles';
import type { RankHistoryMetric } from '@internal/plugin-wide-ep-common';
import { METRIC_DISPLAY } from './historyMetrics';
import type { PlotSeries } from './historySeries';

const useStyles = makeStyles(theme => ({
  table: {
    borderCollapse: 'collapse',
    fontSize: theme.typography.caption.fontSize,
    '& th, & td': {
      padding: theme.spacing(0.25, 1.5, 0.25, 0),
      textAlign: 'left',
      whiteSpace: 'nowrap',
    },
    '& td': { fontVariantNumeric: 'tabular-nums' },
  },
  swatch: {
    display: 'inline-block',
    width: 16,
    height: 0,
    borderTopWidth: 2,
    marginRight: theme.spacing(0.75),
    verticalAlign: 'middle',
  },
  summary: {
    cursor: 'pointer',
    fontSize: theme.typography.caption.fontSize,
    color: theme.palette.text.secondary,
  },
}));

/** Series drawn open as a legend; more sit behind a disclosure, rendered only when opened. */
export const OPEN_TABLE_MAX_SERIES = 12;

/**
 * The values of a plot as a table: its legend (colour and dash of each
 * line) and the way to read the plot without seeing it.
 */
export function SeriesTable(props: {
  caption: string;
  metric: RankHistoryMetric;
  series: PlotSeries[];
  styleOf(index: number): { color: string; dash?: number[] };
  /** Open even with many series (no canvas to draw the plot). */
  forceOpen?: boolean;
}) {
  const { caption, metric, series, styleOf, forceOpen } = props;
  const classes = useStyles();
  const display = METRIC_DISPLAY[metric];
  const small = series.length <= OPEN_TABLE_MAX_SERIES || forceOpen;
  const [open, setOpen] = useState(false);
  const value = (v: number | undefined) =>
    v === undefined ? 'no data' : display.format(v);

  const table = (
    <table className={classes.table} aria-label={caption}>
      <thead>
        <tr>
          {['Series', 'Latest', 'Min', 'Max', 'Mean'].map(h => (
            <th key={h} scope="col">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {series.map((s, i) => {
          const style = styleOf(i);
          return (
            <tr key={s.key}>
              <th scope="row">
                <span
                  aria-hidden="true"
                  className={classes.swatch}
                  style={{
                    borderTopColor: style.color,
                    borderTopStyle: style.dash ? 'dashed' : 'solid',
                  }}
                />
                {s.label}
              </th>
              <td>{value(s.stats.latest)}</td>
              <td>{value(s.stats.min)}</td>
              <td>{value(s.stats.max)}</td>
              <td>{value(s.stats.mean)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
  if (small) return table;
  return (
    <details onToggle={e => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary className={classes.summary}>
        Values of all {series.length} series as a table
      </summary>
      {open && table}
    </details>
  );
}
