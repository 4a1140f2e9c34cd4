import { useCallback, useId, useMemo, useState, type ReactNode } from 'react';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import {
  worstState,
  type DeploymentState,
  type RankHealthResponse,
} from '@internal/plugin-wide-ep-common';
import { groupRanks, type RoleView } from './groupRanks';
import { formatTimestamp } from './format';
import { RankGrid } from './RankGrid';
import { RankDetails } from './RankDetails';
import { RankLegend } from './RankLegend';
import { ConditionList } from './ConditionList';
import { FleetRole } from './FleetRole';
import { GRID_MAX_RANKS } from './fleetView';

const useStyles = makeStyles(theme => ({
  summary: { borderCollapse: 'collapse', marginBottom: theme.spacing(1) },
  cell: { padding: theme.spacing(0.25, 2, 0.25, 0), textAlign: 'left' },
  ranks: { maxHeight: 520, overflowY: 'auto', marginBottom: theme.spacing(2) },
  role: { marginBottom: theme.spacing(2) },
  degraded: { color: theme.palette.error.main, fontWeight: 600 },
  starting: { color: theme.palette.info.dark, fontWeight: 600 },
  unknown: { color: theme.palette.text.secondary, fontWeight: 600 },
  healthy: { color: theme.palette.success.dark, fontWeight: 600 },
  empty: { color: theme.palette.text.secondary },
}));

const STATE_TEXT: Record<DeploymentState, string> = {
  healthy: '✓ healthy',
  degraded: '✕ degraded',
  starting: '↻ starting',
  unknown: '? unknown',
  empty: 'no ranks',
};

/** Text of a deployment or role state, with its glyph. */
export function stateText(state: DeploymentState): string {
  return STATE_TEXT[state];
}

function notHealthy(view: RoleView): string {
  const parts = (['unhealthy', 'starting', 'unknown'] as const)
    .filter(s => view.counts[s] > 0)
    .map(s => `${view.counts[s]} ${s}`);
  return parts.join(', ');
}

/**
 * Rank health of one deployment: a summary per role, the load history, one
 * grid of ranks per role (or, above {@link GRID_MAX_RANKS} ranks, group
 * tiles and the ranks that are not healthy), a shared details panel, the
 * legend and the aggregate conditions.
 */
export function RankHealthView(props: {
  value: RankHealthResponse;
  /** Warnings shown under the header. */
  children?: ReactNode;
  /** The load history, shown under the summary. */
  history?: ReactNode;
}) {
  const { value, children, history } = props;
  const classes = useStyles();
  const detailsId = useId();
  const views = useMemo(() => groupRanks(value), [value]);
  const [hoveredKey, setHoveredKey] = useState<string>();
  const [currentKey, setCurrentKey] = useState<string>();
  const onHover = useCallback(
    (key: string | undefined) => setHoveredKey(key),
    [],
  );
  const onCurrent = useCallback((key: string) => setCurrentKey(key), []);

  const fleet = value.ranks.length > GRID_MAX_RANKS;
  const shownKey = hoveredKey ?? currentKey;
  const shownCell = shownKey
    ? views.map(v => v.cellByKey.get(shownKey)).find(Boolean)
    : undefined;

  const ranksOf = (view: RoleView) => {
    if (view.cells.length === 0) {
      return (
        <Typography variant="body2" color="textSecondary">
          No {view.role} ranks reported.
        </Typography>
      );
    }
    if (fleet) {
      return (
        <FleetRole
          view={view}
          currentKey={currentKey}
          detailsId={detailsId}
          onHover={onHover}
          onCurrent={onCurrent}
        />
      );
    }
    return (
      <RankGrid
        view={view}
        currentKey={
          currentKey && view.cellByKey.has(currentKey) ? currentKey : undefined
        }
        detailsId={detailsId}
        onHover={onHover}
        onCurrent={onCurrent}
      />
    );
  };

  const header = (
    <>
      <Typography variant="body2" color="textSecondary" gutterBottom>
        {value.cluster} / {value.namespace} · observed{' '}
        {formatTimestamp(value.observedAt)} ·{' '}
        {stateText(worstState(views.map(v => v.state)))}
      </Typography>
      {children}
    </>
  );

  if (value.ranks.length === 0) {
    return (
      <>
        {header}
        <Typography variant="body1" component="p" gutterBottom>
          No ranks reported yet.
        </Typography>
        <Typography variant="body2" color="textSecondary" paragraph>
          The deployment has no pods with data-parallel ranks in{' '}
          {value.namespace} on {value.cluster}. It may still be rolling out; the
          conditions below say why.
        </Typography>
        <ConditionList conditions={value.conditions} />
      </>
    );
  }

  return (
    <>
      {header}
      <table className={classes.summary} aria-label="Ranks per role">
        <thead>
          <tr>
            {['Role', 'Ready ranks', 'Serving groups', 'GPUs', 'State'].map(
              h => (
                <th key={h} className={classes.cell} scope="col">
                  {h}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>
          {views.map(view => (
            <tr key={view.role}>
              <th className={classes.cell} scope="row">
                {view.role}
              </th>
              <td className={classes.cell}>
                {view.summary.ready} of {view.summary.total} ranks ready
              </td>
              <td className={classes.cell}>
                {view.summary.groupsReady ?? 0} of{' '}
                {view.summary.groups ?? view.groups.length}
              </td>
              <td className={classes.cell}>{view.summary.gpus} GPUs</td>
              <td className={classes.cell}>
                <span className={classes[view.state]}>
                  {stateText(view.state)}
                </span>
                {notHealthy(view) && ` (${notHealthy(view)})`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {history}
      <RankLegend />
      <RankDetails id={detailsId} cell={shownCell} />
      {fleet && (
        <Typography variant="body2" color="textSecondary" paragraph>
          {value.ranks.length.toLocaleString('en-US')} ranks: one tile per
          data-parallel group, and every rank that is not healthy listed with
          its reason. Open a group to see its ranks.
        </Typography>
      )}
      <div className={fleet ? undefined : classes.ranks}>
        {views.map(view => (
          <section
            key={view.role}
            className={classes.role}
            aria-label={`${view.role} ranks`}
          >
            <Typography variant="subtitle2" component="h3" gutterBottom>
              {view.role} ranks
            </Typography>
            {ranksOf(view)}
          </section>
        ))}
      </div>
      <ConditionList conditions={value.conditions} />
    </>
  );
}
