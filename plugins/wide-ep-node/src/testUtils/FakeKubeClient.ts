import type { KubernetesObject } from '@kubernetes/client-node';
import { apiGroupOf } from '../kube/objectRef';
import type {
  KubeApplyOptions,
  KubeClient,
  KubeListOptions,
  ObjectRef,
} from '../kube/types';

/** One call to a {@link FakeKubeClient}, as recorded and as passed to `fail`. @public */
export interface FakeCall {
  op: 'apply' | 'read' | 'list' | 'delete';
  apiVersion: string;
  kind: string;
  namespace?: string;
  /** Absent for `list`. */
  name?: string;
  /** `list` only. */
  labelSelector?: string;
  /** `apply` and `delete`. */
  dryRun?: boolean;
  /** `apply` only. */
  force?: boolean;
}

/** Options of {@link FakeKubeClient}. @public */
export interface FakeKubeClientOptions {
  /** Default `fake`. */
  clusterName?: string;
  /** Stored at once, like {@link FakeKubeClient.seed}. */
  objects?: KubernetesObject[];
  fail?: FakeKubeClient['fail'];
  controller?: FakeKubeClient['controller'];
}

/**
 * What names one stored object of a {@link FakeKubeClient}: group (from
 * `apiVersion`), kind, namespace and name.
 * @public
 */
export type FakeObjectIdentity = Pick<
  ObjectRef,
  'apiVersion' | 'kind' | 'name'
> & {
  namespace?: string;
};

// The API server serves one object at every version of its group.
const keyOf = (ref: FakeObjectIdentity) =>
  `${apiGroupOf(ref.apiVersion)}|${ref.kind}|${ref.namespace ?? ''}|${
    ref.name
  }`;

function identityOf(object: KubernetesObject): FakeObjectIdentity {
  return {
    apiVersion: object.apiVersion!,
    kind: object.kind!,
    namespace: object.metadata?.namespace,
    name: object.metadata!.name!,
  };
}

const callFor = (op: FakeCall['op'], ref: FakeObjectIdentity): FakeCall => ({
  op,
  apiVersion: ref.apiVersion,
  kind: ref.kind,
  namespace: ref.namespace,
  name: ref.name,
});

/**
 * An in-memory {@link KubeClient}. Server-side apply keeps stored metadata
 * the object does not set and bumps `resourceVersion` only when something
 * changed, like the API server; a dry run stores nothing. `list` matches
 * `key=value` label selectors. Every call is recorded in `calls` before
 * `fail` can make it throw.
 * @public
 */
export class FakeKubeClient implements KubeClient {
  readonly clusterName: string;
  readonly calls: FakeCall[] = [];
  /** Makes a call throw what it returns, when that is truthy. */
  fail: (call: FakeCall) => unknown;
  /** Stands in for operators: fills in e.g. `status` of an object being applied. */
  controller: (object: KubernetesObject) => KubernetesObject;
  /** Awaited before each apply may fail; lets tests observe concurrency. */
  beforeApply: (call: FakeCall) => Promise<void> = async () => {};
  private readonly objects = new Map<string, KubernetesObject>();
  private version = 100;

  constructor(options: FakeKubeClientOptions = {}) {
    this.clusterName = options.clusterName ?? 'fake';
    this.fail = options.fail ?? (() => undefined);
    this.controller = options.controller ?? (object => object);
    this.seed(...(options.objects ?? []));
  }

  /** Stores objects as they are, with a new `resourceVersion`. */
  seed(...objects: KubernetesObject[]): this {
    for (const object of objects) {
      const stored = structuredClone(object);
      stored.metadata = {
        ...stored.metadata,
        resourceVersion: this.nextVersion(),
      };
      this.objects.set(keyOf(identityOf(object)), stored);
    }
    return this;
  }

  stored(ref: FakeObjectIdentity): KubernetesObject | undefined {
    return this.objects.get(keyOf(ref));
  }

  get applied(): FakeCall[] {
    return this.calls.filter(c => c.op === 'apply');
  }

  async apply<T extends KubernetesObject>(
    object: T,
    options: KubeApplyOptions,
  ): Promise<T> {
    const ref = identityOf(object);
    const { dryRun, force } = options;
    const call: FakeCall = { ...callFor('apply', ref), dryRun, force };
    this.calls.push(call);
    await this.beforeApply(call);
    this.throwIfFailing(call);
    const existing = this.objects.get(keyOf(ref));
    const { resourceVersion, ...existingMeta } = existing?.metadata ?? {};
    const sent = this.controller(structuredClone(object));
    const { resourceVersion: _sentVersion, ...sentMeta } = sent.metadata ?? {};
    const candidate = { ...sent, metadata: { ...existingMeta, ...sentMeta } };
    if (
      existing &&
      canonical({ ...existing, metadata: existingMeta }) ===
        canonical(candidate)
    ) {
      return structuredClone(existing) as T;
    }
    const result = {
      ...candidate,
      metadata: {
        ...candidate.metadata,
        // A dry run returns what would be stored, with no new version.
        resourceVersion: options.dryRun ? resourceVersion : this.nextVersion(),
      },
    };
    if (!options.dryRun) this.objects.set(keyOf(ref), result);
    return structuredClone(result) as T;
  }

  async read<T extends KubernetesObject>(
    ref: ObjectRef,
  ): Promise<T | undefined> {
    this.enter(callFor('read', ref));
    const found = this.objects.get(keyOf(ref));
    return found ? (structuredClone(found) as T) : undefined;
  }

  async list<T extends KubernetesObject>(
    options: KubeListOptions,
  ): Promise<T[]> {
    const { apiVersion, kind, namespace, labelSelector } = options;
    this.enter({ op: 'list', apiVersion, kind, namespace, labelSelector });
    const wanted = (labelSelector ?? '')
      .split(',')
      .filter(Boolean)
      .map(term => term.split('='));
    const group = apiGroupOf(apiVersion);
    return [...this.objects.values()]
      .filter(o => apiGroupOf(o.apiVersion!) === group && o.kind === kind)
      .filter(o => !namespace || o.metadata?.namespace === namespace)
      .filter(o => wanted.every(([k, v]) => o.metadata?.labels?.[k] === v))
      .map(o => structuredClone(o) as T);
  }

  async delete(
    ref: ObjectRef,
    options?: { dryRun?: boolean },
  ): Promise<boolean> {
    this.enter({ ...callFor('delete', ref), dryRun: options?.dryRun });
    if (options?.dryRun) return this.objects.has(keyOf(ref));
    return this.objects.delete(keyOf(ref));
  }

  private enter(call: FakeCall): void {
    this.calls.push(call);
    this.throwIfFailing(call);
  }

  private throwIfFailing(call: FakeCall): void {
    const error = this.fail(call);
    if (error) throw error;
  }

  private nextVersion(): string {
    return String(this.version++);
  }
}

// Key-order independent JSON (structuredClone yields objects of another
// realm under Jest, which util.isDeepStrictEqual would tell apart).
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

/** An error shaped like client-node's `ApiException`, as the API server answers. @public */
export function apiException(
  code: number,
  status: Record<string, unknown>,
): Error {
  return Object.assign(
    new Error(
      `HTTP-Code: ${code} Message: Unknown API Status Code! Body: ... Headers: ...`,
    ),
    {
      code,
      body: JSON.stringify({
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        code,
        ...status,
      }),
      headers: { authorization: 'never-logged' },
    },
  );
}
