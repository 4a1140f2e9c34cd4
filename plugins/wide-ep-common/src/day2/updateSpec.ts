import { SpecIssue, WideEpSpec, WideEpSpecInput, parseSpec } from '../spec';

/**
 * Fields that say which deployment this is, or what it is built from. An
 * update that changed one would not update the deployment but orphan it and
 * create another (new names, another cluster, other node pools): that is a
 * new deployment and a teardown, not an update.
 * @public
 */
export const IMMUTABLE_SPEC_FIELDS = [
  'name',
  'namespace',
  'cluster',
  'hardware',
  'clusterProvider',
  'orchestrator',
] as const;

/**
 * What an update asks for: any spec field. An object field is merged one
 * level deep into the current one (`decode: { replicas: 2 }` keeps the DP
 * size). @public
 */
export type SpecChanges = {
  [K in keyof WideEpSpecInput]?: NonNullable<WideEpSpecInput[K]> extends Record<
    string,
    unknown
  >
    ? Partial<NonNullable<WideEpSpecInput[K]>>
    : WideEpSpecInput[K];
};

/** @public */
export type UpdateSpecResult =
  | { success: true; spec: WideEpSpec; changedFields: string[] }
  | { success: false; issues: SpecIssue[] };

/**
 * The spec after an update: the current spec with the given fields
 * replaced, validated as a whole (the topology rules see the new replicas
 * with the old hardware).
 *
 * @remarks
 * `undefined` values mean "keep" (a form leaves untouched fields out). A
 * changed immutable field is an issue naming it; an unchanged one is fine,
 * so a form may send the whole spec back.
 * @public
 */
export function updateSpec(
  current: WideEpSpec,
  changes: SpecChanges,
): UpdateSpecResult {
  const given = Object.fromEntries(
    Object.entries(changes).filter(([, v]) => v !== undefined),
  ) as Record<string, unknown>;
  const issues: SpecIssue[] = [];
  for (const field of IMMUTABLE_SPEC_FIELDS) {
    if (field in given && !sameJson(given[field], current[field])) {
      issues.push({
        path: field,
        message: `cannot change in an update (was ${JSON.stringify(
          current[field],
        )}, got ${JSON.stringify(
          given[field],
        )}); create a new deployment and tear this one down`,
      });
    }
  }
  if (issues.length) return { success: false, issues };
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(given)) {
    const old = merged[key];
    merged[key] =
      isPlainObject(value) && isPlainObject(old) ? { ...old, ...value } : value;
  }
  const parsed = parseSpec(merged);
  if (!parsed.success) return parsed;
  const changedFields = Object.keys(parsed.spec).filter(
    key =>
      !sameJson(
        (parsed.spec as Record<string, unknown>)[key],
        (current as Record<string, unknown>)[key],
      ),
  );
  return { success: true, spec: parsed.spec, changedFields };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

// Key order must not make equal objects differ.
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map(k => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
