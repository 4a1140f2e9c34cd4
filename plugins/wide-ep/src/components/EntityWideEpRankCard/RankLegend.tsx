import { makeStyles } from '@material-ui/core/styles';
import { RANK_STATE_DISPLAY, RANK_STATES } from './rankStates';

const useStyles = makeStyles(theme => ({
  legend: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5, 2),
    listStyle: 'none',
    padding: 0,
    margin: theme.spacing(1, 0),
    fontSize: theme.typography.caption.fontSize,
  },
  glyph: { fontWeight: 700, marginRight: theme.spacing(0.5) },
}));

/** Legend of the rank states; the glyphs match those drawn in the cells. */
export function RankLegend() {
  const classes = useStyles();
  return (
    <ul className={classes.legend} aria-label="Legend">
      {RANK_STATES.map(state => {
        const { glyph, label, description } = RANK_STATE_DISPLAY[state];
        return (
          <li key={state} title={description}>
            <span className={classes.glyph} aria-hidden="true">
              {glyph}
            </span>
            {label}: {description}
          </li>
        );
      })}
    </ul>
  );
}
