import type { DeploymentCondition } from './types';
import type {
  DeploymentObjects,
  HealthCondition,
  HealthParentStatus,
} from './kubeTypes';

/**
 * Aggregate conditions of a deployment: the operators' own conditions,
 * copied verbatim, plus one readiness count per object, because LWS and
 * Grove conditions alone do not say "all ranks up" (rank-health.md §2.3,
 * §3.4: `MinAvailableBreached=False` is lenient) and the Kubernetes plugin
 * ignores custom-resource conditions (backstage/backstage #30198). Then the
 * gateway side (rank-health.md §5): the Gateway's own conditions and address,
 * and the per-parent conditions of the HTTPRoute and InferencePool, since
 * ranks can all be healthy while no request reaches them.
 * @public
 */
export function workloadConditions(
  objects: Omit<DeploymentObjects, 'pods'>,
): DeploymentCondition[] {
  const out: DeploymentCondition[] = [];
  for (const lws of byName(objects.leaderWorkerSets)) {
    const source = `LeaderWorkerSet/${lws.metadata?.name}`;
    if (lws.status) {
      const want = lws.spec?.replicas ?? 1;
      const ready = lws.status.readyReplicas ?? 0;
      out.push(count('GroupsReady', ready, want, 'groups ready', source));
    }
    out.push(...copy(lws.status?.conditions, source));
  }
  for (const pcs of byName(objects.podCliqueSets)) {
    const source = `PodCliqueSet/${pcs.metadata?.name}`;
    if (pcs.status) {
      out.push(
        count(
          'ReplicasAvailable',
          pcs.status.availableReplicas ?? 0,
          pcs.spec?.replicas ?? 1,
          'replicas available',
          source,
        ),
      );
    }
    out.push(...copy(pcs.status?.conditions, source));
    for (const gang of pcs.status?.podGangStatuses ?? []) {
      const gangSource = `PodGang/${gang.name}`;
      out.push({
        type: 'PodGangRunning',
        status: gang.phase === 'Running' ? 'True' : 'False',
        reason: gang.phase,
        source: gangSource,
      });
      // Unhealthy and DisruptionTarget are the gang-level alarms; the rest is noise.
      out.push(
        ...copy(
          gang.conditions?.filter(
            c =>
              c.status === 'True' && /Unhealthy|DisruptionTarget/.test(c.type),
          ),
          gangSource,
        ),
      );
    }
  }
  for (const sg of byName(objects.podCliqueScalingGroups)) {
    const source = `PodCliqueScalingGroup/${sg.metadata?.name}`;
    if (sg.status) {
      out.push(
        count(
          'ReplicasAvailable',
          sg.status.availableReplicas ?? 0,
          sg.spec?.replicas ?? 1,
          'replicas available',
          source,
        ),
      );
    }
    out.push(...copy(sg.status?.conditions, source));
  }
  for (const clique of byName(objects.podCliques)) {
    const source = `PodClique/${clique.metadata?.name}`;
    const status = clique.status;
    if (status) {
      const c = count(
        'PodsReady',
        status.readyReplicas ?? 0,
        clique.spec?.replicas ?? 1,
        'pods ready',
        source,
      );
      if (status.scheduleGatedReplicas)
        c.message += `, ${status.scheduleGatedReplicas} schedule-gated`;
      out.push(c);
    }
    out.push(...copy(status?.conditions, source));
  }
  for (const cd of byName(objects.computeDomains)) {
    const nodes = cd.status?.nodes ?? [];
    const ready = nodes.filter(n => n.status === 'Ready').length;
    const want = cd.spec?.numNodes || nodes.length;
    out.push({
      type: 'Ready',
      status: computeDomainStatus(cd.status?.status),
      reason: cd.status?.status,
      message: `${ready}/${want} nodes Ready`,
      source: `ComputeDomain/${cd.metadata?.name}`,
    });
  }
  for (const gw of byName(objects.gateways ?? [])) {
    const source = `Gateway/${gw.metadata?.name}`;
    const conditions = gw.status?.conditions ?? [];
    if (!conditions.some(c => c.type === 'Programmed')) {
      out.push({
        type: 'Programmed',
        status: 'Unknown',
        reason: 'NoStatus',
        message: `no controller has reported on it yet: is a controller for GatewayClass ${
          gw.spec?.gatewayClassName ?? '?'
        } running?`,
        source,
      });
    }
    const addresses = (gw.status?.addresses ?? [])
      .map(a => a.value)
      .filter(Boolean);
    out.push(
      ...copy(conditions, source).map(c =>
        c.type === 'Programmed' && c.status === 'True' && addresses.length
          ? {
              ...c,
              message: `${
                c.message ? `${c.message}; ` : ''
              }address ${addresses.join(', ')}`,
            }
          : c,
      ),
    );
  }
  for (const route of byName(objects.httpRoutes ?? [])) {
    out.push(
      ...parentConditions(
        route.status?.parents,
        `HTTPRoute/${route.metadata?.name}`,
      ),
    );
  }
  for (const pool of byName(objects.inferencePools ?? [])) {
    out.push(
      ...parentConditions(
        pool.status?.parents,
        `InferencePool/${pool.metadata?.name}`,
      ),
    );
  }
  return out;
}

/** Route-style status: one condition set per parent (Gateway), named after it. */
function parentConditions(
  parents: HealthParentStatus[] | undefined,
  source: string,
): DeploymentCondition[] {
  return (parents ?? []).flatMap(parent => {
    const name = parent.parentRef?.name;
    return copy(
      parent.conditions,
      name
        ? `${source} (parent ${parent.parentRef?.kind ?? 'Gateway'}/${name})`
        : source,
    );
  });
}

function computeDomainStatus(
  status: string | undefined,
): DeploymentCondition['status'] {
  if (status === undefined) return 'Unknown';
  return status === 'Ready' ? 'True' : 'False';
}

function count(
  type: string,
  have: number,
  want: number,
  what: string,
  source: string,
): DeploymentCondition {
  return {
    type,
    status: have >= want ? 'True' : 'False',
    message: `${have}/${want} ${what}`,
    source,
  };
}

function copy(
  conditions: HealthCondition[] | undefined,
  source: string,
): DeploymentCondition[] {
  return (conditions ?? []).map(c => ({
    type: c.type,
    status: c.status === 'True' || c.status === 'False' ? c.status : 'Unknown',
    ...(c.reason ? { reason: c.reason } : {}),
    ...(c.message ? { message: c.message } : {}),
    source,
  }));
}

function byName<T extends { metadata?: { name?: string } }>(objects: T[]): T[] {
  return [...objects].sort((a, b) =>
    (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''),
  );
}
