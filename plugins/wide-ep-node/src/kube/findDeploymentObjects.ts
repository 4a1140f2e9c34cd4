import type { KubernetesObject } from '@kubernetes/client-node';
import { KINDS, LABELS } from '@internal/plugin-wide-ep-common';
import { apiGroupOf, formatObjectRef, objectRefOf } from './objectRef';
import type { KubeClient, ObjectRef } from './types';

/** Options of {@link findDeploymentObjects}. @public */
export interface FindDeploymentObjectsOptions {
  client: KubeClient;
  namespace: string;
  /** The deployment name: objects labelled `wide-ep.backstage.io/deployment=<name>`. */
  deployment: string;
  /**
   * The rendered objects: each is read by name. Every kind the product can
   * render is listed by the deployment label, which finds what an earlier
   * render applied and this one no longer has, even of a kind this render
   * lacks (monitoring switched off, another gateway provider).
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
 * teardown: every rendered object by name, plus every object of a kind the
 * product renders (the kind registry) that carries the deployment's label.
 *
 * @remarks
 * Only kinds the product renders are listed, in the deployment's
 * namespace: the product never looks (or deletes) outside them. A kind
 * the cluster does not serve is reported only when this render has it;
 * a kind of another variant that the cluster lacks cannot hold strays.
 * @public
 */
export async function findDeploymentObjects(
  options: FindDeploymentObjectsOptions,
): Promise<DeploymentObjectsInCluster> {
  const { client, namespace, deployment } = options;
  const live = new Map<string, KubernetesObject>();
  const unserved = new Set<string>();
  const kinds = new Map<
    string,
    { apiVersion: string; kind: string; inRender: boolean }
  >();
  for (const object of options.objects) {
    kinds.set(`${object.apiVersion}|${object.kind}`, {
      apiVersion: object.apiVersion!,
      kind: object.kind!,
      inRender: true,
    });
  }
  // Every kind the renderer can emit, so strays of an earlier variant are
  // found; the Namespace is never the deployment's to list or delete.
  for (const info of KINDS) {
    if (!info.rendered || info.kind === 'Namespace') continue;
    const key = `${info.apiVersion}|${info.kind}`;
    if (!kinds.has(key))
      kinds.set(key, {
        apiVersion: info.apiVersion,
        kind: info.kind,
        inRender: false,
      });
  }
  for (const { apiVersion, kind, inRender } of kinds.values()) {
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
      if (!isUnservedKind(error)) throw error;
      if (inRender) unserved.add(`${kind} (${apiVersion})`);
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
