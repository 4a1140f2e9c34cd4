import { groupHealth } from '@internal/plugin-wide-ep-common';
import type {
  RankHealth,
  RankHealthResponse,
  RankState,
  Role,
} from '@internal/plugin-wide-ep-common';

/** Shape of one role in a generated response. */
export interface FixtureRole {
  groups: number;
  podsPerGroup: number;
  ranksPerPod: number;
}

/**
 * Builds a rank-health response the way the backend lays it out: LWS pod
 * names, one node per pod, ports 8000.. (prefill) and 8200.. (decode).
 * `overrides` replaces fields of single ranks, keyed `role/group/globalRank`.
 */
export function makeRankHealthResponse(options: {
  prefill?: FixtureRole;
  decode?: FixtureRole;
  state?: RankState;
  overrides?: Record<string, Partial<RankHealth>>;
  stale?: boolean;
  staleReason?: string;
}): RankHealthResponse {
  const ranks: RankHealth[] = [];
  const summary = {} as RankHealthResponse['summary'];
  for (const role of ['prefill', 'decode'] as Role[]) {
    const layout = options[role] ?? {
      groups: 0,
      podsPerGroup: 0,
      ranksPerPod: 8,
    };
    const roleRanks: RankHealth[] = [];
    for (let g = 0; g < layout.groups; g++) {
      for (let n = 0; n < layout.podsPerGroup; n++) {
        const pod =
          n === 0 ? `wide-ep-${role}-${g}` : `wide-ep-${role}-${g}-${n}`;
        for (let i = 0; i < layout.ranksPerPod; i++) {
          const globalRank = n * layout.ranksPerPod + i;
          const rank: RankHealth = {
            role,
            group: g,
            globalRank,
            localRank: i,
            pod,
            node: `gpu-node-${role}-${g}-${n}`,
            port: (role === 'decode' ? 8200 : 8000) + i,
            state: options.state ?? 'healthy',
            metrics: { running: 3, waiting: 1, kvCacheUsage: 0.42 },
            probedAt: '2026-11-22T10:00:00Z',
          };
          roleRanks.push({
            ...rank,
            ...options.overrides?.[`${role}/${g}/${globalRank}`],
          });
        }
      }
    }
    ranks.push(...roleRanks);
    const roleGroups = groupHealth(roleRanks);
    summary[role] = {
      ready: roleRanks.filter(r => r.state === 'healthy').length,
      total: roleRanks.length,
      gpus: roleRanks.length,
      groupsReady: roleGroups.filter(g => g.state === 'healthy').length,
      groups: roleGroups.length,
    };
  }
  return {
    entityRef: 'component:default/wide-ep',
    cluster: 'coreweave-us-east',
    namespace: 'llm-d-wide-ep',
    observedAt: '2026-11-22T10:00:05Z',
    stale: options.stale ?? false,
    staleReason: options.staleReason,
    summary,
    conditions: [
      {
        type: 'Available',
        status: 'True',
        reason: 'AllGroupsReady',
        message: 'All replicas are ready',
        source: 'LeaderWorkerSet/wide-ep-decode',
      },
    ],
    groups: groupHealth(ranks),
    ranks,
    loadSource: 'probes',
  };
}

/** 128 pods x 8 ranks = 1,024 ranks, a few of them not healthy. */
export function makeLargeRankHealthResponse(
  overrides: Record<string, Partial<RankHealth>> = {
    'decode/2/37': { state: 'unhealthy', reason: '/health returned 503' },
    'decode/5/120': { state: 'starting', reason: 'container vllm is starting' },
    'prefill/1/3': { state: 'unknown', reason: 'probe timed out' },
  },
): RankHealthResponse {
  return makeRankHealthResponse({
    prefill: { groups: 4, podsPerGroup: 8, ranksPerPod: 8 },
    decode: { groups: 6, podsPerGroup: 16, ranksPerPod: 8 },
    overrides,
  });
}

/**
 * One deployment of 10,000 ranks with a realistic mix of trouble:
 * prefill 125 groups x 2 pods x 8 ranks, decode 125 groups x 8 pods x 8.
 * Two decode pods lost (every rank refusing connections), one rank in ~211
 * answering 503, one in ~997 timing out, and four groups (one prefill,
 * three decode) starting after a restart.
 */
export function makeFleetRankHealthResponse(): RankHealthResponse {
  const overrides: Record<string, Partial<RankHealth>> = {};
  const where = (role: Role, g: number, n: number, i: number) =>
    `${n === 0 ? `wide-ep-${role}-${g}` : `wide-ep-${role}-${g}-${n}`}:${
      (role === 'decode' ? 8200 : 8000) + i
    }`;
  const layout = {
    prefill: { groups: 125, podsPerGroup: 2, ranksPerPod: 8 },
    decode: { groups: 125, podsPerGroup: 8, ranksPerPod: 8 },
  };
  let index = 0;
  for (const role of ['prefill', 'decode'] as Role[]) {
    const { groups, podsPerGroup, ranksPerPod } = layout[role];
    for (let g = 0; g < groups; g++) {
      for (let n = 0; n < podsPerGroup; n++) {
        for (let i = 0; i < ranksPerPod; i++, index++) {
          const key = `${role}/${g}/${n * ranksPerPod + i}`;
          const at = where(role, g, n, i);
          if (
            role === 'decode' &&
            ((g === 7 && n === 3) || (g === 58 && n === 6))
          ) {
            overrides[key] = {
              state: 'unhealthy',
              reason: `connection refused on ${at}: the vLLM API server is not listening`,
            };
          } else if (
            (role === 'prefill' && g === 30) ||
            (role === 'decode' && g >= 100 && g <= 102)
          ) {
            overrides[key] = {
              state: 'starting',
              reason: 'container vllm is starting (loading model weights)',
            };
          } else if (index % 211 === 17) {
            overrides[key] = {
              state: 'unhealthy',
              reason: `/health returned 503 on ${at}`,
            };
          } else if (index % 997 === 5) {
            overrides[key] = {
              state: 'unknown',
              reason: `probe timed out after 2000 ms on ${at}`,
            };
          }
        }
      }
    }
  }
  return makeRankHealthResponse({ ...layout, overrides });
}
