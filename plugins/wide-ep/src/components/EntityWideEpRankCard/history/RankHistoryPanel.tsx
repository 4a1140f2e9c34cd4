import { useMemo, useState } from 'react';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import {
  RANK_HISTORY_METRICS,
  type RankHistoryMetric,
  type RankHistoryResponse,
  type RankHistoryWindow,
} from '@internal/plugin-wide-ep-common';
import { errorMessage } from '../format';
import {
  groupAggregateText,
  METRIC_DISPLAY,
  windowText,
} from './historyMetrics';
import {
  allRankSeries,
  coverageText,
  groupSeries,
  rankSeriesOf,
} from './historySeries';
import { RankHeatmap } from './RankHeatmap';
import { TimeSeriesPlot } from './TimeSeriesPlot';
import { useRankHistory } from './useRankHistory';

/** Above this many ranks the history adds a heatmap of every rank. */
export const HEATMAP_MIN_RANKS = 32;

const useStyles = makeStyles(theme => ({
  panel: { marginBottom: theme.spacing(2) },
  controls: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1, 2),
    marginBottom: theme.spacing(1),
  },
  select: {
    font: 'inherit',
    fontSize: theme.typography.body2.fontSize,
    color: theme.palette.text.primary,
    background: theme.palette.background.paper,
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    padding: theme.spacing(0.5),
    marginLeft: theme.spacing(1),
  },
  label: { fontSize: theme.typography.body2.fontSize },
  windows: { display: 'inline-flex' },
  window: {
    font: 'inherit',
    fontSize: theme.typography.body2.fontSize,
    color: theme.palette.text.primary,
    background: 'transparent',
    border: `1px solid ${theme.palette.divider}`,
    padding: theme.spacing(0.25, 1.25),
    cursor: 'pointer',
    '&:first-child': {
      borderRadius: `${theme.shape.borderRadius}px 0 0 ${theme.shape.borderRadius}px`,
    },
    '&:last-child': {
      borderRadius: `0 ${theme.shape.borderRadius}px ${theme.shape.borderRadius}px 0`,
      borderLeft: 'none',
    },
    '&[aria-pressed="true"]': {
      background: theme.palette.action.selected,
      fontWeight: 600,
    },
    '&:focus-visible': {
      outline: `3px solid ${theme.palette.primary.main}`,
      outlineOffset: 1,
    },
  },
  conditions: {
    margin: theme.spacing(0.5, 0, 1),
    paddingLeft: theme.spacing(2.5),
  },
}));

const WINDOWS: RankHistoryWindow[] = ['15m', '60m'];

const SOURCE_TEXT: Record<RankHistoryResponse['source'], string> = {
  prometheus: 'Source: Prometheus',
  probes:
    "Source: probes (the backend's own /metrics probes; no Prometheus is configured for this cluster)",
};

