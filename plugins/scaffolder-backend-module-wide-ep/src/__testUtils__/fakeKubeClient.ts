import { InputError } from '@backstage/errors';
import type {
  KubeApplyOptions,
  KubeClient,
  KubeListOptions,
  ObjectRef,
} from '@internal/plugin-wide-ep-node';
import type { WideEpClusterConnector } from '../types';

type Obj = {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
  };
  [key: string]: unknown;
};

export interface FakeCall {
  op: 'apply' | 'read' | 'list' | 'delete';
  kind: string;
  namespace?: string;
  name?: string;
  dryRun?: boolean;
  force?: boolean;
}

/**
 * An in-memory cluster: server-side apply replaces the stored object and
 * bumps `resourceVersion` only when something changed, like the API server.
 * `fail` makes chosen calls throw (e.g. an ApiException-shaped error, which
 * `applyManifests` translates like a real one); `controller` fills in status
 * after an apply, standing in for operators.
 */
export class FakeKubeClient implements KubeClient {
  readonly calls: FakeCall[] = [];
  private readonly store = new Map<string, Obj>();
  private resourceVersion = 100;

  constructor(
    readonly clusterName = 'test',
    private readonly options: {
      objects?: Obj[];
      fail?: (call: FakeCall) => unknown;
      controller?: (object: Obj) => Obj;
    } = {},
  ) {
    for (const object of options.objects ?? []) this.put(object);
  }

  private key(ref: {
    kind?: string;
    namespace?: string;
    name?: string;
  }): string {
    return `${ref.kind}|${ref.namespace ?? ''}|${ref.name}`;
  }

  private put(object: Obj): Obj {
    const stored = structuredClone(object);
    stored.metadata = {
      ...stored.metadata,
      resourceVersion: String(++this.resourceVersion),
    };
    this.store.set(this.key({ kind: object.kind, ...object.metadata }), stored);
    return stored;
  }

  private record(call: FakeCall): void {
    this.calls.push(call);
    const error = this.options.fail?.(call);
    if (error) throw error;
  }

  get applied(): FakeCall[] {
    return this.calls.filter(c => c.op === 'apply');
  }

  has(ref: { kind: string; namespace?: string; name: string }): boolean {
    return this.store.has(this.key(ref));
  }

  async apply<T>(object: T, options: KubeApplyOptions): Promise<T> {
    const o = object as Obj;
    this.record({
      op: 'apply',
      kind: o.kind!,
      namespace: o.metadata?.namespace,
      name: o.metadata?.name,
      ...options,
    });
    const before = this.store.get(this.key({ kind: o.kind, ...o.metadata }));
    const desired = this.options.controller
      ? this.options.controller(structuredClone(o))
      : structuredClone(o);
    if (before) {
      const { resourceVersion: _rv, ...beforeMeta } = before.metadata ?? {};
      if (canonical({ ...before, metadata: beforeMeta }) === canonical(desired))
        return before as T;
    }
    if (options.dryRun) {
      return {
        ...desired,
        metadata: {
          ...desired.metadata,
          resourceVersion: before?.metadata?.resourceVersion,
        },
      } as T;
    }
    return this.put(desired) as T;
  }

  async read<T>(ref: ObjectRef): Promise<T | undefined> {
    this.record({
      op: 'read',
      kind: ref.kind,
      namespace: ref.namespace,
      name: ref.name,
    });
    const found = this.store.get(this.key(ref));
    return found ? (structuredClone(found) as T) : undefined;
  }

  async list<T>(options: KubeListOptions): Promise<T[]> {
    this.record({
      op: 'list',
      kind: options.kind,
      namespace: options.namespace,
    });
    const selector = (options.labelSelector ?? '')
      .split(',')
      .filter(Boolean)
      .map(term => term.split('='));
    return [...this.store.values()]
      .filter(o => o.kind === options.kind)
      .filter(
        o => !options.namespace || o.metadata?.namespace === options.namespace,
      )
      .filter(o => selector.every(([k, v]) => o.metadata?.labels?.[k] === v))
      .map(o => structuredClone(o) as T);
  }

  async delete(
    ref: ObjectRef,
    options?: { dryRun?: boolean },
  ): Promise<boolean> {
    this.record({
      op: 'delete',
      kind: ref.kind,
      namespace: ref.namespace,
      name: ref.name,
      dryRun: options?.dryRun,
    });
    if (options?.dryRun) return this.store.has(this.key(ref));
    return this.store.delete(this.key(ref));
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

/** A connector serving fake clients by cluster name. */
export function fakeClusters(
  clients: Record<string, KubeClient>,
): WideEpClusterConnector & {
  connect: jest.Mock<Promise<KubeClient>, [string]>;
} {
  return {
    names: () => Object.keys(clients),
    connect: jest.fn(async (name: string) => {
      const client = clients[name];
      if (!client) {
        throw new InputError(
          `unknown cluster "${name}"; configured: ${Object.keys(clients).join(
            ', ',
          )}`,
        );
      }
      return client;
    }),
  };
}

/** An error shaped like client-node's ApiException, as the API server answers. */
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

/** The cluster side a passing preflight needs for a spec's requirements. */
export function clusterFor(options: {
  crds: string[];
  gatewayClass?: string;
  namespace: string;
  secret?: { name: string; key: string };
  nodes: Array<Record<string, string>>;
}): Obj[] {
  const objects: Obj[] = options.crds.map(name => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name },
    spec: {
      versions: ['v1', 'v1alpha1', 'v1beta1'].map(v => ({
        name: v,
        served: true,
      })),
    },
    status: { conditions: [{ type: 'Established', status: 'True' }] },
  }));
  if (options.gatewayClass) {
    objects.push({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: options.gatewayClass },
      spec: { controllerName: 'example.com/gateway' },
      status: { conditions: [{ type: 'Accepted', status: 'True' }] },
    });
  }
  objects.push({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: options.namespace },
    status: { phase: 'Active' },
  });
  if (options.secret) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: options.secret.name, namespace: options.namespace },
      data: { [options.secret.key]: 'c2VjcmV0' },
    });
  }
  options.nodes.forEach((allocatable, i) =>
    objects.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: `node-${i}` },
      status: { allocatable },
    }),
  );
  return objects;
}
