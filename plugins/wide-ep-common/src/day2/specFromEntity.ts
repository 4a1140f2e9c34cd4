import { ENTITY_ANNOTATIONS } from '../constants';
import { ParseSpecResult, parseSpec } from '../spec';

/** The part of a catalog entity day-2 actions read. @public */
export interface DeploymentEntityLike {
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    annotations?: Record<string, string>;
  };
}

/**
 * The spec a deployment entity was rendered from (annotation
 * `wide-ep.backstage.io/spec`), validated again by today's schema.
 *
 * @remarks
 * Issues name the annotation, then the spec field: an entity written by an
 * older release whose spec no longer validates says which field to fix
 * rather than failing somewhere in the render.
 * @public
 */
export function specFromEntity(entity: DeploymentEntityLike): ParseSpecResult {
  const key = ENTITY_ANNOTATIONS.spec;
  const where = `metadata.annotations["${key}"]`;
  const raw = entity.metadata.annotations?.[key];
  if (!raw) {
    return {
      success: false,
      issues: [
        {
          path: where,
          message: `missing: entity ${entityName(
            entity,
          )} was not created by the wide-EP template of this release (re-run the template once, or add the annotation with the spec as JSON)`,
        },
      ],
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    return {
      success: false,
      issues: [
        { path: where, message: `not JSON: ${(error as Error).message}` },
      ],
    };
  }
  const parsed = parseSpec(json);
  if (parsed.success) return parsed;
  return {
    success: false,
    issues: parsed.issues.map(i => ({ ...i, path: `${where}.${i.path}` })),
  };
}

function entityName(entity: DeploymentEntityLike): string {
  return `${entity.kind.toLowerCase()}:${
    entity.metadata.namespace ?? 'default'
  }/${entity.metadata.name}`;
}
