import { ROLES } from '../specSchema';
import type { Role } from '../specSchema';
import type {
  DeploymentCondition,
  RankHealth,
  RankHealthResponse,
  RankMetrics,
  RoleSummary,
} from './types';
import type {
  DeploymentObjects,
  HealthLeaderWorkerSet,
  HealthPod,
  HealthPodCliqueSet,
} from './kubeTypes';
import { ExpectedPod, expectedPods, podGpus, podSlotKey } from './expectedPods';
import { formatDuration, timeOf } from './formatDuration';
import { PodRankLayout, podRankLayout } from './podRankLayout';
import { PodVerdict, podStatusVerdict } from './podStatusVerdict';
import {
  EndpointProbe,
  EngineMetrics,
  ProbeTarget,
  probeTargetsForPod,
  rankEngineMetrics,
} from './probeTargets';
import { rankVerdict } from './rankVerdict';
import { groupHealth } from './groupHealth';
import { workloadConditions } from './workloadConditions';

/** Options for {@link deriveRankHealth}. @public */
export interface DeriveRankHealthOptions {
  entityRef: string;
  cluster: string;
  namespace: string;
  objects: DeploymentObjects;
  /** Probe results by {@link ProbeTarget.key}. */
  probes: ReadonlyMap<string, EndpointProbe>;
  /** Milliseconds since epoch: the clock the startup budgets are measured with. */
  now: number;
  /** When the objects were observed; defaults to `now`. */
  observedAt?: string;
  /** Set when the objects come from a cache that lost its API server. */
  staleReason?: string;
  /** See {@link PodStatusVerdictOptions.defaultStartupBudgetMs}. */
  defaultStartupBudgetMs?: number;
  /** Where the rank metrics come from; defaults to `probes` (the /metrics probes in `probes`). */
  loadSource?: RankHealthResponse['loadSource'];
}

// Informer caches hand out the same object until it changes, so layouts are
// memoised per object: a card polled by many viewers re-derives only states.
// Callers must treat the objects as immutable, as informer caches require.
const layoutOf = memoByObject(podRankLayout);
const expectedOfLws = memoByObject((lws: HealthLeaderWorkerSet) =>
  expectedPods({ leaderWorkerSets: [lws], podCliqueSets: [] }),
);
const expectedOfPcs = memoByObject((pcs: HealthPodCliqueSet) =>
  expectedPods({ leaderWorkerSets: [], podCliqueSets: [pcs] }),
);

function memoByObject<K extends object, V>(fn: (key: K) => V): (key: K) => V {
  const cache = new WeakMap<K, V>();
  return key => {
    if (!cache.has(key)) cache.set(key, fn(key));
    return cache.get(key)!;
  };
}

interface Slot {
  layout: PodRankLayout;
  pod?: HealthPod;
  expected?: ExpectedPod;
}

/**
 * Every probe target of a deployment's pods: what the prober must fetch
 * before {@link deriveRankHealth} runs.
 * @public
 */
export function deploymentProbeTargets(pods: HealthPod[]): ProbeTarget[] {
  return pods.flatMap(pod => {
    const result = layoutOf(pod);
    return 'layout' in result ? probeTargetsForPod(pod, result.layout) : [];
  });
}

/**
 * The rank-health answer for one deployment (rank-health.md §7): every
 * expected rank, whether its pod exists or not, with state and reason from
 * pod status and probes; per-role summary; aggregate conditions. Pure: the
 * same inputs always give the same response.
 * @public
 */
