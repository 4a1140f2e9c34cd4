import { memo, useMemo, useState } from 'react';
import Button from '@material-ui/core/Button';
import { makeStyles, type Theme } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import type { GroupState } from '@internal/plugin-wide-ep-common';
import type { GroupView, RoleView } from './groupRanks';
import { fleetRoleView, groupOnlyView } from './fleetView';
import { GROUP_STATE_TEXT, RANK_STATE_DISPLAY } from './rankStates';
import { RankGrid } from './RankGrid';

/** Not-healthy ranks listed at first; "show more" adds five times as many. */
export const ATTENTION_PAGE = 20;

const useStyles = makeStyles((theme: Theme) => {
  const tile = (background: string, border: string, style = 'solid') => ({
    backgroundColor: background,
    color: theme.palette.getContrastText(background),
    borderColor: border,
    borderStyle: style,
  });
  return {
    tiles: {
      display: 'flex',
      flexWrap: 'wrap',
      gap: 3,
      listStyle: 'none',
      padding: 0,
      margin: theme.spacing(0.5, 0, 1),
    },
    tile: {
      minWidth: 40,
      height: 24,
      padding: theme.spacing(0, 0.5),
      borderWidth: 2,
      borderRadius: 3,
      font: 'inherit',
      fontSize: theme.typography.caption.fontSize,
      fontVariantNumeric: 'tabular-nums',
      cursor: 'pointer',
      '&:focus-visible': {
        outline: `3px solid ${theme.palette.primary.main}`,
        outlineOffset: 1,
      },
    },
    expanded: { boxShadow: `0 0 0 2px ${theme.palette.text.primary}` },
    healthy: tile(theme.palette.success.main, theme.palette.success.main),
    degraded: tile(theme.palette.error.main, theme.palette.error.dark),
    starting: tile(theme.palette.info.light, theme.palette.info.dark, 'dashed'),
    unknown: tile(theme.palette.grey[400], theme.palette.grey[700], 'dotted'),
    group: {
      border: `1px solid ${theme.palette.divider}`,
      borderRadius: theme.shape.borderRadius,
      padding: theme.spacing(1),
      marginBottom: theme.spacing(1),
    },
    table: {
      borderCollapse: 'collapse',
      width: '100%',
      fontSize: theme.typography.body2.fontSize,
      '& th, & td': {
        padding: theme.spacing(0.25, 1.5, 0.25, 0),
        textAlign: 'left',
        verticalAlign: 'top',
      },
      '& td:last-child': { color: theme.palette.text.secondary },
    },
    rankButton: {
      font: 'inherit',
      color: theme.palette.primary.main,
      background: 'none',
      border: 'none',
      padding: 0,
      cursor: 'pointer',
      textAlign: 'left',
      textDecoration: 'underline',
    },
    unhealthy: { color: theme.palette.error.main, fontWeight: 600 },
    stateText: { whiteSpace: 'nowrap' },
  };
});

const GROUP_GLYPH: Record<GroupState, string> = {
  healthy: '✓',
  degraded: '✕',
  starting: '↻',
  unknown: '?',
};

function stateOf(group: GroupView, notHealthy: number): GroupState {
  return group.health?.state ?? (notHealthy > 0 ? 'degraded' : 'healthy');
}

/**
 * A role of a large deployment: one tile per data-parallel group (its
 * verdict by colour, glyph and border), a tile opens its group's rank grid,
 * and a table of every rank that is not healthy, worst first, with its
 * reason, paged by {@link ATTENTION_PAGE}.
 */
