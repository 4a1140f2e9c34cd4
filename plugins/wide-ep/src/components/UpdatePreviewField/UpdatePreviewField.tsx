import { useEffect, useMemo, useState } from 'react';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { wholeFormData } from '../TopologyPreviewField/analyseTopologyForm';
import { analyseUpdateForm, updateSummary } from './analyseUpdateForm';
import { SpecIssueList } from '../SpecIssueList';

/** The `ui:field` name of the update template's preview. @public */
export const WIDE_EP_UPDATE_PREVIEW_FIELD = 'WideEpUpdatePreview';

/**
 * What an update would change, live: the deployment's current spec (read
 * from its entity), the form's prefill/decode merged in and validated with
 * the action's rules, the GPUs before and after, and every file that
 * changes. Its value is a one-line summary.
 * @public
 */
export function UpdatePreviewField(
  props: FieldExtensionComponentProps<string | undefined>,
) {
  const { formData, onChange } = props;
  const catalogApi = useApi(catalogApiRef);
  const all = wholeFormData(props);
  const entityRef = typeof all?.entityRef === 'string' ? all.entityRef : '';
  const [entity, setEntity] = useState<Entity | undefined | Error>();
  useEffect(() => {
    let live = true;
    setEntity(undefined);
    if (!entityRef) return undefined;
    catalogApi.getEntityByRef(entityRef).then(
      e =>
        live && setEntity(e ?? new Error(`${entityRef} is not in the catalog`)),
      e => live && setEntity(e as Error),
    );
    return () => {
      live = false;
    };
  }, [catalogApi, entityRef]);
  const key = JSON.stringify([all?.prefill, all?.decode, all?.monitoring]);
  const analysis = useMemo(
    () =>
      entity && !(entity instanceof Error)
        ? analyseUpdateForm(entity, all)
        : undefined,
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [entity, key],
  );
  const summary = analysis ? updateSummary(analysis) : 'incomplete';
  useEffect(() => {
    if (formData !== summary) onChange(summary);
  }, [formData, summary, onChange]);

  if (!entityRef) {
    return (
      <Alert severity="info">Pick the deployment to see what changes.</Alert>
    );
  }
  if (entity instanceof Error) {
    return <Alert severity="error">{entity.message}</Alert>;
  }
  if (!analysis) return <Typography>Loading {entityRef}…</Typography>;
  return (
    <section aria-label="What changes">
      <Typography variant="h6" component="h3">
        What changes
      </Typography>
      {analysis.issues.length > 0 && (
        <Alert severity="error">
          <SpecIssueList issues={analysis.issues} />
        </Alert>
      )}
      {analysis.next && analysis.files.length === 0 && (
        <Alert severity="info">
          Nothing changes: the deployment already renders like this.
        </Alert>
      )}
      {analysis.next && analysis.files.length > 0 && (
        <>
          <Typography>
            GPUs {analysis.gpus?.before} → {analysis.gpus?.after}
            {analysis.changedFields.length > 0
              ? `; spec fields: ${analysis.changedFields.join(', ')}`
              : '; this release’s version set'}
          </Typography>
          <ul aria-label="Changed files">
            {analysis.files.map(f => (
              <li key={f.path}>
                <code>{f.change}</code> {f.path}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
