import {
  HARDWARE_PROFILES,
  parseSpec,
  planTopology,
  renderDeployment,
  specWarnings,
  type Hardware,
  type SpecIssue,
  type TopologyPlan,
  type WideEpSpec,
} from '@internal/plugin-wide-ep-common';

/** Form keys that are part of the wide-EP spec; everything else is ignored. */
export const SPEC_FORM_KEYS = [
  'name',
  'namespace',
  'model',
  'servedModelName',
  'hardware',
  'clusterProvider',
  'orchestrator',
  'gateway',
  'prefill',
  'decode',
  'rankPorts',
  'eplb',
  'monitoring',
] as const;

/**
 * The whole form's data as a custom field sees it: RJSF hands it over in
 * `formContext`, older scaffolder versions only through the registry.
 */
export function wholeFormData(props: {
  formContext?: { formData?: unknown };
  registry?: { formContext?: { formData?: unknown } };
}): Record<string, unknown> | undefined {
  return (props.formContext?.formData ??
    props.registry?.formContext?.formData) as
    | Record<string, unknown>
    | undefined;
}

/** The spec fields of the whole form's data that are filled in. */
export function specFormValues(
  formData: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const key of SPEC_FORM_KEYS) {
    const value = formData?.[key];
    if (!isBlank(value)) values[key] = value;
  }
  return values;
}

/** Used while the form has no name or namespace yet, so a partial form previews. */
export const PREVIEW_DEFAULTS = {
  name: 'wide-ep',
  namespace: 'default',
} as const;

/**
 * Assumed for fields that do not shape the topology, until the user reaches
 * the page that asks for them; the preview names them.
 */
const ASSUMED_FOR_PREVIEW: Record<string, unknown> = {
  model: 'deepseek-ai/DeepSeek-R1-0528',
  clusterProvider: 'generic',
  orchestrator: 'lws',
  gateway: 'none',
};

/**
 * Role sizes used only to run the cross-field checks of the other role
 * before both are filled in: one pod, valid on every hardware and with EPLB.
 * Never shown, and never assumed without a hardware choice.
 */
function rolePlaceholder(hardware: unknown) {
  const profile = HARDWARE_PROFILES[hardware as Hardware];
  return { replicas: 1, dataParallelSize: profile?.gpusPerNode ?? 8 };
}

/** What the preview shows and the validation reports for the current form data. */
export interface TopologyFormAnalysis {
  /** Set when the spec (with defaults and assumptions) is valid. */
  spec?: WideEpSpec;
  plan?: TopologyPlan;
  /** Paths of the files `renderDeployment` would generate. */
  files: string[];
  warnings: SpecIssue[];
  /** Problems with fields the user has filled in; these block the form. */
  issues: SpecIssue[];
  /** Required spec fields not filled in yet. */
  missing: string[];
  /** Fields the preview assumed because they are not filled in yet. */
  assumed: { field: string; value: string }[];
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function rootOf(path: string): string {
  return path.split('.')[0];
}

/** Picks the spec fields out of the whole scaffolder form data. */
export function specInputFromFormData(
  formData: Record<string, unknown> | undefined,
): {
  input: Record<string, unknown>;
  provided: Set<string>;
} {
  const input = specFormValues(formData);
  const provided = new Set(Object.keys(input));
  for (const [key, value] of Object.entries(PREVIEW_DEFAULTS)) {
    if (!provided.has(key)) input[key] = value;
  }
  return { input, provided };
}

/**
 * Validates the spec fields of a (possibly partial) scaffolder form and, when
 * they describe a valid topology, plans it and (unless `render` is false)
 * renders it. Pure: the preview component and the field validation share it.
 */
export function analyseTopologyForm(
  formData: Record<string, unknown> | undefined,
  options: { render?: boolean } = {},
): TopologyFormAnalysis {
  const { input, provided } = specInputFromFormData(formData);
  const assumed: TopologyFormAnalysis['assumed'] = [];
  let result = parseSpec(input);
  const missing = new Set<string>();
  if (!result.success) {
    for (const issue of result.issues) {
      const root = rootOf(issue.path);
      if (!provided.has(root) && root !== '(spec)') missing.add(root);
    }
  }
  const keepIssues = (issues: SpecIssue[]) =>
    issues.filter(i => provided.has(rootOf(i.path)) || i.path === '(spec)');
  const incomplete = (issues: SpecIssue[]): TopologyFormAnalysis => ({
    files: [],
    warnings: [],
    issues: keepIssues(issues),
    missing: [...missing],
    assumed: [],
  });

  if (!result.success) {
    const fillable = [...missing].every(
      root =>
        root in ASSUMED_FOR_PREVIEW || root === 'prefill' || root === 'decode',
    );
    if (missing.size === 0 || !fillable) return incomplete(result.issues);
    const previewable = [...missing].every(root => root in ASSUMED_FOR_PREVIEW);
    const withAssumptions = { ...input };
    for (const root of missing) {
      withAssumptions[root] =
        root in ASSUMED_FOR_PREVIEW
          ? ASSUMED_FOR_PREVIEW[root]
          : rolePlaceholder(input.hardware);
    }
    result = parseSpec(withAssumptions);
    if (!result.success || !previewable) {
      return incomplete(result.success ? [] : result.issues);
    }
    for (const root of missing) {
      assumed.push({ field: root, value: String(ASSUMED_FOR_PREVIEW[root]) });
    }
  }

  const render = options.render ?? true;
  const rendered = render ? renderDeployment(result.spec) : undefined;
  return {
    spec: result.spec,
    plan: rendered?.plan ?? planTopology(result.spec),
    files: rendered?.files.map(f => f.path) ?? [],
    warnings: specWarnings(result.spec),
    issues: [],
    missing: [],
    assumed,
  };
}
