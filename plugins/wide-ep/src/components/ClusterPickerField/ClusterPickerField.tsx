import { useEffect, useState } from 'react';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import type { WideEpClusterInfo } from '@internal/plugin-wide-ep-common';
import { wideEpApiRef } from '../../api';
import { errorMessage } from '../EntityWideEpRankCard/format';
import {
  specFormValues,
  wholeFormData,
} from '../TopologyPreviewField/analyseTopologyForm';
import { ClusterChecks } from './ClusterChecks';

type Clusters =
  | { status: 'loading' }
  | { status: 'loaded'; items: WideEpClusterInfo[] }
  | { status: 'failed'; message: string };

/** The title when it names the cluster, else the name with the title. */
function optionText({ name, title }: WideEpClusterInfo): string {
  if (!title) return name;
  return title.includes(name) ? title : `${name} (${title})`;
}

/**
 * Cluster picker for the wide-EP template: the clusters the backend is
 * configured with, by name (the backend keeps URLs and tokens). Clusters
 * wide-EP cannot use are listed disabled with the reason. When there is
 * exactly one usable cluster it is chosen. If the list cannot be loaded, the
 * field falls back to typing a name and says why. Under a usable pick it
 * shows the preflight checks of the form's spec on that cluster.
 */
export function ClusterPickerField(
  props: FieldExtensionComponentProps<string>,
) {
  const {
    formData,
    onChange,
    rawErrors,
    required,
    schema,
    idSchema,
    disabled,
  } = props;
  const api = useApi(wideEpApiRef);
  const [clusters, setClusters] = useState<Clusters>({ status: 'loading' });

  useEffect(() => {
    const controller = new AbortController();
    api
      .listClusters({ signal: controller.signal })
      .then(({ items }) => setClusters({ status: 'loaded', items }))
      .catch(error => {
        if (!controller.signal.aborted) {
          setClusters({
            status: 'failed',
            message:
              error instanceof Error ? errorMessage(error) : String(error),
          });
        }
      });
    return () => controller.abort();
  }, [api]);

  const usable =
    clusters.status === 'loaded' ? clusters.items.filter(c => c.usable) : [];
  const only = usable.length === 1 ? usable[0].name : undefined;
  useEffect(() => {
    if (only && !formData) onChange(only);
  }, [only, formData, onChange]);

  const id = idSchema?.$id;
  const label = schema.title ?? 'Cluster';
  const hasError = (rawErrors?.length ?? 0) > 0;

  if (clusters.status !== 'loaded') {
    const failed = clusters.status === 'failed';
    return (
      <TextField
        id={id}
        label={label}
        value={formData ?? ''}
        onChange={event => onChange(event.target.value || undefined)}
        required={required}
        disabled={disabled || !failed}
        error={hasError}
        margin="normal"
        fullWidth
        helperText={
          failed
            ? `Could not list the configured clusters (${clusters.message}); type the cluster name.`
            : 'Loading the configured clusters…'
        }
      />
    );
  }

  const unknownValue =
    formData && !clusters.items.some(c => c.name === formData);
  const picked = usable.find(c => c.name === formData);
  return (
    <>
      <TextField
        id={id}
        select
        label={label}
        value={formData ?? ''}
        onChange={event => onChange(event.target.value || undefined)}
        required={required}
        disabled={disabled}
        error={hasError || usable.length === 0}
        margin="normal"
        fullWidth
        helperText={
          usable.length === 0
            ? 'No cluster is configured for wide-EP: add one with authProvider serviceAccount under kubernetes.clusterLocatorMethods.'
            : schema.description
        }
      >
        {unknownValue && (
          <MenuItem value={formData} disabled>
            {formData} (not configured)
          </MenuItem>
        )}
        {clusters.items.map(cluster => (
          <MenuItem
            key={cluster.name}
            value={cluster.name}
            disabled={!cluster.usable}
          >
            {cluster.usable
              ? optionText(cluster)
              : `${optionText(cluster)}: cannot be used (${cluster.reason})`}
          </MenuItem>
        ))}
      </TextField>
      {picked && (
        <ClusterChecks
          cluster={picked.name}
          spec={specFormValues(wholeFormData(props))}
        />
      )}
    </>
  );
}
