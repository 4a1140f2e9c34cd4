import type { KubernetesObject } from '@kubernetes/client-node';
import { InputError } from '@backstage/errors';
import type { ObjectRef } from './types';

/**
 * The reference of a rendered object. Throws `InputError` when `apiVersion`,
 * `kind` or `metadata.name` is missing, since nothing can be applied then.
 *
 * @public
 */
export function objectRefOf(object: KubernetesObject): ObjectRef {
  const { apiVersion, kind } = object;
  const name = object.metadata?.name;
  if (!apiVersion || !kind || !name) {
    throw new InputError(
      `cannot apply an object without apiVersion, kind and metadata.name (got apiVersion=${
        apiVersion ?? '<none>'
      }, kind=${kind ?? '<none>'}, name=${name ?? '<none>'})`,
    );
  }
  const namespace = object.metadata?.namespace;
  return namespace
    ? { apiVersion, kind, namespace, name }
    : { apiVersion, kind, name };
}

/**
 * `Kind namespace/name`, or `Kind name` for cluster-scoped objects; the one
 * shape every message and log line uses.
 *
 * @public
 */
export function formatObjectRef(
  ref: Pick<ObjectRef, 'kind' | 'name'> & { namespace?: string },
): string {
  return ref.namespace
    ? `${ref.kind} ${ref.namespace}/${ref.name}`
    : `${ref.kind} ${ref.name}`;
}

/** API group of an apiVersion; `''` for the core group. @public */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

// Groups served by kube-apiserver itself. Anything else comes from a CRD or
// an aggregated API; note that some CRD groups also end in `.k8s.io`
// (gateway.networking.k8s.io, inference.networking.k8s.io), so a suffix test
// would be wrong.
const BUILT_IN_GROUPS = new Set([
  '',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'internal.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
  'storagemigration.k8s.io',
]);

/** Whether the kind is defined by a CRD rather than built in. @public */
export function isCustomResource(apiVersion: string): boolean {
  return !BUILT_IN_GROUPS.has(apiGroupOf(apiVersion));
}
