import type { RootConfigService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';

/** Settings of the rank-health API, from `wideEp.rankHealth`. @public */
export interface WideEpBackendConfig {
  /** Timeout of one probe request to a vLLM rank. */
  probeTimeoutMs: number;
  /** Probe results younger than this are served without probing again. */
  freshnessMs: number;
  /** Endpoints probed at the same time, across all deployments. */
  concurrency: number;
  /** Startup budget for pods whose vllm container has no startup probe. */
  defaultStartupBudgetMs: number;
  /** Stop watching a deployment nobody has looked at for this long. */
  watchIdleMs: number;
}

/** Defaults: quick enough for a card that refreshes every few seconds. @public */
export const DEFAULT_WIDE_EP_BACKEND_CONFIG: WideEpBackendConfig = {
  probeTimeoutMs: 1_500,
  freshnessMs: 5_000,
  concurrency: 16,
  defaultStartupBudgetMs: 30 * 60_000,
  watchIdleMs: 10 * 60_000,
};

const LIMITS: Record<keyof WideEpBackendConfig, [number, number]> = {
  probeTimeoutMs: [100, 60_000],
  freshnessMs: [500, 10 * 60_000],
  concurrency: [1, 256],
  defaultStartupBudgetMs: [60_000, 24 * 3_600_000],
  watchIdleMs: [10_000, 24 * 3_600_000],
};

/**
 * Reads `wideEp.rankHealth` once at startup. Missing keys take the
 * defaults; out-of-range values are an `InputError` naming the key.
 * @public
 */
export function readWideEpBackendConfig(
  config: RootConfigService,
): WideEpBackendConfig {
  const section = config.getOptionalConfig('wideEp.rankHealth');
  const out = { ...DEFAULT_WIDE_EP_BACKEND_CONFIG };
  for (const key of Object.keys(LIMITS) as (keyof WideEpBackendConfig)[]) {
    const value = section?.getOptionalNumber(key);
    if (value === undefined) continue;
    const [min, max] = LIMITS[key];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new InputError(
        `wideEp.rankHealth.${key} must be a whole number from ${min} to ${max}, got ${value}`,
      );
    }
    out[key] = value;
  }
  if (out.probeTimeoutMs >= out.freshnessMs) {
    throw new InputError(
      `wideEp.rankHealth.probeTimeoutMs (${out.probeTimeoutMs}) must be below freshnessMs (${out.freshnessMs}), or a hung rank would keep every answer waiting`,
    );
  }
  return out;
}
