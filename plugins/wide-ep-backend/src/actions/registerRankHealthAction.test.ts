import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import {
  groupHealth,
  type RankHealth,
  type RankHealthResponse,
} from '@internal/plugin-wide-ep-common';
import { registerRankHealthAction } from './registerRankHealthAction';

function response(): RankHealthResponse {
  const ranks: RankHealth[] = Array.from({ length: 64 }, (_, i) => ({
    role: 'decode',
    group: 0,
    globalRank: i,
    localRank: i % 8,
    pod: `wide-ep-decode-0-${Math.floor(i / 8)}`,
    node: `gpu-${Math.floor(i / 8)}`,
    port: 8200 + (i % 8),
    state: i === 0 ? 'healthy' : 'unhealthy',
    ...(i === 0 ? {} : { reason: '/health returned 503' }),
    metrics: { running: 1 },
    probedAt: '2026-11-22T10:00:00Z',
  }));
  return {
    entityRef: 'component:default/wide-ep',
    cluster: 'prod',
    namespace: 'llm-d-wide-ep',
    observedAt: '2026-11-22T10:00:05Z',
    stale: false,
    summary: {
      prefill: { ready: 0, total: 0, gpus: 0, groupsReady: 0, groups: 0 },
      decode: { ready: 1, total: 64, gpus: 64, groupsReady: 0, groups: 1 },
    },
    conditions: [
      { type: 'Available', status: 'True', source: 'LeaderWorkerSet/x' },
      {
        type: 'Programmed',
        status: 'False',
        reason: 'AddressNotAssigned',
        source: 'Gateway/wide-ep-inference-gateway',
      },
    ],
    groups: groupHealth(ranks),
    ranks,
    loadSource: 'probes',
  };
}

describe('get-rank-health action', () => {
  it('answers a compact, read-only summary with the caller credentials', async () => {
    const registry = actionsRegistryServiceMock({
      logger: mockServices.logger.mock(),
    });
    const getRankHealth = jest.fn(async () => response());
    registerRankHealthAction({
      actionsRegistry: registry,
      rankHealth: { getRankHealth },
    });

    const { actions } = await registry.list();
    expect(actions).toEqual([
      expect.objectContaining({
        id: 'test:get-rank-health',
        attributes: { readOnly: true, destructive: false, idempotent: true },
      }),
    ]);

    const credentials = mockCredentials.user('user:default/alice');
    const { output } = (await registry.invoke({
      id: 'test:get-rank-health',
      input: { entityRef: 'component:default/wide-ep' },
      credentials,
    })) as { output: any };

    expect(getRankHealth).toHaveBeenCalledWith({
      entityRef: 'component:default/wide-ep',
      credentials,
    });
    expect(output.summary.decode).toEqual({
      ready: 1,
      total: 64,
      gpus: 64,
      groupsReady: 0,
      groups: 1,
    });
    expect(output.groups).toEqual([
      expect.objectContaining({ state: 'degraded', ready: 1, total: 64 }),
    ]);
    expect(output.conditionsNotTrue).toEqual([
      expect.objectContaining({ type: 'Programmed', status: 'False' }),
    ]);
    expect(output.ranksNotHealthyTotal).toBe(63);
    expect(output.ranksNotHealthy).toHaveLength(50);
    expect(output.ranksNotHealthy[0]).toEqual({
      role: 'decode',
      group: 0,
      globalRank: 1,
      pod: 'wide-ep-decode-0-0',
      node: 'gpu-0',
      port: 8201,
      state: 'unhealthy',
      reason: '/health returned 503',
    });
  });

  it('rejects input without an entity reference', async () => {
    const registry = actionsRegistryServiceMock({
      logger: mockServices.logger.mock(),
    });
    registerRankHealthAction({
      actionsRegistry: registry,
      rankHealth: { getRankHealth: jest.fn() },
    });
    await expect(
      registry.invoke({ id: 'test:get-rank-health', input: {} }),
    ).rejects.toThrow(/entityRef/);
  });
});
