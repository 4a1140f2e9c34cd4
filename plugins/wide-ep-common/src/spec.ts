import { specFieldsSchema } from './specSchema';
import type { SpecIssue, WideEpSpec } from './specSchema';
import { topologyIssues } from './validateTopology';

export * from './specSchema';

/**
 * The spec schema with its cross-field rules (topology, derived name
 * lengths): what form, actions, CLI and preview validate with.
 * @public
 */
export const wideEpSpecSchema = specFieldsSchema.superRefine((spec, ctx) => {
  for (const issue of topologyIssues(spec)) {
    ctx.addIssue({
      code: 'custom',
      path: issue.path.split('.'),
      message: issue.message,
    });
  }
});

/** @public */
export type ParseSpecResult =
  | { success: true; spec: WideEpSpec }
  | { success: false; issues: SpecIssue[] };

/**
 * Validates untrusted input (form values, action input, a YAML file) and
 * fills defaults. Never throws for bad input: every problem comes back with
 * the dotted path of the field it concerns.
 * @public
 */
export function parseSpec(input: unknown): ParseSpecResult {
  const result = wideEpSpecSchema.safeParse(input);
  if (result.success) return { success: true, spec: result.data };
  return {
    success: false,
    issues: result.error.issues.map(i => ({
      path: i.path.length ? i.path.map(String).join('.') : '(spec)',
      message: i.message,
    })),
  };
}

/** Formats issues one per line, `path: message`, as the CLI prints them. @public */
export function formatIssues(issues: SpecIssue[]): string {
  return issues.map(i => `${i.path}: ${i.message}`).join('\n');
}
