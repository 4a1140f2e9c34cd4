import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { ClusterPickerField } from './ClusterPickerField';
import {
  WIDE_EP_CLUSTER_PICKER_FIELD,
  clusterPickerFieldSchema,
} from './clusterPickerFieldSchema';

/** The new-frontend-system form field, loaded lazily by `FormFieldBlueprint`. */
export const clusterPickerFormField = createFormField({
  name: WIDE_EP_CLUSTER_PICKER_FIELD,
  component: ClusterPickerField,
  schema: clusterPickerFieldSchema,
});
