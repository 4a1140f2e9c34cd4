import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { InfoCard } from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ENTITY_ANNOTATIONS,
  type WideEpSpec,
  planTopology,
  specFromEntity,
} from '@internal/plugin-wide-ep-common';
import { EntityWideEpRankCard } from '../EntityWideEpRankCard';
import { DiffView } from './DiffView';
import { day2Links } from './day2Links';

/**
 * The Wide-EP tab of a deployment's entity page: its spec, the rank card,
 * the diff against the cluster, and the day-2 templates (scale or upgrade,
 * tear down) prefilled for this entity.
 * @public
 */
export function EntityWideEpContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const read = specFromEntity(entity);
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <EntityWideEpRankCard />
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="Deployment spec">
          {read.success ? (
            <SpecSummary
              spec={read.spec}
              versionSet={
                entity.metadata.annotations?.[ENTITY_ANNOTATIONS.versionSet]
              }
              links={day2Links(entityRef, read.spec)}
            />
          ) : (
            <Alert severity="warning">
              Day 2 needs the spec annotation:{' '}
              {read.issues.map(i => `${i.path}: ${i.message}`).join('; ')}
            </Alert>
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="Drift">
          <DiffView entityRef={entityRef} />
        </InfoCard>
      </Grid>
    </Grid>
  );
}

function SpecSummary(props: {
  spec: WideEpSpec;
  versionSet?: string;
  links: { update: string; teardown: string };
}) {
  const { spec, links } = props;
  const plan = planTopology(spec);
  const rows: Array<[string, string]> = [
    ['Cluster', `${spec.cluster ?? '(none)'} / ${spec.namespace}`],
    ['Hardware', `${spec.hardware} on ${spec.clusterProvider}`],
    ['Orchestrator', spec.orchestrator],
    ['Gateway', spec.gateway],
    ['Model', spec.model],
    [
      'Prefill',
      `${spec.prefill.replicas} x DP${spec.prefill.dataParallelSize}`,
    ],
    ['Decode', `${spec.decode.replicas} x DP${spec.decode.dataParallelSize}`],
    ['GPUs', String(plan.totalGpus)],
    ['Version set', props.versionSet ?? '(unknown)'],
  ];
  return (
    <>
      <table aria-label="Deployment spec">
        <tbody>
          {rows.map(([k, v]) => (
            <tr key={k}>
              <th style={{ textAlign: 'left', paddingRight: 16 }}>{k}</th>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Typography component="div" style={{ marginTop: 16 }}>
        <Button variant="contained" color="primary" href={links.update}>
          Scale or upgrade
        </Button>{' '}
        <Button variant="outlined" color="secondary" href={links.teardown}>
          Tear down
        </Button>
      </Typography>
    </>
  );
}
