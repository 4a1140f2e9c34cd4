import type { WideEpSpec } from '@internal/plugin-wide-ep-common';

/** Where the scaffolder serves templates (the app's default `/create`). */
const TEMPLATES = '/create/templates/default';

/**
 * Links to the day-2 templates, prefilled for this entity: the update form
 * opens with the deployment's current sizes, the teardown form with the
 * entity (the name must still be typed).
 */
export function day2Links(
  entityRef: string,
  spec: Pick<WideEpSpec, 'prefill' | 'decode'>,
): { update: string; teardown: string } {
  const formData = (data: object) =>
    `formData=${encodeURIComponent(JSON.stringify(data))}`;
  return {
    update: `${TEMPLATES}/wide-ep-update?${formData({
      entityRef,
      prefill: spec.prefill,
      decode: spec.decode,
    })}`,
    teardown: `${TEMPLATES}/wide-ep-teardown?${formData({ entityRef })}`,
  };
}
