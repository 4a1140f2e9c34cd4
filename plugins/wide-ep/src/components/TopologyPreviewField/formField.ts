import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { TopologyPreviewField } from './TopologyPreviewField';
import { validateTopologyPreview } from './topologyPreviewValidation';
import {
  WIDE_EP_TOPOLOGY_PREVIEW_FIELD,
  topologyPreviewFieldSchema,
} from './wideEpTopologyPreviewField';

/** The new-frontend-system form field, loaded lazily by `FormFieldBlueprint`. */
export const topologyPreviewFormField = createFormField({
  name: WIDE_EP_TOPOLOGY_PREVIEW_FIELD,
  component: TopologyPreviewField,
  validation: validateTopologyPreview,
  schema: topologyPreviewFieldSchema,
});
