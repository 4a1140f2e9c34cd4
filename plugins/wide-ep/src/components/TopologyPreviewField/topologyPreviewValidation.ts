import type { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import { analyseTopologyForm } from './analyseTopologyForm';

/**
 * Validation of the `WideEpTopologyPreview` field: one error per problem of
 * the spec fields filled in so far, named by field path, e.g.
 * `decode.dataParallelSize: must be a multiple of 8 GPUs per node on h200 (got 12; try 16)`.
 * Fields not filled in yet are left to the template's `required` lists.
 * @public
 */
export const validateTopologyPreview: CustomFieldValidator<
  string | undefined
> = (_value, validation, context) => {
  const { issues } = analyseTopologyForm(context.formData, { render: false });
  for (const issue of issues) {
    validation.addError(`${issue.path}: ${issue.message}`);
  }
};
