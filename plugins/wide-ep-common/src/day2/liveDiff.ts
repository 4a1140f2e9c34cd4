import { isDeepStrictEqual } from './isDeepEqual';
import type { KubernetesObject } from '../types';
import { ManagedFieldsEntry, PathSegment, managersOf } from './managedFields';

/** One field where the cluster differs from the render. @public */
export interface FieldDiff {
  /** Dotted path; list elements by key, e.g. `...containers[name=vllm].image`. */
  path: string;
  /** What the spec renders; absent when the field exists only in the cluster. */
  desired?: unknown;
  /** What the cluster holds; absent when the cluster lacks the field. */
  live?: unknown;
  /** Field managers that own the live field (server-side apply ownership). */
  managers: string[];
}

/** @public */
export type ObjectDiffState =
  | 'in-sync'
  | 'differs'
  | 'missing-in-cluster'
  | 'only-in-cluster';

/** How one object of the deployment compares. @public */
export interface ObjectDiff {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  state: ObjectDiffState;
  fields: FieldDiff[];
}

type LiveObject = KubernetesObject & {
  metadata: { managedFields?: ManagedFieldsEntry[] };
};

/**
 * Compares what the spec renders with what the cluster holds, object by
 * object and field by field.
 *
 * @remarks
 * Only fields the render sets are compared: the API server adds defaults
 * (and controllers add status) that no spec states, and reporting them
 * would bury a real edit. Lists merged by key (containers, env, ports,
 * volumes by name/port/path) are matched by key, so an element someone
 * added in the cluster is reported with its manager; other lists are
 * reported whole, as server-side apply treats them (atomic), when their
 * length or a field the render sets differs. `live`
 * objects are matched to `desired` ones by group, kind and name; a live
 * object with no desired twin is `only-in-cluster`.
 * @public
 */
export function diffDeployment(
  desired: readonly KubernetesObject[],
  live: readonly KubernetesObject[],
): ObjectDiff[] {
  const liveByKey = new Map(live.map(o => [keyOf(o), o as LiveObject]));
  const desiredKeys = new Set(desired.map(keyOf));
  const result: ObjectDiff[] = desired.map(d => {
    const l = liveByKey.get(keyOf(d));
    if (!l) return { ...idOf(d), state: 'missing-in-cluster', fields: [] };
    const fields = diffObject(d, l);
    return { ...idOf(d), state: fields.length ? 'differs' : 'in-sync', fields };
  });
  for (const l of live) {
    if (!desiredKeys.has(keyOf(l))) {
      result.push({ ...idOf(l), state: 'only-in-cluster', fields: [] });
    }
  }
  return result;
}

/** The differing fields of one object and its live twin. @public */
export function diffObject(
  desired: KubernetesObject,
  live: KubernetesObject,
): FieldDiff[] {
  const out: FieldDiff[] = [];
  const { status: _s, ...body } = desired as KubernetesObject & {
    status?: unknown;
  };
  walk(body, live, [], [], live as LiveObject, out);
  return out;
}

// Merge keys of the core lists the renderer writes (strategic merge patch
// keys as the API server declares them for server-side apply).
const MERGE_KEYS = ['name', 'containerPort', 'mountPath', 'devicePath'];

function walk(
  desired: unknown,
  live: unknown,
  segments: PathSegment[],
  elements: unknown[],
  object: LiveObject,
  out: FieldDiff[],
): void {
  const report = (d: unknown, l: unknown) =>
    out.push({
      path: formatPath(segments),
      ...(d === undefined ? {} : { desired: d }),
      ...(l === undefined ? {} : { live: l }),
      managers:
        l === undefined ? [] : managersOf(object, segments, i => elements[i]),
    });

  if (isPlainObject(desired)) {
    if (!isPlainObject(live)) {
      report(desired, live);
      return;
    }
    for (const [k, v] of Object.entries(desired)) {
      walk(
        v,
        live[k],
        [...segments, { field: k }],
        [...elements, undefined],
        object,
        out,
      );
    }
    return;
  }
  if (Array.isArray(desired)) {
    const mergeKey = keyedBy(desired);
    if (!mergeKey || !Array.isArray(live)) {
      // An atomic list: the same length and, element by element, every
      // field the render sets (the API server fills defaults inside the
      // elements, e.g. an HTTPRoute backendRef's weight).
      if (
        !Array.isArray(live) ||
        live.length !== desired.length ||
        desired.some((d, i) => !covers(d, live[i]))
      ) {
        report(desired, live);
      }
      return;
    }
    const liveItems = live as Record<string, unknown>[];
    const matched = new Set<number>();
    for (const item of desired as Record<string, unknown>[]) {
      const index = liveItems.findIndex(
        l => isPlainObject(l) && String(l[mergeKey]) === String(item[mergeKey]),
      );
      const key = { [mergeKey]: item[mergeKey] };
      if (index === -1) {
        out.push({
          path: formatPath([...segments, { index: -1, key }]),
          desired: item,
          managers: [],
        });
        continue;
      }
      matched.add(index);
      walk(
        item,
        liveItems[index],
        [...segments, { index, key: liveItems[index] }],
        [...elements, liveItems[index]],
        object,
        out,
      );
    }
    liveItems.forEach((l, index) => {
      if (matched.has(index) || !isPlainObject(l)) return;
      const path = [...segments, { index, key: l }];
      out.push({
        path: formatPath(path),
        live: l,
        managers: managersOf(object, path),
      });
    });
    return;
  }
  if (!sameValue(desired, live)) report(desired, live);
}

/** Whether `live` holds every value `desired` sets (extra live fields allowed). */
function covers(desired: unknown, live: unknown): boolean {
  if (isPlainObject(desired)) {
    return (
      isPlainObject(live) &&
      Object.entries(desired).every(([k, v]) => covers(v, live[k]))
    );
  }
  if (Array.isArray(desired)) {
    return (
      Array.isArray(live) &&
      live.length === desired.length &&
      desired.every((d, i) => covers(d, live[i]))
    );
  }
  return sameValue(desired, live);
}

function keyedBy(items: unknown[]): string | undefined {
  if (items.length === 0 || !items.every(isPlainObject)) return undefined;
  return MERGE_KEYS.find(k =>
    (items as Record<string, unknown>[]).every(i => i[k] !== undefined),
  );
}

// The API server returns an int-or-string port as it was sent, but a
// quantity or a number may come back as its string form.
function sameValue(a: unknown, b: unknown): boolean {
  if (isDeepStrictEqual(a, b)) return true;
  const scalar = (v: unknown) =>
    typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  return scalar(a) && scalar(b) && String(a) === String(b);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) {
    if ('field' in s) {
      out += /^[A-Za-z_$][\w$]*$/.test(s.field)
        ? `${out ? '.' : ''}${s.field}`
        : `["${s.field}"]`;
    } else {
      const key = s.key && MERGE_KEYS.find(k => s.key![k] !== undefined);
      out += key ? `[${key}=${String(s.key![key])}]` : `[${s.index}]`;
    }
  }
  return out;
}

function keyOf(o: KubernetesObject): string {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  return `${group}|${o.kind}|${o.metadata.name}`;
}

function idOf(o: KubernetesObject) {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
    name: o.metadata.name,
  };
}

/** `GET /api/wide-ep/diff?entityRef=` answers this. @public */
export interface WideEpDiffResponse {
  entityRef: string;
  cluster: string;
  namespace: string;
  deployment: string;
  objects: ObjectDiff[];
  /** Kinds the cluster does not serve: their objects show as missing. */
  unservedKinds: string[];
  inSync: boolean;
}
