import { mockServices } from '@backstage/backend-test-utils';
import {
  DEFAULT_WIDE_EP_BACKEND_CONFIG,
  readWideEpBackendConfig,
} from './config';

describe('readWideEpBackendConfig', () => {
  it('uses the defaults without a wideEp.rankHealth section', () => {
    expect(
      readWideEpBackendConfig(mockServices.rootConfig({ data: {} })),
    ).toEqual({
      probeTimeoutMs: 1500,
      freshnessMs: 5000,
      concurrency: 16,
      defaultStartupBudgetMs: 1_800_000,
      watchIdleMs: 600_000,
    });
  });

  it('reads every key', () => {
    const config = mockServices.rootConfig({
      data: {
        wideEp: {
          rankHealth: {
            probeTimeoutMs: 800,
            freshnessMs: 2000,
            concurrency: 64,
            defaultStartupBudgetMs: 3_600_000,
            watchIdleMs: 60_000,
          },
        },
      },
    });
    expect(readWideEpBackendConfig(config)).toEqual({
      probeTimeoutMs: 800,
      freshnessMs: 2000,
      concurrency: 64,
      defaultStartupBudgetMs: 3_600_000,
      watchIdleMs: 60_000,
    });
  });

  it.each([
    [
      { concurrency: 0 },
      'wideEp.rankHealth.concurrency must be a whole number from 1 to 256, got 0',
    ],
    [
      { probeTimeoutMs: 1.5 },
      'wideEp.rankHealth.probeTimeoutMs must be a whole number from 100 to 60000, got 1.5',
    ],
    [
      { probeTimeoutMs: 5000, freshnessMs: 5000 },
      'wideEp.rankHealth.probeTimeoutMs (5000) must be below freshnessMs (5000), or a hung rank would keep every answer waiting',
    ],
  ])('rejects %j', (rankHealth, message) => {
    expect(() =>
      readWideEpBackendConfig(
        mockServices.rootConfig({ data: { wideEp: { rankHealth } } }),
      ),
    ).toThrow(expect.objectContaining({ name: 'InputError', message }));
  });

  it('names a wrongly typed key', () => {
    expect(() =>
      readWideEpBackendConfig(
        mockServices.rootConfig({
          data: { wideEp: { rankHealth: { freshnessMs: 'soon' } } },
        }),
      ),
    ).toThrow(/wideEp\.rankHealth\.freshnessMs/);
    expect(DEFAULT_WIDE_EP_BACKEND_CONFIG.probeTimeoutMs).toBeLessThan(
      DEFAULT_WIDE_EP_BACKEND_CONFIG.freshnessMs,
    );
  });
});
