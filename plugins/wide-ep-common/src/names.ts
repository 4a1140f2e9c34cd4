import type { Role, WideEpSpec } from './specSchema';
import { groupPodCount } from './hardware';
import { groveNames, lwsNames } from './operatorModel';

/** Names of every object the generator emits, derived from `spec.name`. @public */
export function objectNames(name: string) {
  return {
    // Not the PodCliqueSet's name: Grove CreateOrPatches an SA of that name
    // and would take this one over (review, minors).
    serviceAccount: `${name}-vllm`,
    lws: (role: Role) => `${name}-${role}`,
    podCliqueSet: name,
    computeDomain: `${name}-compute-domain`,
    computeDomainClaimTemplate: `${name}-compute-domain-channel`,
    pool: `${name}-infpool`,
    epp: `${name}-infpool-epp`,
    eppConfig: `${name}-infpool-epp-config`,
    gateway: `${name}-inference-gateway`,
    gatewayConfig: `${name}-inference-gateway`,
    gatewayParameters: `${name}-gateway-params`,
    route: `${name}-route`,
    /** PodMonitor / PodMonitoring of one role's ranks. */
    rankMonitor: (role: Role) => `${name}-${role}`,
    /** PodMonitor / PodMonitoring of the endpoint picker. */
    eppMonitor: `${name}-infpool-epp`,
  };
}

/** Grove clique layout of one role: a standalone clique or a scaling group. @public */
export type GroveRoleLayout =
  | { kind: 'standalone'; clique: string }
  | {
      kind: 'scalingGroup';
      scalingGroup: string;
      leader: string;
      worker: string;
    };

/** One pod per group stays a standalone clique; larger groups need a PCSG. @public */
export function groveRoleLayout(
  role: Role,
  podsPerGroup: number,
): GroveRoleLayout {
  if (podsPerGroup === 1) return { kind: 'standalone', clique: role };
  return {
    kind: 'scalingGroup',
    scalingGroup: `${role}-sg`,
    leader: `${role}-leader`,
    worker: `${role}-worker`,
  };
}

/**
 * Hostname of a pod as the operator will name it (rank-health.md §2.1, §3.1).
 * Grove pods get a random name suffix, but their hostname is stable.
 * @public
 */
export function podHostname(options: {
  spec: Pick<WideEpSpec, 'name' | 'orchestrator'>;
  role: Role;
  podsPerGroup: number;
  group: number;
  nodeRank: number;
}): string {
  const { spec, role, podsPerGroup, group, nodeRank } = options;
  if (spec.orchestrator === 'lws') {
    return lwsNames.pod(objectNames(spec.name).lws(role), group, nodeRank);
  }
  // One PodCliqueSet replica; a role's DP groups are clique pods (one pod
  // per group) or scaling-group replicas (leader pod 0, worker pods 0..).
  const layout = groveRoleLayout(role, podsPerGroup);
  const place = { pcs: spec.name, replica: 0 };
  if (layout.kind === 'standalone')
    return groveNames.hostname(
      groveNames.clique({ ...place, clique: layout.clique }),
      group,
    );
  const scalingGroup = { name: layout.scalingGroup, replica: group };
  return nodeRank === 0
    ? groveNames.hostname(
        groveNames.clique({ ...place, clique: layout.leader, scalingGroup }),
        0,
      )
    : groveNames.hostname(
        groveNames.clique({ ...place, clique: layout.worker, scalingGroup }),
        nodeRank - 1,
      );
}

/**
 * Names the operators and gateways derive from ours that must stay valid
 * DNS labels (63 characters), with the longest index the spec produces.
 * @public
 */
export function derivedDnsNames(
  spec: WideEpSpec,
): { what: string; value: string }[] {
  const names = objectNames(spec.name);
  const out: { what: string; value: string }[] = [
    { what: 'endpoint picker Service', value: names.epp },
    { what: 'Gateway', value: names.gateway },
  ];
  if (spec.gateway === 'istio') {
    out.push({
      what: 'Istio gateway Service',
      value: `${names.gateway}-istio`,
    });
  }
  for (const role of ['prefill', 'decode'] as const) {
    const r = spec[role];
    const N = groupPodCount(spec.hardware, r.dataParallelSize);
    const lastGroup = r.replicas - 1;
    const lastNode = N - 1;
    const host = podHostname({
      spec,
      role,
      podsPerGroup: N,
      group: lastGroup,
      nodeRank: lastNode,
    });
    out.push({ what: `${role} pod hostname`, value: host });
    if (spec.orchestrator === 'lws') {
      // The StatefulSet controller appends "-<10-char hash>" in a label value.
      out.push({
        what: `${role} worker StatefulSet revision label`,
        value: `${names.lws(role)}-${lastGroup}-0123456789`,
      });
    } else {
      // Grove pods use generateName "<podclique>-" plus 5 random characters.
      const layout = groveRoleLayout(role, N);
      const clique = groveNames.clique(
        layout.kind === 'standalone'
          ? { pcs: spec.name, replica: 0, clique: layout.clique }
          : {
              pcs: spec.name,
              replica: 0,
              clique: layout.worker,
              scalingGroup: { name: layout.scalingGroup, replica: lastGroup },
            },
      );
      out.push({ what: `${role} pod name`, value: `${clique}-abcde` });
    }
  }
  return out;
}
