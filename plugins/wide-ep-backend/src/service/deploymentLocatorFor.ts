import type { Entity } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  ENTITY_ANNOTATIONS,
  ORCHESTRATORS,
  Orchestrator,
} from '@internal/plugin-wide-ep-common';
import type { DeploymentLocator } from '@internal/plugin-wide-ep-node';

/** The configured clusters, as far as locating a deployment needs them. @public */
export interface ClusterNames {
  names(): string[];
  /** Configured clusters that cannot be used, with the reason. */
  unusable?(): { name: string; reason: string }[];
  /** Throws `InputError` for an unknown name. */
  get(name: string): { name: string };
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Where an entity's deployment runs, from its annotations (written by the
 * generator's catalog-info.yaml), as the Kubernetes plugin would resolve
 * them.
 *
 * @remarks
 * Only the cluster name, namespace and deployment name are taken from the
 * entity, and each must be a configured cluster or a DNS label; the pods
 * to probe are then found by label in that namespace. Other annotations,
 * such as a pod selector, a URL or an API server, are ignored, so an entity
 * can point at a deployment but never at an arbitrary host.
 *
 * Cluster: `backstage.io/kubernetes-cluster`, else the only configured
 * cluster, else an `InputError`.
 *
 * @public
 */
export function deploymentLocatorFor(
  entity: Entity,
  clusters: ClusterNames,
): DeploymentLocator {
  const ref = stringifyEntityRef(entity);
  const annotations = entity.metadata.annotations ?? {};
  const required = (key: string, what: string): string => {
    const value = annotations[key];
    if (!value) {
      throw new InputError(
        `entity ${ref} has no ${key} annotation (${what}); it is written by the wide-EP template into catalog-info.yaml`,
      );
    }
    if (value.length > 63 || !DNS_LABEL.test(value)) {
      throw new InputError(
        `entity ${ref}: annotation ${key} must be a DNS-1123 label, got "${value}"`,
      );
    }
    return value;
  };
  const deployment = required(
    ENTITY_ANNOTATIONS.deployment,
    'the wide-EP deployment name',
  );
  const namespace = required(
    ENTITY_ANNOTATIONS.kubernetesNamespace,
    'the namespace of the deployment',
  );
  const orchestrator = orchestratorOf(annotations, ref);

  let cluster: string;
  const named = annotations[ENTITY_ANNOTATIONS.kubernetesCluster];
  if (named) {
    cluster = clusters.get(named).name;
  } else {
    const names = clusters.names();
    if (names.length !== 1) {
      const setAside = (clusters.unusable?.() ?? []).map(
        c => `; "${c.name}" cannot be used: ${c.reason}`,
      );
      throw new InputError(
        `entity ${ref} has no ${
          ENTITY_ANNOTATIONS.kubernetesCluster
        } annotation and ${names.length} clusters are configured (${
          names.join(', ') || 'none'
        }); annotate the entity with the cluster name${setAside.join('')}`,
      );
    }
    cluster = names[0];
  }
  // ComputeDomains exist only on GB200 (rank-health.md §4); without the
  // hardware annotation, watch them anyway (a missing CRD is harmless).
  const hardware = annotations[ENTITY_ANNOTATIONS.hardware];
  return {
    cluster,
    namespace,
    deployment,
    orchestrator,
    computeDomains: hardware === undefined || hardware === 'gb200',
  };
}

function orchestratorOf(
  annotations: Record<string, string>,
  ref: string,
): Orchestrator {
  const value = annotations[ENTITY_ANNOTATIONS.orchestrator];
  if ((ORCHESTRATORS as readonly string[]).includes(value))
    return value as Orchestrator;
  if (value) {
    throw new InputError(
      `entity ${ref}: annotation ${
        ENTITY_ANNOTATIONS.orchestrator
      } must be one of ${ORCHESTRATORS.join(', ')}, got "${value}"`,
    );
  }
  const workloads = annotations[ENTITY_ANNOTATIONS.workloads] ?? '';
  if (/(^|,)LeaderWorkerSet\//.test(workloads)) return 'lws';
  if (/(^|,)PodCliqueSet\//.test(workloads)) return 'grove';
  throw new InputError(
    `entity ${ref} has no ${ENTITY_ANNOTATIONS.orchestrator} annotation (lws or grove)`,
  );
}
