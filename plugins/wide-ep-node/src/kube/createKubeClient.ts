import type {
  KubeConfig,
  KubernetesListObject,
  KubernetesObject,
  V1APIResource,
} from '@kubernetes/client-node';
import { InputError, NotFoundError } from '@backstage/errors';
import { KubeErrorContext, toBackstageError } from './errors';
import { WIDE_EP_FIELD_MANAGER } from './fieldManager';
import { loadClientNode } from './loadClientNode';
import { formatObjectRef, objectRefOf } from './objectRef';
import type {
  KubeApplyOptions,
  KubeClient,
  KubeListOptions,
  ObjectRef,
} from './types';

/** Options for {@link createKubeClient}. @public */
export interface CreateKubeClientOptions {
  /** Configured cluster name, used in error messages. */
  clusterName: string;
  /** Credentials and endpoint, e.g. from `ClusterRegistry.makeKubeConfig`. */
  kubeConfig: KubeConfig;
}

const LIST_PAGE_SIZE = 500;

/**
 * Creates a {@link KubeClient} backed by client-node's generic
 * `KubernetesObjectApi`, which resolves REST paths through API discovery
 * rather than guessing plurals.
 *
 * @public
 */
export async function createKubeClient(
  options: CreateKubeClientOptions,
): Promise<KubeClient> {
  const { KubernetesObjectApi, PatchStrategy } = await loadClientNode();

  // Exposes the protected discovery lookup so an unknown kind can be told
  // apart from a missing object: both are a 404 otherwise.
  class DiscoveringObjectApi extends KubernetesObjectApi {
    findResource(
      apiVersion: string,
      kind: string,
    ): Promise<V1APIResource | undefined> {
      return this.resource(apiVersion, kind);
    }
  }

  const api = options.kubeConfig.makeApiClient(DiscoveringObjectApi);
  const cluster = options.clusterName;

  async function resolve(
    target: {
      apiVersion: string;
      kind: string;
      namespace?: string;
      name?: string;
    },
    verb: KubeErrorContext['verb'],
  ): Promise<V1APIResource> {
    let resource: V1APIResource | undefined;
    try {
      resource = await api.findResource(target.apiVersion, target.kind);
    } catch (error) {
      // Discovery answers 404 when the whole group/version is not served.
      if ((error as { code?: unknown }).code !== 404) {
        throw toBackstageError(error, { cluster, verb, object: target });
      }
    }
    if (!resource) {
      throw new NotFoundError(
        `cluster "${cluster}" does not serve kind ${target.kind} in ${target.apiVersion}; install the CRD that defines it (or the matching version) before deploying`,
      );
    }
    return resource;
  }

  async function call<T>(
    ref: ObjectRef,
    verb: KubeErrorContext['verb'],
    fn: () => Promise<T>,
  ): Promise<T> {
    const resource = await resolve(ref, verb);
    if (resource.namespaced && !ref.namespace) {
      // client-node would silently fall back to the kubeconfig's default
      // namespace; deploying into "default" by accident is worse than failing.
      throw new InputError(
        `${formatObjectRef(ref)} is namespaced but has no metadata.namespace`,
      );
    }
    try {
      return await fn();
    } catch (error) {
      throw toBackstageError(error, { cluster, verb, object: ref });
    }
  }

  function header(ref: ObjectRef) {
    return {
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      metadata: ref.namespace
        ? { name: ref.name, namespace: ref.namespace }
        : { name: ref.name },
    };
  }

  return {
    clusterName: cluster,

    async apply<T extends KubernetesObject>(
      object: T,
      applyOptions: KubeApplyOptions,
    ): Promise<T> {
      const ref = objectRefOf(object);
      // structuredClone: client-node fills in defaults on the object it is given.
      const body = structuredClone(object);
      return call(ref, 'patch', () =>
        api.patch(
          body,
          undefined, // pretty
          applyOptions.dryRun ? 'All' : undefined,
          WIDE_EP_FIELD_MANAGER,
          applyOptions.force,
          PatchStrategy.ServerSideApply,
        ),
      );
    },

    async read<T extends KubernetesObject>(
      ref: ObjectRef,
    ): Promise<T | undefined> {
      try {
        return await call(ref, 'get', () => api.read<T>(header(ref)));
      } catch (error) {
        if (isObjectNotFound(error)) {
          return undefined;
        }
        throw error;
      }
    },

    async list<T extends KubernetesObject>(
      listOptions: KubeListOptions,
    ): Promise<T[]> {
      const target = {
        apiVersion: listOptions.apiVersion,
        kind: listOptions.kind,
        namespace: listOptions.namespace,
      };
      await resolve(target, 'list');
      const items: T[] = [];
      let continueToken: string | undefined;
      try {
        do {
          const page: KubernetesListObject<T> = await api.list<T>(
            listOptions.apiVersion,
            listOptions.kind,
            listOptions.namespace,
            undefined, // pretty
            undefined, // exact
            undefined, // exportt
            listOptions.fieldSelector,
            listOptions.labelSelector,
            LIST_PAGE_SIZE,
            continueToken,
          );
          items.push(...page.items);
          continueToken = page.metadata?._continue || undefined;
        } while (continueToken);
      } catch (error) {
        throw toBackstageError(error, {
          cluster,
          verb: 'list',
          object: target,
        });
      }
      return items;
    },

    async delete(
      ref: ObjectRef,
      deleteOptions?: { dryRun?: boolean },
    ): Promise<boolean> {
      try {
        await call(ref, 'delete', () =>
          api.delete(
            header(ref),
            undefined, // pretty
            deleteOptions?.dryRun ? 'All' : undefined,
            undefined, // gracePeriodSeconds
            undefined, // orphanDependents
            'Background',
          ),
        );
        return true;
      } catch (error) {
        if (isObjectNotFound(error)) {
          return false;
        }
        throw error;
      }
    },
  };
}

// A 404 for the object itself. Unknown kinds are thrown by resolve() as a
// NotFoundError without a KubernetesApiError cause, so they stay errors.
function isObjectNotFound(error: unknown): boolean {
  const cause = (error as { cause?: { name?: string; code?: number } }).cause;
  return (
    (error as { name?: string }).name === 'NotFoundError' &&
    cause?.name === 'KubernetesApiError' &&
    cause.code === 404
  );
}
