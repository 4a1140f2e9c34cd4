import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { InfoCard } from '@backstage/core-components';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { ENTITY_ANNOTATIONS } from '@internal/plugin-wide-ep-common';
import { isWideEpAvailable } from '../../isWideEpAvailable';
import { useRankHealth } from './useRankHealth';
import { RankHealthView } from './RankHealthView';
import { errorMessage, formatTimestamp } from './format';
import { DEFAULT_RANK_REFRESH_INTERVAL_MS } from './refreshInterval';
import { RankHistoryPanel } from './history/RankHistoryPanel';
import { groupKey } from './history/historySeries';

/** Props of {@link EntityWideEpRankCard}. @public */
export interface EntityWideEpRankCardProps {
  /** Time between refreshes, counted from the end of the last one; 0 turns polling off. */
  refreshIntervalMs?: number;
  title?: string;
}

function RankHealthContent(props: {
  entityRef: string;
  refreshIntervalMs: number;
}) {
  const { value, error, loading, refresh } = useRankHealth(props);

  if (!value) {
    if (error) {
      return (
        <Alert
          severity="error"
          action={
            <Button color="inherit" size="small" onClick={refresh}>
              Retry
            </Button>
          }
        >
          <AlertTitle>Could not load rank health</AlertTitle>
          {errorMessage(error)}
        </Alert>
      );
    }
    return <LinearProgress aria-label="Loading rank health" />;
  }

  // Rank lines open on the first group with a rank in trouble.
  const troubled = value.ranks.find(r => r.state !== 'healthy');
  return (
    <RankHealthView
      value={value}
      history={
        <RankHistoryPanel
          entityRef={props.entityRef}
          refreshIntervalMs={props.refreshIntervalMs}
          preferredGroup={
            troubled ? groupKey(troubled.role, troubled.group) : undefined
          }
        />
      }
    >
      {value.stale && (
        <Alert severity="warning" role="status">
          <AlertTitle>Stale data</AlertTitle>
          Showing cached data observed at {formatTimestamp(value.observedAt)}
          {value.staleReason ? `: ${value.staleReason}` : ''}
        </Alert>
      )}
      {error && (
        <Alert
          severity="warning"
          role="status"
          action={
            <Button
              color="inherit"
              size="small"
              onClick={refresh}
              disabled={loading}
            >
              Retry
            </Button>
          }
        >
          <AlertTitle>Refresh failed</AlertTitle>
          {errorMessage(error)}. Showing the last data, observed at{' '}
          {formatTimestamp(value.observedAt)}.
        </Alert>
      )}
    </RankHealthView>
  );
}

/**
 * Health of every data-parallel rank of the wide-EP deployment behind the
 * current entity, refreshed every 10 seconds while the page is visible.
 * @public
 */
export function EntityWideEpRankCard(props: EntityWideEpRankCardProps) {
  const { entity } = useEntity();
  const refreshIntervalMs =
    props.refreshIntervalMs ?? DEFAULT_RANK_REFRESH_INTERVAL_MS;
  const title = props.title ?? 'Rank health';

  if (!isWideEpAvailable(entity)) {
    return (
      <InfoCard title={title}>
        <MissingAnnotationEmptyState
          annotation={ENTITY_ANNOTATIONS.deployment}
        />
      </InfoCard>
    );
  }
  return (
    <InfoCard title={title}>
      <RankHealthContent
        entityRef={stringifyEntityRef(entity)}
        refreshIntervalMs={refreshIntervalMs}
      />
    </InfoCard>
  );
}
