import {
  type FileChange,
  type SpecIssue,
  type WideEpSpec,
  planTopology,
  planUpdate,
  specFromEntity,
  updateSpec,
  type DeploymentEntityLike,
} from '@internal/plugin-wide-ep-common';

/** The update form's fields that are spec fields. */
export const UPDATE_FORM_SPEC_KEYS = [
  'prefill',
  'decode',
  'monitoring',
] as const;

/** What the update form would do, as the preview shows it. */
export interface UpdateFormAnalysis {
  issues: SpecIssue[];
  current?: WideEpSpec;
  next?: WideEpSpec;
  changedFields: string[];
  /** Files that change (not `unchanged`). */
  files: FileChange[];
  gpus?: { before: number; after: number };
}

/**
 * The same steps as `wide-ep:update`, in the browser: the entity's spec,
 * the form's fields merged in, validated whole, then the two renders
 * compared. Empty form fields keep the current value.
 */
export function analyseUpdateForm(
  entity: DeploymentEntityLike,
  formData: Record<string, unknown> | undefined,
): UpdateFormAnalysis {
  const read = specFromEntity(entity);
  if (!read.success)
    return { issues: read.issues, changedFields: [], files: [] };
  const changes: Record<string, unknown> = {};
  for (const key of UPDATE_FORM_SPEC_KEYS) {
    const value = formData?.[key];
    if (typeof value === 'string' && value !== '') changes[key] = value;
    else if (value && typeof value === 'object') {
      const given = Object.fromEntries(
        Object.entries(value).filter(([, v]) => v !== undefined && v !== ''),
      );
      if (Object.keys(given).length) changes[key] = given;
    }
  }
  const updated = updateSpec(read.spec, changes);
  if (!updated.success) {
    return {
      issues: updated.issues,
      current: read.spec,
      changedFields: [],
      files: [],
    };
  }
  const plan = planUpdate(read.spec, updated.spec);
  return {
    issues: [],
    current: read.spec,
    next: updated.spec,
    changedFields: updated.changedFields,
    files: plan.files.filter(f => f.change !== 'unchanged'),
    gpus: {
      before: planTopology(read.spec).totalGpus,
      after: planTopology(updated.spec).totalGpus,
    },
  };
}

/** One-line summary, also the field's value (seen on the review step). */
export function updateSummary(analysis: UpdateFormAnalysis): string {
  if (analysis.issues.length) return 'invalid update';
  if (!analysis.next) return 'incomplete';
  if (analysis.files.length === 0) return 'no change';
  return `${analysis.files.length} files change; GPUs ${analysis.gpus?.before} -> ${analysis.gpus?.after}`;
}