function FleetRoleBase(props: {
  view: RoleView;
  currentKey?: string;
  detailsId: string;
  onHover(key: string | undefined): void;
  onCurrent(key: string): void;
}) {
  const { view, currentKey, detailsId, onHover, onCurrent } = props;
  const classes = useStyles();
  const fleet = useMemo(
    () =>
      fleetRoleView(view, g =>
        g.health ? GROUP_STATE_TEXT[g.health.state] : undefined,
      ),
    [view],
  );
  const [openKey, setOpenKey] = useState<string>();
  const [shown, setShown] = useState(ATTENTION_PAGE);
  const open = fleet.tiles.find(t => t.key === openKey);
  const openView = useMemo(
    () => (open ? groupOnlyView(view, open.group) : undefined),
    [view, open],
  );
  const listed = fleet.attention.slice(0, shown);
  const left = fleet.attention.length - listed.length;
  const panelId = `${detailsId}-${view.role}-group`;

  return (
    <>
      <ul className={classes.tiles} aria-label={`${view.role} groups`}>
        {fleet.tiles.map(t => {
          const notHealthy = t.total - t.counts.healthy;
          const state = stateOf(t.group, notHealthy);
          return (
            <li key={t.key}>
              <button
                type="button"
                className={`${classes.tile} ${classes[state]}${
                  t.key === openKey ? ` ${classes.expanded}` : ''
                }`}
                aria-label={t.label}
                aria-expanded={t.key === openKey}
                aria-controls={t.key === openKey ? panelId : undefined}
                title={t.label}
                onClick={() =>
                  setOpenKey(k => (k === t.key ? undefined : t.key))
                }
              >
                {t.group.index}
                {notHealthy > 0 ? ` ${GROUP_GLYPH[state]}${notHealthy}` : ''}
              </button>
            </li>
          );
        })}
      </ul>
      {open && openView && (
        <div id={panelId} className={classes.group}>
          <RankGrid
            view={openView}
            currentKey={
              currentKey && openView.cellByKey.has(currentKey)
                ? currentKey
                : undefined
            }
            detailsId={detailsId}
            onHover={onHover}
            onCurrent={onCurrent}
          />
        </div>
      )}
      {fleet.attention.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          Every {view.role} rank is healthy.
        </Typography>
      ) : (
        <>
          <table
            className={classes.table}
            aria-label={`${view.role} ranks not healthy`}
          >
            <caption style={{ textAlign: 'left', captionSide: 'top' }}>
              <Typography variant="body2" component="span">
                {fleet.attention.length} {view.role}{' '}
                {fleet.attention.length === 1 ? 'rank is' : 'ranks are'} not
                healthy
                {left > 0 ? `; the worst ${listed.length} are listed` : ''}:
              </Typography>
            </caption>
            <thead>
              <tr>
                {['Rank', 'State', 'Reason', 'Pod · node'].map(h => (
                  <th key={h} scope="col">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {listed.map(cell => {
                const { rank } = cell;
                const display = RANK_STATE_DISPLAY[rank.state];
                return (
                  <tr key={cell.key}>
                    <td>
                      <button
                        type="button"
                        className={classes.rankButton}
                        aria-label={cell.label}
                        aria-describedby={
                          cell.key === currentKey ? detailsId : undefined
                        }
                        onClick={() => onCurrent(cell.key)}
                        onFocus={() => onCurrent(cell.key)}
                      >
                        group {rank.group} rank {rank.globalRank}
                      </button>
                    </td>
                    <td
                      className={`${classes.stateText} ${
                        rank.state === 'unhealthy' ? classes.unhealthy : ''
                      }`}
                    >
                      {display.glyph} {display.label}
                    </td>
                    <td>{rank.reason ?? '–'}</td>
                    <td>
                      {rank.pod ?? 'not scheduled'}
                      {rank.node ? ` · ${rank.node}` : ''}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {left > ATTENTION_PAGE * 5 && (
            <Button
              size="small"
              onClick={() => setShown(n => n + ATTENTION_PAGE * 5)}
            >
              Show {ATTENTION_PAGE * 5} more
            </Button>
          )}
          {left > 0 && (
            <Button
              size="small"
              onClick={() => setShown(fleet.attention.length)}
            >
              Show all {fleet.attention.length}
            </Button>
          )}
        </>
      )}
    </>
  );
}

/** Memoised: hovering elsewhere in the card does not re-render the tiles. */
export const FleetRole = memo(FleetRoleBase);