export function deriveRankHealth(
  options: DeriveRankHealthOptions,
): RankHealthResponse {
  const { objects, now } = options;
  const problems: DeploymentCondition[] = [];
  const slots = new Map<string, Slot>();

  for (const expected of [
    ...objects.leaderWorkerSets.flatMap(expectedOfLws),
    ...objects.podCliqueSets.flatMap(expectedOfPcs),
  ]) {
    slots.set(podSlotKey(expected.layout), {
      layout: expected.layout,
      expected,
    });
  }
  for (const pod of objects.pods) {
    const result = layoutOf(pod);
    if (!('layout' in result)) {
      problems.push({
        type: 'RankLayout',
        status: 'False',
        reason: 'UnmappedPod',
        message: result.problem,
        source: `Pod/${pod.metadata?.name}`,
      });
      continue;
    }
    const key = podSlotKey(result.layout);
    const slot = slots.get(key);
    if (!slot) slots.set(key, { layout: result.layout, pod });
    else if (!slot.pod || preferPod(pod, slot.pod))
      slots.set(key, { ...slot, layout: result.layout, pod });
  }
  // Positions of observed groups the workloads did not list (e.g. the
  // workload objects are not readable): the group size is on every pod.
  for (const slot of [...slots.values()]) {
    for (let n = 0; n < slot.layout.podsPerGroup; n++) {
      const key = podSlotKey({ groupKey: slot.layout.groupKey, nodeRank: n });
      if (!slots.has(key))
        slots.set(key, { layout: atNodeRank(slot.layout, n) });
    }
  }

  const verdicts = new Map<string, PodVerdict>();
  for (const [key, slot] of slots) {
    if (slot.pod) {
      verdicts.set(
        key,
        podStatusVerdict(slot.pod, {
          now,
          computeDomains: objects.computeDomains,
          defaultStartupBudgetMs: options.defaultStartupBudgetMs,
        }),
      );
    }
  }

  // A group recreated by its operator restarts the clock for its missing pods.
  const newestInGroup = new Map<string, number>();
  for (const { layout, pod } of slots.values()) {
    const created = timeOf(pod?.metadata?.creationTimestamp);
    if (created !== undefined)
      newestInGroup.set(
        layout.groupKey,
        Math.max(created, newestInGroup.get(layout.groupKey) ?? 0),
      );
  }

  const ranks: RankHealth[] = [];
  const gpus: Record<Role, number> = { prefill: 0, decode: 0 };
  for (const [key, slot] of slots) {
    const { layout, pod } = slot;
    gpus[layout.role] += pod
      ? podGpus(pod.spec, layout.localSize)
      : slot.expected?.gpus ?? layout.localSize;
    let verdict = pod
      ? verdicts.get(key)!
      : missingPodVerdict(
          slot,
          newestInGroup.get(layout.groupKey),
          now,
          options.defaultStartupBudgetMs,
        );
    if (pod && !layout.leader && !verdict.ready) {
      verdict = waitingForLeader(
        verdict,
        slots.get(podSlotKey({ groupKey: layout.groupKey, nodeRank: 0 })),
        verdicts,
      );
    }
    const targets = pod ? probeTargetsForPod(pod, layout) : [];
    for (const rank of layout.ranks) {
      const target = targets.find(t => t.port === rank.port);
      const probe = target ? options.probes.get(target.key) : undefined;
      const metrics = rankEngineMetrics(
        probe?.engines,
        rank.globalRank,
        target?.ranks.length ?? 0,
      );
      const { state, reason } = rankVerdict({
        pod: verdict,
        target,
        probe,
        metrics,
      });
      ranks.push({
        role: layout.role,
        group: layout.group,
        globalRank: rank.globalRank,
        localRank: rank.localRank,
        ...(pod ? { pod: pod.metadata?.name } : {}),
        ...(pod?.spec?.nodeName ? { node: pod.spec.nodeName } : {}),
        port: rank.port,
        state,
        ...(reason ? { reason } : {}),
        metrics: rankMetricsOf(metrics),
        ...(probe ? { probedAt: probe.probedAt } : {}),
      });
    }
  }
  ranks.sort(
    (a, b) =>
      ROLES.indexOf(a.role) - ROLES.indexOf(b.role) ||
      a.group - b.group ||
      a.globalRank - b.globalRank,
  );

  const groups = groupHealth(ranks);
  const summary = {} as Record<Role, RoleSummary>;
  for (const role of ROLES) {
    const own = ranks.filter(r => r.role === role);
    const ownGroups = groups.filter(g => g.role === role);
    summary[role] = {
      ready: own.filter(r => r.state === 'healthy').length,
      total: own.length,
      gpus: gpus[role],
      groupsReady: ownGroups.filter(g => g.state === 'healthy').length,
      groups: ownGroups.length,
    };
  }
  return {
    entityRef: options.entityRef,
    cluster: options.cluster,
    namespace: options.namespace,
    observedAt: options.observedAt ?? new Date(now).toISOString(),
    stale: options.staleReason !== undefined,
    ...(options.staleReason !== undefined
      ? { staleReason: options.staleReason }
      : {}),
    summary,
    conditions: [...workloadConditions(objects), ...problems],
    groups,
    ranks,
    loadSource: options.loadSource ?? 'probes',
  };
}

