import { makeFieldSchema } from '@backstage/plugin-scaffolder-react';
import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import {
  UpdatePreviewField,
  WIDE_EP_UPDATE_PREVIEW_FIELD,
} from './UpdatePreviewField';

/** A string property that receives a one-line summary. */
export const updatePreviewFieldSchema = makeFieldSchema({
  output: z => z.string().optional(),
});

/** The new-frontend-system form field, loaded lazily by `FormFieldBlueprint`. */
export const updatePreviewFormField = createFormField({
  name: WIDE_EP_UPDATE_PREVIEW_FIELD,
  component: UpdatePreviewField,
  schema: updatePreviewFieldSchema,
});
