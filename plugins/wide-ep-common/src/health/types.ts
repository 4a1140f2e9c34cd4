import type { Role } from '../specSchema';

/**
 * State of one data-parallel rank as the card shows it.
 * - `healthy`: pod Ready and the rank's /health answers 200.
 * - `starting`: scheduled or pending inside the startup budget.
 * - `unhealthy`: crashed, failing /health, or timing out.
 * - `unknown`: no fresh data (API server or probe unreachable).
 * @public
 */
export type RankState = 'healthy' | 'starting' | 'unhealthy' | 'unknown';

/**
 * Load of one rank: from Prometheus when one is configured for the cluster,
 * else read from the rank's vLLM /metrics. Rates and percentiles need a
 * time series, so only Prometheus fills them.
 * @public
 */
export interface RankMetrics {
  running?: number;
  waiting?: number;
  /** 0..1 */
  kvCacheUsage?: number;
  promptTokensPerSecond?: number;
  generationTokensPerSecond?: number;
  ttftP95Seconds?: number;
  itlP95Seconds?: number;
}

/** One rank of `GET /api/wide-ep/ranks`. Field names are fixed. @public */
export interface RankHealth {
  role: Role;
  group: number;
  globalRank: number;
  localRank: number;
  pod?: string;
  node?: string;
  port: number;
  state: RankState;
  /** Why the rank is not healthy, in words a platform engineer acts on. */
  reason?: string;
  metrics: RankMetrics;
  /** When the rank was last probed (ISO 8601). */
  probedAt?: string;
}

/** An aggregate condition (operator status, ComputeDomain, gateway). @public */
export interface DeploymentCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  /** Object the condition comes from, `Kind/name`. */
  source: string;
}

/** @public */
export interface RoleSummary {
  /** Healthy ranks. */
  ready: number;
  total: number;
  gpus: number;
  /** DP groups with every rank healthy: the groups that can serve. */
  groupsReady: number;
  groups: number;
}

/** Response of `GET /api/wide-ep/ranks?entityRef=…`. @public */
export interface RankHealthResponse {
  entityRef: string;
  cluster: string;
  namespace: string;
  /** ISO 8601 time of the data served. */
  observedAt: string;
  /** True when served from cache because the API server is unreachable. */
  stale: boolean;
  staleReason?: string;
  summary: Record<Role, RoleSummary>;
  conditions: DeploymentCondition[];
  /** Every DP group, judged by its ranks (see {@link GroupHealth}). */
  groups: GroupHealth[];
  ranks: RankHealth[];
  /** Where the rank metrics came from: Prometheus, or the backend's own /metrics probes. */
  loadSource: 'prometheus' | 'probes';
}

/**
 * State of one data-parallel group (rank-health.md §7 step 4). Expert
 * parallelism runs collectives across every rank of a group, so one rank
 * that is missing or unhealthy takes the whole group out of service:
 * - `healthy`: every rank healthy;
 * - `degraded`: a rank unhealthy, so the group does not serve;
 * - `starting`: no rank unhealthy, some still starting;
 * - `unknown`: no rank unhealthy or starting, some without fresh data.
 * @public
 */
export type GroupState = 'healthy' | 'degraded' | 'starting' | 'unknown';

/** One DP group of a role, as `GET /api/wide-ep/ranks` lists it. @public */
export interface GroupHealth {
  role: Role;
  group: number;
  state: GroupState;
  /** Healthy ranks of the group. */
  ready: number;
  total: number;
  /** Why the group is not healthy: the first rank in the worst state. */
  reason?: string;
}

/**
 * State of a role or a whole deployment (rank-health.md §7): a group's
 * states plus `empty` (no ranks expected).
 * @public
 */
export type DeploymentState = GroupState | 'empty';
