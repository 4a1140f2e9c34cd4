import type { Entity } from '@backstage/catalog-model';
import { ENTITY_ANNOTATIONS } from '@internal/plugin-wide-ep-common';

/**
 * True when the entity was generated for a wide-EP deployment, i.e. carries
 * the `wide-ep.backstage.io/deployment` annotation.
 * @public
 */
export function isWideEpAvailable(entity: Entity): boolean {
  return Boolean(entity.metadata.annotations?.[ENTITY_ANNOTATIONS.deployment]);
}
