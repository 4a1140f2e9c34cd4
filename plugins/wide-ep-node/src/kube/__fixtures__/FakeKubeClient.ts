import { isDeepStrictEqual } from 'node:util';
import type { KubernetesObject } from '@kubernetes/client-node';
import type {
  KubeApplyOptions,
  KubeClient,
  KubeListOptions,
  ObjectRef,
} from '../types';

type Operation = 'apply' | 'read' | 'list' | 'delete';

/** A recorded call to the fake. */
export interface FakeCall {
  op: Operation;
  ref?: ObjectRef;
  list?: KubeListOptions;
  options?: KubeApplyOptions;
}

function key(
  ref: Pick<ObjectRef, 'apiVersion' | 'kind' | 'name'> & { namespace?: string },
) {
  return `${ref.apiVersion}|${ref.kind}|${ref.namespace ?? ''}|${ref.name}`;
}

function refOf(object: KubernetesObject): ObjectRef {
  return {
    apiVersion: object.apiVersion!,
    kind: object.kind!,
    namespace: object.metadata?.namespace,
    name: object.metadata!.name!,
  };
}

/**
 * An in-memory KubeClient: apply stores the object and bumps
 * resourceVersion only when the content changes, like the API server.
 * `fail` injects errors per operation and object.
 */
export class FakeKubeClient implements KubeClient {
  readonly clusterName = 'fake';
  readonly calls: FakeCall[] = [];
  private readonly objects = new Map<string, KubernetesObject>();
  private version = 100;
  fail: (
    op: Operation,
    target: ObjectRef | KubeListOptions,
  ) => Error | undefined = () => undefined;
  /** Resolves before each apply; lets tests observe concurrency. */
  beforeApply: (ref: ObjectRef) => Promise<void> = async () => {};

  seed(...objects: KubernetesObject[]): this {
    for (const object of objects) {
      const stored = structuredClone(object);
      stored.metadata = {
        ...stored.metadata,
        resourceVersion: String(this.version++),
      };
      this.objects.set(key(refOf(object)), stored);
    }
    return this;
  }

  stored(
    ref: Pick<ObjectRef, 'apiVersion' | 'kind' | 'name'> & {
      namespace?: string;
    },
  ) {
    return this.objects.get(key(ref));
  }

  async apply<T extends KubernetesObject>(
    object: T,
    options: KubeApplyOptions,
  ): Promise<T> {
    const ref = refOf(object);
    this.calls.push({ op: 'apply', ref, options });
    await this.beforeApply(ref);
    this.throwIfFailing('apply', ref);
    const existing = this.objects.get(key(ref));
    const { resourceVersion: _rv, ...existingMeta } = existing?.metadata ?? {};
    const candidate = {
      ...structuredClone(object),
      metadata: { ...existingMeta, ...object.metadata },
    };
    const unchanged =
      existing &&
      isDeepStrictEqual({ ...existing, metadata: existingMeta }, candidate);
    const result = unchanged
      ? existing
      : {
          ...candidate,
          metadata: {
            ...candidate.metadata,
            // A dry run returns what would be stored, with no new version.
            resourceVersion: options.dryRun
              ? existing?.metadata?.resourceVersion
              : String(this.version++),
          },
        };
    if (!options.dryRun) {
      this.objects.set(key(ref), result!);
    }
    return structuredClone(result) as T;
  }

  async read<T extends KubernetesObject>(
    ref: ObjectRef,
  ): Promise<T | undefined> {
    this.calls.push({ op: 'read', ref });
    this.throwIfFailing('read', ref);
    const found = this.objects.get(key(ref));
    return found ? (structuredClone(found) as T) : undefined;
  }

  async list<T extends KubernetesObject>(
    options: KubeListOptions,
  ): Promise<T[]> {
    this.calls.push({ op: 'list', list: options });
    this.throwIfFailing('list', options);
    const wanted = (options.labelSelector ?? '')
      .split(',')
      .filter(Boolean)
      .map(pair => pair.split('='));
    return [...this.objects.values()]
      .filter(
        o => o.apiVersion === options.apiVersion && o.kind === options.kind,
      )
      .filter(
        o => !options.namespace || o.metadata?.namespace === options.namespace,
      )
      .filter(o => wanted.every(([k, v]) => o.metadata?.labels?.[k] === v))
      .map(o => structuredClone(o) as T);
  }

  async delete(
    ref: ObjectRef,
    options?: { dryRun?: boolean },
  ): Promise<boolean> {
    this.calls.push({ op: 'delete', ref });
    this.throwIfFailing('delete', ref);
    if (options?.dryRun) return this.objects.has(key(ref));
    return this.objects.delete(key(ref));
  }

  private throwIfFailing(op: Operation, target: ObjectRef | KubeListOptions) {
    const error = this.fail(op, target);
    if (error) {
      throw error;
    }
  }
}
