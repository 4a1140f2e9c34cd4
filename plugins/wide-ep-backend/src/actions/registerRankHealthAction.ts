import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import type { RankHealthResponse } from '@internal/plugin-wide-ep-common';

/** Ranks listed by the action; the counts say how many more there are. */
export const MAX_LISTED_RANKS = 50;

/**
 * Registers `get-rank-health` with the actions registry, so MCP clients and
 * other plugins can ask "is the wide-EP deployment of entity X serving, and
 * if not, why?". Read-only; the caller's credentials go to the same service
 * (and permission checks) as `GET /api/wide-ep/ranks`. The answer is sized
 * for an assistant: summary, group verdicts, the conditions that are not
 * True and at most 50 ranks that are not healthy, never all 1,024.
 */
export function registerRankHealthAction(options: {
  actionsRegistry: ActionsRegistryService;
  rankHealth: {
    getRankHealth(request: {
      entityRef: string;
      credentials: BackstageCredentials;
    }): Promise<RankHealthResponse>;
  };
}): void {
  const { actionsRegistry, rankHealth } = options;
  actionsRegistry.register({
    name: 'get-rank-health',
    title: 'Get wide-EP rank health',
    description:
      'Health of a wide expert-parallel (llm-d) deployment behind a catalog entity: ready ranks and serving data-parallel groups per role (prefill, decode), each group that does not serve with the reason, the operator and gateway conditions that are not True, and up to 50 ranks that are not healthy with pod, node, port and reason.',
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .describe(
              'Entity reference of the deployment, e.g. component:default/wide-ep',
            ),
        }),
      output: z => {
        const role = z.object({
          ready: z.number(),
          total: z.number(),
          gpus: z.number(),
          groupsReady: z.number(),
          groups: z.number(),
        });
        return z.object({
          entityRef: z.string(),
          cluster: z.string(),
          namespace: z.string(),
          observedAt: z.string(),
          stale: z.boolean(),
          staleReason: z.string().optional(),
          summary: z.object({ prefill: role, decode: role }),
          groups: z.array(
            z.object({
              role: z.string(),
              group: z.number(),
              state: z.string(),
              ready: z.number(),
              total: z.number(),
              reason: z.string().optional(),
            }),
          ),
          conditionsNotTrue: z.array(
            z.object({
              type: z.string(),
              status: z.string(),
              reason: z.string().optional(),
              message: z.string().optional(),
              source: z.string(),
            }),
          ),
          ranksNotHealthy: z.array(
            z.object({
              role: z.string(),
              group: z.number(),
              globalRank: z.number(),
              pod: z.string().optional(),
              node: z.string().optional(),
              port: z.number(),
              state: z.string(),
              reason: z.string().optional(),
            }),
          ),
          ranksNotHealthyTotal: z.number(),
        });
      },
    },
    action: async ({ input, credentials }) => {
      const health = await rankHealth.getRankHealth({
        entityRef: input.entityRef,
        credentials,
      });
      const notHealthy = health.ranks.filter(r => r.state !== 'healthy');
      return {
        output: {
          entityRef: health.entityRef,
          cluster: health.cluster,
          namespace: health.namespace,
          observedAt: health.observedAt,
          stale: health.stale,
          ...(health.staleReason ? { staleReason: health.staleReason } : {}),
          summary: health.summary,
          groups: health.groups,
          conditionsNotTrue: health.conditions.filter(c => c.status !== 'True'),
          ranksNotHealthy: notHealthy
            .slice(0, MAX_LISTED_RANKS)
            .map(
              ({
                metrics: _metrics,
                probedAt: _probedAt,
                localRank: _local,
                ...rank
              }) => rank,
            ),
          ranksNotHealthyTotal: notHealthy.length,
        },
      };
    },
  });
}
