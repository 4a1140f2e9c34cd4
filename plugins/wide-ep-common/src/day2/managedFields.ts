/**
 * Who owns a field, read from an object's `metadata.managedFields` (the
 * server-side apply field sets, `fieldsV1`). Pure: the diff runs it on
 * objects read from the cluster.
 */

/** One step of a field path: a map key, or a list element. @public */
export type PathSegment =
  | { field: string }
  | {
      /** Position in the live list. */
      index: number;
      /** For lists merged by key (containers by name...), the element's key fields. */
      key?: Record<string, unknown>;
    };

/** One entry of `metadata.managedFields`, as the API server returns it. @public */
export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  subresource?: string;
  fieldsType?: string;
  fieldsV1?: Record<string, unknown>;
}

/**
 * The field managers that own `path` of `object`, as the API server
 * recorded them: `kubectl-edit`, `kubectl-client-side-apply`,
 * `wide-ep-backstage`... A manager that owns a parent as a whole (an atomic
 * list such as `args`) owns every path below it. Status writes are left
 * out: they never change what the spec renders.
 * @public
 */
export function managersOf(
  object: { metadata?: { managedFields?: ManagedFieldsEntry[] } },
  path: readonly PathSegment[],
  element?: (segmentIndex: number) => unknown,
): string[] {
  const owners = new Set<string>();
  for (const entry of object.metadata?.managedFields ?? []) {
    if (entry.subresource === 'status' || entry.fieldsType !== 'FieldsV1') {
      continue;
    }
    if (owns(entry.fieldsV1 ?? {}, path, element)) {
      owners.add(
        `${entry.manager ?? '(unnamed)'}${
          entry.subresource ? ` (${entry.subresource})` : ''
        }`,
      );
    }
  }
  return [...owners].sort();
}

function owns(
  set: Record<string, unknown>,
  path: readonly PathSegment[],
  element?: (segmentIndex: number) => unknown,
): boolean {
  let node: Record<string, unknown> | undefined = set;
  for (let i = 0; i < path.length; i++) {
    // An empty set is a leaf: the manager owns this field whole.
    if (Object.keys(node).length === 0 && i > 0) return true;
    const segment = path[i];
    let next: unknown;
    if ('field' in segment) {
      next = node[`f:${segment.field}`];
    } else if (segment.key) {
      const key = segment.key;
      next = Object.entries(node).find(
        ([k]) => k.startsWith('k:') && keyMatches(k.slice(2), key),
      )?.[1];
    } else {
      const value = element?.(i);
      next =
        value === undefined ? undefined : node[`v:${JSON.stringify(value)}`];
    }
    if (next === undefined || next === null || typeof next !== 'object') {
      return false;
    }
    node = next as Record<string, unknown>;
  }
  return true;
}

function keyMatches(json: string, key: Record<string, unknown>): boolean {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(json);
  } catch {
    return false;
  }
  const entries = Object.entries(parsed);
  return (
    entries.length > 0 &&
    entries.every(([k, v]) => String(key[k]) === String(v))
  );
}
