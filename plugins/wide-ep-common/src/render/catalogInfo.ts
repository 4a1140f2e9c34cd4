import { ENTITY_ANNOTATIONS } from '../constants';
import { VERSION_SET } from '../versionSet';
import { podSelectorString, servedModelName } from '../labels';
import type { WideEpSpec } from '../specSchema';
import type { TopologyPlan } from '../topology';
import type { KubernetesObject } from '../types';

/**
 * The catalog entity for the deployment. Its annotations are what the
 * rank-health card and the Kubernetes plugin use to find the workloads.
 * @public
 */
export function renderCatalogInfo(
  spec: WideEpSpec,
  topology: TopologyPlan,
  workloads: KubernetesObject[],
) {
  const annotations: Record<string, string> = {
    [ENTITY_ANNOTATIONS.kubernetesId]: spec.name,
    [ENTITY_ANNOTATIONS.kubernetesNamespace]: spec.namespace,
    [ENTITY_ANNOTATIONS.deployment]: spec.name,
    [ENTITY_ANNOTATIONS.orchestrator]: spec.orchestrator,
    [ENTITY_ANNOTATIONS.hardware]: spec.hardware,
    [ENTITY_ANNOTATIONS.podSelector]: podSelectorString(spec),
    [ENTITY_ANNOTATIONS.workloads]: workloads
      .map(w => `${w.kind}/${w.metadata.name}`)
      .join(','),
    [ENTITY_ANNOTATIONS.spec]: JSON.stringify(spec),
    [ENTITY_ANNOTATIONS.versionSet]: VERSION_SET.name,
  };
  if (spec.cluster)
    annotations[ENTITY_ANNOTATIONS.kubernetesCluster] = spec.cluster;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: spec.name,
      title: `${spec.name} (wide-EP ${servedModelName(spec)})`,
      description: `llm-d wide expert-parallel deployment of ${servedModelName(
        spec,
      )} on ${topology.totalGpus} ${spec.hardware.toUpperCase()} GPUs`,
      annotations,
      tags: ['llm-d', 'wide-ep', spec.hardware, spec.orchestrator],
    },
    spec: { type: 'service', lifecycle: 'production', owner: spec.owner },
  };
}
