import { useEffect, useMemo } from 'react';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import {
  ROLES,
  type RolePlan,
  type TopologyPlan,
} from '@internal/plugin-wide-ep-common';
import {
  analyseTopologyForm,
  SPEC_FORM_KEYS,
  wholeFormData,
  type TopologyFormAnalysis,
} from './analyseTopologyForm';
import { SpecIssueList } from '../SpecIssueList';

/** Pods listed per group before the rest are summarised. */
const MAX_PODS_LISTED = 16;

const useStyles = makeStyles(theme => ({
  root: {
    padding: theme.spacing(2),
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    '& > *:not(:last-child)': { marginBottom: theme.spacing(1.5) },
  },
  facts: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5, 3),
    margin: 0,
    '& div': { display: 'flex', gap: theme.spacing(1) },
    '& dt': { color: theme.palette.text.secondary },
    '& dd': { margin: 0, fontWeight: 600 },
  },
  table: {
    borderCollapse: 'collapse',
    fontSize: theme.typography.body2.fontSize,
    '& th, & td': {
      padding: theme.spacing(0.25, 2, 0.25, 0),
      textAlign: 'left',
    },
    '& td:first-child': { fontFamily: 'monospace' },
  },
  files: {
    margin: 0,
    paddingLeft: theme.spacing(2.5),
    fontFamily: 'monospace',
    fontSize: 13,
  },
}));

/** `[8000..8007]` → `8000–8007`; gaps are listed. */
export function formatPorts(ports: number[]): string {
  if (ports.length === 0) return '–';
  const contiguous = ports.every((p, i) => i === 0 || p === ports[i - 1] + 1);
  if (ports.length > 1 && contiguous)
    return `${ports[0]}–${ports[ports.length - 1]}`;
  return ports.join(', ');
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** One-line summary, also stored as the field's value (seen on the review step). */
export function topologySummary(plan: TopologyPlan): string {
  const roles = ROLES.map(r => {
    const p = plan.roles[r];
    return `${r} ${p.replicas}x DP${p.dataParallelSize}`;
  });
  return `${plan.totalGpus} GPUs on ${plural(
    plan.totalPods,
    'node',
  )}: ${roles.join(', ')}`;
}

function RolePreview(props: { plan: RolePlan }) {
  const { plan } = props;
  const classes = useStyles();
  const firstGroup = plan.groups[0];
  const pods = firstGroup?.pods.slice(0, MAX_PODS_LISTED) ?? [];
  return (
    <section aria-label={`${plan.role} topology`}>
      <Typography variant="subtitle2" component="h4">
        {plan.role}: {plural(plan.replicas, 'group')} ×{' '}
        {plural(plan.podsPerGroup, 'pod')} × {plural(plan.localSize, 'rank')} =
        DP{plan.dataParallelSize} per group, {plural(plan.totalPods, 'pod')},{' '}
        {plan.totalGpus} GPUs
      </Typography>
      <Typography variant="body2" color="textSecondary">
        vLLM ports {formatPorts(plan.vllmPorts)} · serving ports{' '}
        {formatPorts(plan.servingPorts)}
        {plan.supervisorPort !== undefined &&
          ` · supervisor ${plan.supervisorPort}`}
        {plan.sidecar && ' · routing sidecar'}
      </Typography>
      <table
        className={classes.table}
        aria-label={`${plan.role} pods of group 0`}
      >
        <thead>
          <tr>
            <th scope="col">Pod (group 0)</th>
            <th scope="col">Node rank</th>
            <th scope="col">Ranks</th>
            <th scope="col">Ports</th>
          </tr>
        </thead>
        <tbody>
          {pods.map(pod => (
            <tr key={pod.hostname}>
              <td>{pod.hostname}</td>
              <td>
                {pod.nodeRank}
                {pod.leader ? ' (leader)' : ''}
              </td>
              <td>{formatPorts(pod.ranks.map(r => r.globalRank))}</td>
              <td>
                {formatPorts([...new Set(pod.ranks.map(r => r.servingPort))])}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {firstGroup && firstGroup.pods.length > pods.length && (
        <Typography variant="body2" color="textSecondary">
          … and {plural(firstGroup.pods.length - pods.length, 'more pod')} in
          group 0.
        </Typography>
      )}
      {plan.replicas > 1 && (
        <Typography variant="body2" color="textSecondary">
          Groups 1–{plan.replicas - 1} have the same layout.
        </Typography>
      )}
    </section>
  );
}

function PlanPreview(props: {
  analysis: TopologyFormAnalysis;
  plan: TopologyPlan;
}) {
  const { analysis, plan } = props;
  const classes = useStyles();
  const facts: [string, string][] = [
    ['Total GPUs', String(plan.totalGpus)],
    ['Nodes', `${plural(plan.totalPods, 'pod')}, one per node`],
    ['Launch mode', plan.launchMode],
    ['Pool target ports', formatPorts(plan.targetPorts)],
  ];
  return (
    <>
      <dl className={classes.facts}>
        {facts.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {analysis.assumed.length > 0 && (
        <Typography variant="body2" color="textSecondary">
          Assumed until chosen on a later page:{' '}
          {analysis.assumed.map(a => `${a.field} = ${a.value}`).join(', ')}.
        </Typography>
      )}
      {ROLES.map(role => (
        <RolePreview key={role} plan={plan.roles[role]} />
      ))}
      {analysis.warnings.length > 0 && (
        <Alert severity="warning">
          <AlertTitle>Warnings</AlertTitle>
          <SpecIssueList issues={analysis.warnings} />
        </Alert>
      )}
      {analysis.files.length > 0 && (
        <section aria-label="Generated files">
          <Typography variant="subtitle2" component="h4">
            Files to generate ({analysis.files.length})
          </Typography>
          <ul className={classes.files}>
            {analysis.files.map(path => (
              <li key={path}>{path}</li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

/**
 * Live preview of the wide-EP topology described by the whole form: groups,
 * pods, ranks and ports per role, GPU and node totals, launch mode, pool
 * ports, generated files and warnings. Its value is a one-line summary.
 * @public
 */
export function TopologyPreviewField(
  props: FieldExtensionComponentProps<string | undefined>,
) {
  const { formData, onChange, schema } = props;
  const classes = useStyles();
  const allData = wholeFormData(props);
  const specKey = JSON.stringify(SPEC_FORM_KEYS.map(k => allData?.[k]));
  // Keyed by the spec fields only, so typing in other fields re-renders nothing.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const analysis = useMemo(() => analyseTopologyForm(allData), [specKey]);
  let summary = 'incomplete';
  if (analysis.plan) summary = topologySummary(analysis.plan);
  else if (analysis.issues.length > 0) summary = 'invalid topology';

  useEffect(() => {
    if (formData !== summary) onChange(summary);
  }, [formData, summary, onChange]);

  return (
    <section
      className={classes.root}
      aria-label={schema.title ?? 'Topology preview'}
    >
      <Typography variant="h6" component="h3">
        {schema.title ?? 'Topology preview'}
      </Typography>
      {analysis.missing.length > 0 && (
        <Alert severity="info">
          Fill in {analysis.missing.join(', ')} to see the topology.
        </Alert>
      )}
      {analysis.issues.length > 0 && (
        <Alert severity="error">
          <AlertTitle>The topology is not valid</AlertTitle>
          <SpecIssueList issues={analysis.issues} />
        </Alert>
      )}
      {analysis.plan && (
        <PlanPreview analysis={analysis} plan={analysis.plan} />
      )}
    </section>
  );
}
