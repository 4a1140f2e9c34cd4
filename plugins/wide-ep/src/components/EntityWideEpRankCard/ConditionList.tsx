import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import type { DeploymentCondition } from '@internal/plugin-wide-ep-common';

const useStyles = makeStyles(theme => ({
  list: { margin: theme.spacing(0.5, 0), paddingLeft: theme.spacing(2.5) },
  item: {
    fontSize: theme.typography.body2.fontSize,
    marginBottom: theme.spacing(0.5),
  },
  source: { color: theme.palette.text.secondary },
}));

/** Aggregate conditions of the operator objects, ComputeDomain and gateway. */
export function ConditionList(props: { conditions: DeploymentCondition[] }) {
  const classes = useStyles();
  if (props.conditions.length === 0) return null;
  return (
    <section aria-label="Conditions">
      <Typography variant="subtitle2" component="h3">
        Conditions
      </Typography>
      <ul className={classes.list}>
        {props.conditions.map(c => (
          <li key={`${c.source}/${c.type}`} className={classes.item}>
            <strong>
              {c.type}={c.status}
            </strong>
            {c.reason && ` ${c.reason}`}
            {c.message && `: ${c.message}`}{' '}
            <span className={classes.source}>({c.source})</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
