import { useEffect, useState } from 'react';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useApi } from '@backstage/core-plugin-api';
import type { WideEpPreflightCheck } from '@internal/plugin-wide-ep-common';
import { wideEpApiRef } from '../../api';
import { errorMessage } from '../EntityWideEpRankCard/format';

/** Quiet time after the last change before the cluster is asked. */
export const CLUSTER_CHECK_DEBOUNCE_MS = 600;

const useStyles = makeStyles(theme => ({
  list: { listStyle: 'none', padding: 0, margin: theme.spacing(0.5, 0, 0) },
  item: { fontSize: theme.typography.body2.fontSize, marginBottom: 2 },
  pass: { color: theme.palette.success.dark, fontWeight: 700 },
  warn: { color: theme.palette.warning.dark, fontWeight: 700 },
  fail: { color: theme.palette.error.main, fontWeight: 700 },
  remedy: { color: theme.palette.text.secondary },
}));

const GLYPH: Record<WideEpPreflightCheck['status'], string> = {
  pass: '✓',
  warn: '!',
  fail: '✕',
};

type Checks =
  | { status: 'idle' | 'loading' }
  | { status: 'done'; checks: WideEpPreflightCheck[] }
  | { status: 'failed'; message: string };

/**
 * The read-only preflight checks of the spec on the picked cluster (the same
 * checks the task's preflight step runs), refreshed when either changes.
 * Informational: the cluster can change before the task runs, and the
 * preflight step decides then.
 */
export function ClusterChecks(props: {
  cluster: string;
  spec: Record<string, unknown>;
}) {
  const { cluster, spec } = props;
  const classes = useStyles();
  const api = useApi(wideEpApiRef);
  const [state, setState] = useState<Checks>({ status: 'idle' });
  const specKey = JSON.stringify(spec);

  useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading' });
    const timer = setTimeout(() => {
      api
        .preflight(
          { cluster, spec: JSON.parse(specKey) },
          { signal: controller.signal },
        )
        .then(({ checks }) => setState({ status: 'done', checks }))
        .catch(error => {
          if (controller.signal.aborted) return;
          setState({
            status: 'failed',
            message:
              error instanceof Error ? errorMessage(error) : String(error),
          });
        });
    }, CLUSTER_CHECK_DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [api, cluster, specKey]);

  const label = `Checks on cluster ${cluster}`;
  if (state.status !== 'done' && state.status !== 'failed') {
    return (
      <Typography variant="body2" color="textSecondary" role="status">
        Checking cluster {cluster}…
      </Typography>
    );
  }
  if (state.status === 'failed') {
    return (
      <Typography variant="body2" color="error" role="status">
        Could not check cluster {cluster}: {state.message}
      </Typography>
    );
  }
  const failed = state.checks.filter(c => c.status === 'fail').length;
  const warned = state.checks.filter(c => c.status === 'warn').length;
  return (
    <section aria-label={label}>
      <Typography variant="body2" role="status">
        {failed
          ? `${failed} of ${state.checks.length} checks fail on ${cluster}: the task's preflight step will stop before applying anything unless they are fixed.`
          : `All ${state.checks.length} checks pass on ${cluster}${
              warned ? `, ${warned} with a warning` : ''
            }.`}
      </Typography>
      <ul className={classes.list}>
        {state.checks.map(check => (
          <li key={check.id} className={classes.item}>
            <span className={classes[check.status]} aria-label={check.status}>
              {GLYPH[check.status]}
            </span>{' '}
            {check.title}: {check.message}
            {check.status !== 'pass' && check.remedy && (
              <span className={classes.remedy}> ({check.remedy})</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
