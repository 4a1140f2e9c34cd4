import type { KubernetesObject } from '@kubernetes/client-node';

/**
 * Identifies one Kubernetes object. `namespace` is absent for
 * cluster-scoped kinds.
 *
 * @public
 */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** Options for {@link KubeClient.list}. @public */
export interface KubeListOptions {
  apiVersion: string;
  kind: string;
  /** Omit to list across all namespaces, or for cluster-scoped kinds. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** Options for {@link KubeClient.apply}. @public */
export interface KubeApplyOptions {
  dryRun: boolean;
  force: boolean;
}

/**
 * The few Kubernetes operations the wide-EP deployment code needs, on one
 * cluster.
 *
 * @remarks
 * Every method throws `@backstage/errors` types (see `toBackstageError`),
 * never a raw client-node `ApiException`. A kind the cluster does not serve
 * (CRD missing) is a `NotFoundError` from every method. `createKubeClient`
 * implements it with client-node; tests use small fakes.
 *
 * @public
 */
export interface KubeClient {
  /** The configured cluster name, used in error messages and logs. */
  readonly clusterName: string;
  /**
   * Server-side apply of one object with the wide-EP field manager.
   * Returns the object as the API server stored (or, in a dry run, would
   * store) it.
   */
  apply<T extends KubernetesObject>(
    object: T,
    options: KubeApplyOptions,
  ): Promise<T>;
  /** Reads one object; `undefined` when it does not exist. */
  read<T extends KubernetesObject>(ref: ObjectRef): Promise<T | undefined>;
  /** Lists objects, following pagination. */
  list<T extends KubernetesObject>(options: KubeListOptions): Promise<T[]>;
  /**
   * Deletes one object with background propagation; `false` when it was
   * already gone. `dryRun` sends `dryRun=All`: admission and RBAC run,
   * nothing is deleted.
   */
  delete(ref: ObjectRef, options?: { dryRun?: boolean }): Promise<boolean>;
}
