import type { KubernetesObject } from '@kubernetes/client-node';
import { LABELS } from '@internal/plugin-wide-ep-common';
import { apiGroupOf, formatObjectRef, objectRefOf } from './objectRef';
import type { KubeClient, ObjectRef } from './types';

/** Options of {@link findDeploymentObjects}. @public */
export interface FindDeploymentObjectsOptions {
  client: KubeClient;
  namespace: string;
  /** The deployment name: objects labelled `wide-ep.backstage.io/deployment=<name>`. */
  deployment: string;
  /**
   * The rendered objects: each is read by name, and each of their kinds is
   * listed by the deployment label, which finds what an earlier render
   * applied and this one no longer has.
   */
  objects: readonly KubernetesObject[];
}

/** What the cluster holds of a deployment. @public */
export interface DeploymentObjectsInCluster {
  /** Live objects: the rendered ones that exist, and labelled strays. */
  live: KubernetesObject[];
  /** Kinds the cluster does not serve (CRD missing): nothing of them can exist. */
  unservedKinds: string[];
}

/**
 * Reads what the cluster holds of a deployment, for the diff and the
 * teardown: every rendered object by name, plus every object of a rendered
 * kind that carries the deployment's label.
 *
 * @remarks
 * Only kinds the render produces are listed, in the deployment's
 * namespace: the product never looks (or deletes) outside them.
 * @public
 */
export async function findDeploymentObjects(
  options: FindDeploymentObjectsOptions,
): Promise<DeploymentObjectsInCluster> {
  const { client, namespace, deployment } = options;
  const live = new Map<string, KubernetesObject>();
  const unserved = new Set<string>();
  const kinds = new Map<string, { apiVersion: string; kind: string }>();
  for (const object of options.objects) {
    kinds.set(`${object.apiVersion}|${object.kind}`, {
      apiVersion: object.apiVersion!,
      kind: object.kind!,
    });
  }
  for (const { apiVersion, kind } of kinds.values()) {
    try {
      const items = await client.list({
        apiVersion,
        kind,
        namespace,
        labelSelector: `${LABELS.deployment}=${deployment}`,
      });
      for (const item of items) {
        // A list's items carry no apiVersion/kind.
        const object = { ...item, apiVersion, kind };
        live.set(objectKey(objectRefOf(object)), object);
      }
    } catch (error) {
      if (isUnservedKind(error)) unserved.add(`${kind} (${apiVersion})`);
      else throw error;
    }
  }
  for (const object of options.objects) {
    const ref = objectRefOf(object);
    if (
      live.has(objectKey(ref)) ||
      unserved.has(`${ref.kind} (${ref.apiVersion})`)
    ) {
      continue;
    }
    const found = await client.read(ref);
    if (found)
      live.set(objectKey(ref), {
        ...found,
        apiVersion: ref.apiVersion,
        kind: ref.kind,
      });
  }
  return { live: [...live.values()], unservedKinds: [...unserved] };
}

// createKubeClient reports an unserved kind as a NotFoundError without a
// Kubernetes status cause (it fails before any request for the object).
function isUnservedKind(error: unknown): boolean {
  const e = error as { name?: string; cause?: { name?: string } };
  return e?.name === 'NotFoundError' && e.cause?.name !== 'KubernetesApiError';
}

/** Identity of an object across API versions of its group: group, kind, namespace, name. */
export function objectKey(ref: ObjectRef): string {
  return `${apiGroupOf(ref.apiVersion)}|${formatObjectRef(ref)}`;
}
