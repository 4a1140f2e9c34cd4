import { makeFieldSchema } from '@backstage/plugin-scaffolder-react';

/** The `ui:field` name templates use for the cluster picker. @public */
export const WIDE_EP_CLUSTER_PICKER_FIELD = 'WideEpClusterPicker';

/** Schema of the field: the picked cluster's name. */
export const clusterPickerFieldSchema = makeFieldSchema({
  output: z => z.string(),
});
