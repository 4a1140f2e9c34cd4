import {
  HARDWARE_PROFILES,
  KINDS,
  RenderResult,
  gatewayClassName,
} from '@internal/plugin-wide-ep-common';
import type {
  PreflightRequirements,
  PreflightResourceRequirement,
} from './preflight';

/**
 * CRD of every custom-resource kind the renderer can emit: `<plural>.<group>`
 * and why the deployment needs it, from the kind registry (`KINDS` in
 * -common), whose test fails when a rendered custom kind lacks a reason.
 *
 * @public
 */
export const CUSTOM_KIND_CRDS: Readonly<
  Record<string, { plural: string; why: string }>
> = Object.fromEntries(
  KINDS.filter(k => k.rendered && k.crd).map(k => [
    k.kind,
    { plural: k.plural, why: k.crd!.why },
  ]),
);

const GROVE_OPERATOR_CRDS = [
  {
    name: 'podcliques.grove.io',
    versions: ['v1alpha1'],
    why: 'the PodCliques the Grove operator creates for each role',
  },
  {
    name: 'podcliquescalinggroups.grove.io',
    versions: ['v1alpha1'],
    why: 'the scaling groups the Grove operator creates for multi-pod roles',
  },
];

/**
 * What a rendered deployment needs from its cluster, checked by
 * `runPreflight` before anything is applied.
 *
 * @remarks
 * Pure. CRDs come from the rendered objects themselves (so preflight checks
 * exactly the kinds apply will send, including provider extras such as an
 * Istio DestinationRule), plus the CRDs the Grove operator writes. GPUs and
 * fabric resources come from the topology plan: every pod of both roles
 * requests `gpusPerPod` GPUs; CoreWeave H200/B200 pods also request one
 * `rdma/ib`, and GKE GB200 pods one of each `networking.gke.io.networks/rdma-0..3`.
 *
 * @public
 */
export function preflightRequirements(
  rendered: Pick<RenderResult, 'spec' | 'plan' | 'objects'>,
): PreflightRequirements {
  const { spec, plan, objects } = rendered;
  const crds = new Map<string, PreflightRequirements['crds'][number]>();
  for (const object of objects) {
    const known = CUSTOM_KIND_CRDS[object.kind];
    if (!known) continue;
    const [group, version] = object.apiVersion.split('/');
    const name = `${known.plural}.${group}`;
    const existing = crds.get(name);
    if (existing) {
      existing.versions = [...new Set([...(existing.versions ?? []), version])];
    } else {
      crds.set(name, { name, versions: [version], why: known.why });
    }
  }
  if (spec.orchestrator === 'grove') {
    for (const crd of GROVE_OPERATOR_CRDS) crds.set(crd.name, { ...crd });
    if (spec.grove.topologyName) {
      crds.set('clustertopologybindings.grove.io', {
        name: 'clustertopologybindings.grove.io',
        why: `grove.topologyName ${spec.grove.topologyName}`,
      });
    }
  }

  const profile = HARDWARE_PROFILES[spec.hardware];
  const pods = plan.totalPods;
  const perPod = Math.max(
    plan.roles.prefill.gpusPerPod,
    plan.roles.decode.gpusPerPod,
  );
  const extraResources: PreflightResourceRequirement[] = [];
  if (spec.clusterProvider === 'coreweave' && profile.fabric === 'rdma') {
    extraResources.push({ resource: 'rdma/ib', perPod: 1, pods });
  }
  if (spec.clusterProvider === 'gke' && profile.fabric === 'mnnvl') {
    for (let i = 0; i < 4; i++) {
      extraResources.push({
        resource: `networking.gke.io.networks/rdma-${i}`,
        perPod: 1,
        pods,
      });
    }
  }

  const className = gatewayClassName(spec.gateway);
  return {
    crds: [...crds.values()],
    ...(className ? { gatewayClassName: className } : {}),
    namespace: spec.namespace,
    secret: { name: spec.hfTokenSecret.name, key: spec.hfTokenSecret.key },
    gpus: { resource: 'nvidia.com/gpu', perPod, pods },
    ...(extraResources.length ? { extraResources } : {}),
  };
}