/** The plots of a loaded history: groups, one group's ranks, and the heatmap of every rank. */
export function RankHistoryView(props: {
  value: RankHistoryResponse;
  preferredGroup?: string;
}) {
  const { value, preferredGroup } = props;
  const classes = useStyles();
  const display = METRIC_DISPLAY[value.metric];
  const groups = useMemo(() => groupSeries(value), [value]);
  const ranks = useMemo(() => allRankSeries(value), [value]);
  const [pickedGroup, setPickedGroup] = useState<string>();
  const groupKeyShown =
    [pickedGroup, preferredGroup].find(
      k => k && groups.some(g => g.key === k),
    ) ?? groups[0]?.key;
  const groupRanks = useMemo(
    () => (groupKeyShown ? rankSeriesOf(value, groupKeyShown) : []),
    [value, groupKeyShown],
  );
  const span = `last ${windowText(value.window)}`;
  const coverage = coverageText(value);

  return (
    <>
      <Typography variant="caption" color="textSecondary" component="p">
        {SOURCE_TEXT[value.source]} · one sample every {value.stepSeconds} s ·{' '}
        {span}
      </Typography>
      {(value.conditions.length > 0 || coverage) && (
        <ul className={classes.conditions} aria-label="History conditions">
          {value.conditions.map(c => (
            <li key={`${c.type}/${c.message}`}>
              <Typography variant="body2" component="span">
                <strong>{c.type}</strong>: {c.message}
              </Typography>
            </li>
          ))}
          {coverage && (
            <li>
              <Typography variant="body2" component="span">
                {coverage}
              </Typography>
            </li>
          )}
        </ul>
      )}
      {groups.length > 0 && (
        <TimeSeriesPlot
          title={`${display.label} per group`}
          description={`${groups.length} ${
            groups.length === 1 ? 'group' : 'groups'
          }, ${groupAggregateText(value.metric)}, ${span}, in ${
            display.unit
          }. Prefill lines are dashed.`}
          metric={value.metric}
          timestamps={value.timestamps}
          series={groups}
        />
      )}
      {groupKeyShown && (
        <>
          <label className={classes.label}>
            Ranks of
            <select
              className={classes.select}
              value={groupKeyShown}
              onChange={e => setPickedGroup(e.target.value)}
            >
              {groups.map(g => (
                <option key={g.key} value={g.key}>
                  {g.label}
                </option>
              ))}
            </select>
          </label>
          <TimeSeriesPlot
            title={`${display.label} per rank, ${
              groups.find(g => g.key === groupKeyShown)?.label
            }`}
            description={`${groupRanks.length} ranks, ${span}, in ${display.unit}.`}
            metric={value.metric}
            timestamps={value.timestamps}
            series={groupRanks}
          />
        </>
      )}
      {ranks.length > HEATMAP_MIN_RANKS && (
        <RankHeatmap
          title={`${display.label}, every rank`}
          metric={value.metric}
          timestamps={value.timestamps}
          series={ranks}
        />
      )}
    </>
  );
}

/**
 * Load over time: one metric of every group and rank over the last 15 or
 * 60 minutes, from `GET /api/wide-ep/ranks/history`. A failure here leaves
 * the rank health above it alone.
 */
export function RankHistoryPanel(props: {
  entityRef: string;
  refreshIntervalMs: number;
  /** `role/group` to show rank lines of first, e.g. a group with a failing rank. */
  preferredGroup?: string;
}) {
  const { entityRef, refreshIntervalMs, preferredGroup } = props;
  const classes = useStyles();
  const [metric, setMetric] = useState<RankHistoryMetric>('running');
  const [window, setWindow] = useState<RankHistoryWindow>('15m');
  const { value, error, refresh } = useRankHistory({
    entityRef,
    metric,
    window,
    refreshIntervalMs,
  });

  let body;
  if (!value) {
    body = error ? (
      <Alert
        severity="warning"
        action={
          <Button color="inherit" size="small" onClick={refresh}>
            Retry
          </Button>
        }
      >
        <AlertTitle>Could not load the history</AlertTitle>
        {errorMessage(error)}
      </Alert>
    ) : (
      <LinearProgress
        aria-label={`Loading ${windowText(window)} of ${METRIC_DISPLAY[
          metric
        ].label.toLowerCase()}`}
      />
    );
  } else {
    body = (
      <>
        {error && (
          <Alert severity="warning" role="status">
            History refresh failed: {errorMessage(error)}. Showing the last
            history loaded.
          </Alert>
        )}
        <RankHistoryView value={value} preferredGroup={preferredGroup} />
      </>
    );
  }

  return (
    <section className={classes.panel} aria-label="Load over time">
      <Typography variant="subtitle2" component="h3" gutterBottom>
        Load over time
      </Typography>
      <div className={classes.controls}>
        <label className={classes.label}>
          Metric
          <select
            className={classes.select}
            value={metric}
            onChange={e => setMetric(e.target.value as RankHistoryMetric)}
          >
            {RANK_HISTORY_METRICS.map(m => (
              <option key={m} value={m}>
                {METRIC_DISPLAY[m].label}
              </option>
            ))}
          </select>
        </label>
        <div
          role="group"
          aria-label="History window"
          className={classes.windows}
        >
          {WINDOWS.map(w => (
            <button
              key={w}
              type="button"
              aria-pressed={w === window}
              aria-label={`last ${windowText(w)}`}
              className={classes.window}
              onClick={() => setWindow(w)}
            >
              {w === '15m' ? '15 min' : '60 min'}
            </button>
          ))}
        </div>
      </div>
      {body}
    </section>
  );
}
