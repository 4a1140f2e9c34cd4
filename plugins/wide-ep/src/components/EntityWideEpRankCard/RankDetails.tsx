import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import type { RankCellView } from './groupRanks';
import { formatPercent, formatTimestamp } from './format';
import { RANK_STATE_DISPLAY } from './rankStates';

const useStyles = makeStyles(theme => ({
  panel: {
    minHeight: 96,
    padding: theme.spacing(1, 2),
    marginBottom: theme.spacing(2),
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
  },
  list: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(180px, 1fr))',
    gap: theme.spacing(0.5, 2),
    margin: 0,
    '& div': { display: 'flex', gap: theme.spacing(1) },
    '& dt': { color: theme.palette.text.secondary },
    '& dd': { margin: 0, overflowWrap: 'anywhere' },
  },
  reason: { fontWeight: 600 },
}));

/** The one details panel of the card, for the hovered, focused or clicked rank. */
export function RankDetails(props: { id: string; cell?: RankCellView }) {
  const { id, cell } = props;
  const classes = useStyles();
  if (!cell) {
    return (
      <section id={id} className={classes.panel} aria-label="Rank details">
        <Typography variant="body2" color="textSecondary">
          Hover, click or focus a rank to see its pod, node, port and load.
        </Typography>
      </section>
    );
  }
  const { rank } = cell;
  const display = RANK_STATE_DISPLAY[rank.state];
  const items: [string, string][] = [
    ['Pod', rank.pod ?? 'not scheduled'],
    ['Node', rank.node ?? '–'],
    ['Port', String(rank.port)],
    ['Group', String(rank.group)],
    ['Local rank', String(rank.localRank)],
    ['Running requests', rank.metrics.running?.toString() ?? '–'],
    ['Waiting requests', rank.metrics.waiting?.toString() ?? '–'],
    ['KV cache usage', formatPercent(rank.metrics.kvCacheUsage)],
    ['Probed at', rank.probedAt ? formatTimestamp(rank.probedAt) : '–'],
  ];
  return (
    <section id={id} className={classes.panel} aria-label="Rank details">
      <Typography variant="subtitle2" component="h4">
        {rank.role} rank {rank.globalRank}: {display.glyph} {display.label}
      </Typography>
      {rank.reason && (
        <Typography variant="body2" className={classes.reason}>
          {rank.reason}
        </Typography>
      )}
      <dl className={classes.list}>
        {items.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
