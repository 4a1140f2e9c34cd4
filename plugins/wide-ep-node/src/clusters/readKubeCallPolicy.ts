import type { Config } from '@backstage/config';
import { readDurationFromConfig } from '@backstage/config';
import type { KubeCallPolicy } from '../kube/patience';

const KEYS = {
  attemptTimeout: 'attemptTimeoutMs',
  giveUpAfter: 'giveUpAfterMs',
} as const;

const MS_PER_UNIT: Record<string, number> = {
  milliseconds: 1,
  seconds: 1_000,
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
  weeks: 7 * 86_400_000,
};

/**
 * Reads `wideEp.clusterCalls` (`attemptTimeout`, `giveUpAfter`, each a
 * duration such as `10s`, `2m` or `{ seconds: 10 }`); unset keys keep the
 * {@link DEFAULT_KUBE_CALL_POLICY} values.
 *
 * @public
 */
export function readKubeCallPolicy(config: Config): Partial<KubeCallPolicy> {
  const section = config.getOptionalConfig('wideEp.clusterCalls');
  const policy: Partial<KubeCallPolicy> = {};
  if (!section) return policy;
  for (const [key, field] of Object.entries(KEYS)) {
    if (!section.has(key)) continue;
    const duration = readDurationFromConfig(section, { key });
    let ms = 0;
    for (const [unit, amount] of Object.entries(duration)) {
      const factor = MS_PER_UNIT[unit];
      if (factor === undefined) {
        throw new Error(
          `wideEp.clusterCalls.${key}: ${unit} are too coarse for a timeout; use seconds or minutes`,
        );
      }
      ms += (amount ?? 0) * factor;
    }
    if (!(ms > 0)) {
      throw new Error(`wideEp.clusterCalls.${key} must be longer than zero`);
    }
    policy[field] = ms;
  }
  return policy;
}
