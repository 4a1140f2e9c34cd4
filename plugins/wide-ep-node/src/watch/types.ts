import type { KubernetesObject } from '@kubernetes/client-node';
import { kindInfo } from '@internal/plugin-wide-ep-common';

/** A namespaced kind the watch cache can list and watch. @public */
export interface WatchedKind {
  /** `v1` or `<group>/<version>`. */
  apiVersion: string;
  kind: string;
  /** REST resource name, e.g. `leaderworkersets`. */
  plural: string;
}

function watched(kind: string): WatchedKind {
  const info = kindInfo(kind);
  if (!info?.watched) throw new Error(`${kind} is not a watched kind`);
  return { apiVersion: info.apiVersion, kind: info.kind, plural: info.plural };
}

/**
 * The kinds rank health watches (rank-health.md §2–§5), from the kind
 * registry (`KINDS` in -common, `watched: true`).
 *
 * @public
 */
export const WATCHED_KINDS = {
  pod: watched('Pod'),
  leaderWorkerSet: watched('LeaderWorkerSet'),
  podCliqueSet: watched('PodCliqueSet'),
  podClique: watched('PodClique'),
  podCliqueScalingGroup: watched('PodCliqueScalingGroup'),
  computeDomain: watched('ComputeDomain'),
  inferencePool: watched('InferencePool'),
  gateway: watched('Gateway'),
  httpRoute: watched('HTTPRoute'),
} as const satisfies Record<string, WatchedKind>;

/**
 * What one watch covers. The cache keeps exactly one list+watch per
 * distinct key, however many callers ask for it.
 * @public
 */
export interface WatchKey {
  /** Configured cluster name. */
  cluster: string;
  namespace: string;
  kind: WatchedKind;
  /** Label selector, built by the caller from validated names. */
  labelSelector: string;
}

/**
 * The slice of client-node's `ListWatch` (from `makeInformer`) the cache
 * uses; a seam so tests can drive informers by hand.
 * @public
 */
export interface Informer<T = KubernetesObject> {
  /** Lists, then watches; resolves once the watch request is sent or has failed. */
  start(): Promise<void>;
  stop(): Promise<void>;
  list(namespace?: string): T[];
  on(verb: 'error', cb: (err: unknown) => void): void;
  on(verb: 'add' | 'update' | 'delete', cb: (obj: T) => void): void;
}

/** Hooks an {@link InformerFactory} calls so the cache knows when a list completed. @public */
export interface InformerHooks {
  /** Called after every successful LIST with its items. */
  onList(): void;
}

/** Creates a fresh informer (not yet started) for a key. @public */
export type InformerFactory = (
  key: WatchKey,
  hooks: InformerHooks,
) => Promise<Informer>;

/**
 * Why a watch is not current. `unreachable` and `failed` are transient
 * (the data is stale and the watch retries with backoff); `forbidden` and
 * `notServed` (the CRD is not installed) are configuration problems.
 * @public
 */
export interface WatchProblem {
  reason: 'unreachable' | 'failed' | 'forbidden' | 'notServed';
  /** Safe to show: no tokens, no raw response bodies. */
  message: string;
  /** When the problem started (ms since epoch). */
  since: number;
}

/** The cached objects of one watch. @public */
export interface WatchSnapshot<T = KubernetesObject> {
  /** As the API server sent them, without `metadata.managedFields` (see createClientNodeInformerFactory). */
  items: T[];
  /** When the data was last known current (ms since epoch); absent before the first list. */
  syncedAt?: number;
  /** Set while the watch is not current; `items` then holds the last known state. */
  problem?: WatchProblem;
}
