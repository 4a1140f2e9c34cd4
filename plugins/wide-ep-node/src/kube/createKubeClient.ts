import type {
  Configuration,
  KubeConfig,
  KubernetesListObject,
  KubernetesObject,
  V1APIResource,
} from '@kubernetes/client-node';
import { InputError, NotFoundError } from '@backstage/errors';
import { Clock, systemClock } from '../clock';
import { KubeErrorContext, toBackstageError } from './errors';
import { WIDE_EP_FIELD_MANAGER } from './fieldManager';
import { loadClientNode } from './loadClientNode';
import { formatObjectRef, objectRefOf } from './objectRef';
import {
  KubeCallRunner,
  KubeConnectOptions,
  TimedRequest,
  resolveKubeCallPolicy,
} from './patience';
import type {
  KubeApplyOptions,
  KubeClient,
  KubeListOptions,
  ObjectRef,
} from './types';

/**
 * Options for {@link createKubeClient}. The {@link KubeConnectOptions} set
 * how long each call waits on the cluster and who hears about it.
 *
 * @public
 */
export interface CreateKubeClientOptions extends KubeConnectOptions {
  /** Configured cluster name, used in error messages. */
  clusterName: string;
  /** Credentials and endpoint, e.g. from `ClusterRegistry.makeKubeConfig`. */
  kubeConfig: KubeConfig;
  /** Times attempts and backoff; default {@link systemClock}. */
  clock?: Clock;
}

const LIST_PAGE_SIZE = 500;

/**
 * Creates a {@link KubeClient} backed by client-node's generic
 * `KubernetesObjectApi`, which resolves REST paths through API discovery
 * rather than guessing plurals.
 *
 * @remarks
 * Every call runs under a {@link KubeCallPolicy}: each HTTP request
 * (discovery, each page of a list, the apply itself) is abandoned after
 * `attemptTimeoutMs`; a transient failure (timeout, refused or reset
 * connection, 429, 5xx) retries the whole call with exponential backoff,
 * reporting through `onSlow`, until `giveUpAfterMs`, then throws
 * {@link ClusterNotAnsweringError} naming the cluster, the call and the time
 * waited. Retrying is safe because every call is idempotent: reads and
 * lists, server-side apply (the same patch twice stores the same object)
 * and delete (a retried delete that had already happened finds the object
 * gone, and reports it as such).
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
      config: Configuration,
    ): Promise<V1APIResource | undefined> {
      return this.resource(apiVersion, kind, config);
    }

    /**
     * This client's configuration with `signal` set on every request it
     * makes. client-node 1.x builds each request context from the
     * `options` argument's `baseServer`, and node-fetch aborts the request
     * (and the reading of its body) when the signal fires.
     */
    withSignal(signal: AbortSignal): Configuration {
      const base = this.configuration;
      return {
        ...base,
        baseServer: {
          makeRequestContext(endpoint, method) {
            const context = base.baseServer.makeRequestContext(
              endpoint,
              method,
            );
            context.setSignal(signal);
            return context;
          },
        },
      };
    }
  }

  const api = options.kubeConfig.makeApiClient(DiscoveringObjectApi);
  const cluster = options.clusterName;
  const policy = resolveKubeCallPolicy(options.policy);
  if (options.maxWaitMs !== undefined) {
    policy.giveUpAfterMs = Math.min(policy.giveUpAfterMs, options.maxWaitMs);
  }
  const runner = new KubeCallRunner({
    cluster,
    policy,
    clock: options.clock ?? systemClock,
    onSlow: options.onSlow,
    signal: options.signal,
  });

  async function resolve(
    request: TimedRequest,
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
      resource = await request(signal =>
        api.findResource(
          target.apiVersion,
          target.kind,
          api.withSignal(signal),
        ),
      );
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

  /** `apply Deployment llm-d/x`, `list Pod llm-d`: what onSlow and give-up errors name. */
  function describeCall(
    what: string,
    target: { kind: string; namespace?: string; name?: string },
  ): string {
    if (target.name) {
      return `${what} ${formatObjectRef({ ...target, name: target.name })}`;
    }
    return `${what} ${target.kind}${
      target.namespace ? ` ${target.namespace}` : ''
    }`;
  }

  function call<T>(
    what: string,
    ref: ObjectRef,
    verb: KubeErrorContext['verb'],
    fn: (config: Configuration) => Promise<T>,
  ): Promise<T> {
    return runner.run(describeCall(what, ref), async request => {
      const resource = await resolve(request, ref, verb);
      if (resource.namespaced && !ref.namespace) {
        // client-node would silently fall back to the kubeconfig's default
        // namespace; deploying into "default" by accident is worse than failing.
        throw new InputError(
          `${formatObjectRef(ref)} is namespaced but has no metadata.namespace`,
        );
      }
      try {
        return await request(signal => fn(api.withSignal(signal)));
      } catch (error) {
        throw toBackstageError(error, { cluster, verb, object: ref });
      }
    });
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
      return call(
        applyOptions.dryRun ? 'apply (dry run)' : 'apply',
        ref,
        'patch',
        config =>
          api.patch(
            body,
            undefined, // pretty
            applyOptions.dryRun ? 'All' : undefined,
            WIDE_EP_FIELD_MANAGER,
            applyOptions.force,
            PatchStrategy.ServerSideApply,
            config,
          ),
      );
    },

    async read<T extends KubernetesObject>(
      ref: ObjectRef,
    ): Promise<T | undefined> {
      try {
        return await call('read', ref, 'get', config =>
          api.read<T>(
            header(ref),
            undefined, // pretty
            undefined, // exact
            undefined, // exportt
            config,
          ),
        );
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
      // A retry starts the list over: continue tokens expire, and a
      // half-read list is no list.
      return runner.run(describeCall('list', target), async request => {
        await resolve(request, target, 'list');
        const items: T[] = [];
        let continueToken: string | undefined;
        try {
          do {
            const token = continueToken;
            const page: KubernetesListObject<T> = await request(signal =>
              api.list<T>(
                listOptions.apiVersion,
                listOptions.kind,
                listOptions.namespace,
                undefined, // pretty
                undefined, // exact
                undefined, // exportt
                listOptions.fieldSelector,
                listOptions.labelSelector,
                LIST_PAGE_SIZE,
                token,
                api.withSignal(signal),
              ),
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
      });
    },

    async delete(
      ref: ObjectRef,
      deleteOptions?: { dryRun?: boolean },
    ): Promise<boolean> {
      try {
        await call(
          deleteOptions?.dryRun ? 'delete (dry run)' : 'delete',
          ref,
          'delete',
          config =>
            api.delete(
              header(ref),
              undefined, // pretty
              deleteOptions?.dryRun ? 'All' : undefined,
              undefined, // gracePeriodSeconds
              undefined, // orphanDependents
              'Background',
              undefined, // body
              config,
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
