import { useState } from 'react';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useApi } from '@backstage/core-plugin-api';
import type { WideEpDiffResponse } from '@internal/plugin-wide-ep-common';
import { wideEpApiRef } from '../../api';

const show = (value: unknown) =>
  value === undefined ? '(absent)' : JSON.stringify(value);

/**
 * Compares the entity's spec with its cluster on request (it reads every
 * object of the deployment, so it is not polled), per object and field,
 * naming the field manager of each difference.
 */
export function DiffView(props: { entityRef: string }) {
  const api = useApi(wideEpApiRef);
  const [state, setState] = useState<
    | { loading: true }
    | { diff: WideEpDiffResponse }
    | { error: Error }
    | undefined
  >();
  const compare = () => {
    setState({ loading: true });
    api.getDiff({ entityRef: props.entityRef }).then(
      diff => setState({ diff }),
      error => setState({ error }),
    );
  };
  return (
    <section aria-label="Diff against the cluster">
      <Typography variant="h6" component="h3">
        Spec against the cluster
      </Typography>
      <Button
        variant="outlined"
        onClick={compare}
        disabled={state && 'loading' in state}
      >
        Compare with the cluster
      </Button>
      {state && 'error' in state && (
        <Alert severity="error">{state.error.message}</Alert>
      )}
      {state && 'diff' in state && <DiffResult diff={state.diff} />}
    </section>
  );
}

function DiffResult({ diff }: { diff: WideEpDiffResponse }) {
  if (diff.inSync) {
    return (
      <Alert severity="success">
        All {diff.objects.length} objects on cluster {diff.cluster} match the
        spec.
      </Alert>
    );
  }
  const differing = diff.objects.filter(o => o.state !== 'in-sync');
  return (
    <ul aria-label="Differences">
      {differing.map(o => (
        <li key={`${o.apiVersion}/${o.kind}/${o.name}`}>
          <strong>
            {o.kind} {o.name}
          </strong>
          : {o.state}
          {o.fields.length > 0 && (
            <ul>
              {o.fields.map(f => (
                <li key={f.path}>
                  <code>{f.path}</code>: cluster {show(f.live)}, spec{' '}
                  {show(f.desired)}
                  {f.managers.length > 0 &&
                    ` (field manager ${f.managers.join(', ')})`}
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ul>
  );
}