const RANK_METRIC_FIELDS = [
  'running',
  'waiting',
  'kvCacheUsage',
  'promptTokensPerSecond',
  'generationTokensPerSecond',
  'ttftP95Seconds',
  'itlP95Seconds',
] as const satisfies readonly (keyof RankMetrics)[];

/** The {@link RankMetrics} fields of an engine's metrics (not engineHealthy). */
function rankMetricsOf(metrics: EngineMetrics | undefined): RankMetrics {
  const out: RankMetrics = {};
  for (const field of RANK_METRIC_FIELDS)
    if (metrics?.[field] !== undefined) out[field] = metrics[field];
  return out;
}

/** A replacement pod wins over one that is terminating, then the newer one. */
function preferPod(candidate: HealthPod, current: HealthPod): boolean {
  const deleting = (p: HealthPod) => (p.metadata?.deletionTimestamp ? 1 : 0);
  if (deleting(candidate) !== deleting(current))
    return deleting(candidate) < deleting(current);
  return (
    (timeOf(candidate.metadata?.creationTimestamp) ?? 0) >
    (timeOf(current.metadata?.creationTimestamp) ?? 0)
  );
}

function atNodeRank(layout: PodRankLayout, nodeRank: number): PodRankLayout {
  // groupKey is `lws/<lws>/<g>` or `grove/<clique or scaling group>/<g>`.
  const owner = layout.groupKey.split('/')[1];
  const hostname =
    layout.orchestrator === 'lws'
      ? `${owner}-${layout.group}${nodeRank ? `-${nodeRank}` : ''}`
      : `node rank ${nodeRank} of ${owner}-${layout.group}`;
  return {
    ...layout,
    nodeRank,
    leader: nodeRank === 0,
    hostname,
    ranks: layout.ranks.map(r => ({
      ...r,
      globalRank: nodeRank * layout.localSize + r.localRank,
    })),
  };
}

function missingPodVerdict(
  slot: Slot,
  newestGroupPod: number | undefined,
  now: number,
  defaultStartupBudgetMs = 30 * 60_000,
): PodVerdict {
  const host = slot.layout.hostname;
  if (!slot.expected) {
    const what =
      slot.layout.orchestrator === 'lws'
        ? `pod ${host} does not exist`
        : `${host} has no pod`;
    return {
      state: 'unknown',
      reason: `${what}, and no workload object lists it`,
      ready: false,
    };
  }
  const { owner, ownerCreatedAt } = slot.expected;
  // Since the workload was created, or since its group was last (re)created.
  const since = Math.max(timeOf(ownerCreatedAt) ?? now, newestGroupPod ?? 0);
  const age = now - since;
  if (age <= defaultStartupBudgetMs) {
    return {
      state: 'starting',
      reason: `pod ${host} not created yet by ${owner}`,
      ready: false,
    };
  }
  const clock =
    newestGroupPod !== undefined &&
    newestGroupPod >= (timeOf(ownerCreatedAt) ?? 0)
      ? `its group's newest pod is ${formatDuration(age)} old`
      : `${owner} is ${formatDuration(age)} old`;
  return {
    state: 'unhealthy',
    reason: `pod ${host} is missing: ${owner} has not created it and ${clock}; check the operator's events and the namespace quota`,
    ready: false,
  };
}

/** Workers cannot join the DP group before their leader is up. */
function waitingForLeader(
  own: PodVerdict,
  leader: Slot | undefined,
  verdicts: Map<string, PodVerdict>,
): PodVerdict {
  if (own.state !== 'starting' || !leader) return own;
  const name = leader.pod?.metadata?.name ?? leader.layout.hostname;
  const lv = leader.pod ? verdicts.get(podSlotKey(leader.layout)) : undefined;
  if (!leader.pod)
    return {
      ...own,
      reason: `waiting for leader pod ${name}, which does not exist yet; ${own.reason}`,
    };
  if (!lv || lv.ready) return own;
  return {
    state: lv.state === 'unhealthy' ? 'unhealthy' : 'starting',
    reason: `waiting for leader pod ${name} (${lv.state}: ${lv.reason}); ${own.reason}`,
    ready: false,
  };
}
