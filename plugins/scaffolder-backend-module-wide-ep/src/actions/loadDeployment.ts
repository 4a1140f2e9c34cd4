import type { Entity } from '@backstage/catalog-model';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { ActionContext } from '@backstage/plugin-scaffolder-node';
import type { ZodNamespace } from './specInput';
import {
  WideEpSpec,
  formatIssues,
  specFromEntity,
} from '@internal/plugin-wide-ep-common';

/** The `entityRef` input every day-2 action takes (the scaffolder's zod). */
export const entityRefInput = (z: ZodNamespace) =>
  z
    .string()
    .describe(
      "The deployment's catalog entity, e.g. component:default/wide-ep",
    );

/** How a deployment was rolled out, read from where its entity comes from. */
export type Rollout = 'apply' | 'pull-request';

/** A deployment's entity, the spec it was rendered from, and its rollout. */
export interface LoadedDeployment {
  entity: Entity;
  entityRef: string;
  spec: WideEpSpec;
  rollout: Rollout;
  /** For pull-request rollouts: the repository and folder of the files. */
  git?: { repoUrl: string; targetPath: string; host: string };
}

/**
 * Loads the deployment an `entityRef` input names, as the user who started
 * the task sees the catalog (an entity they may not read is "not found").
 *
 * @throws InputError naming `entityRef` for a malformed ref or an entity
 * that is not a wide-EP deployment, with the annotation's field path.
 */
export async function loadDeployment(
  catalog: Pick<CatalogService, 'getEntityByRef'>,
  ctx: Pick<ActionContext<any>, 'getInitiatorCredentials'>,
  entityRefText: string,
): Promise<LoadedDeployment> {
  let ref;
  try {
    ref = parseEntityRef(entityRefText, { defaultKind: 'component' });
  } catch (error) {
    throw new InputError(
      `entityRef: "${entityRefText}" is not an entity reference such as component:default/wide-ep (${
        (error as Error).message
      })`,
    );
  }
  const entityRef = stringifyEntityRef(ref);
  const entity = await catalog.getEntityByRef(ref, {
    credentials: await ctx.getInitiatorCredentials(),
  });
  if (!entity) {
    throw new NotFoundError(
      `entityRef: ${entityRef} is not in the catalog (or not visible to you)`,
    );
  }
  const parsed = specFromEntity(entity);
  if (!parsed.success) {
    throw new InputError(
      `entityRef: ${entityRef} is not a wide-EP deployment this release can update:\n${formatIssues(
        parsed.issues,
      )}`,
    );
  }
  const git = gitLocationOf(entity);
  return {
    entity,
    entityRef,
    spec: parsed.spec,
    rollout: git ? 'pull-request' : 'apply',
    ...(git ? { git } : {}),
  };
}

const MANAGED_BY = 'backstage.io/managed-by-location';

/**
 * The repository and folder of a pull-request rollout, from the location
 * the template registered: `url:https://<host>/<owner>/<repo>/[-/]blob/<branch>/<folder>/catalog-info.yaml`.
 * `undefined` for entities of apply-only rollouts (their location is
 * `wide-ep:registered-entities/…`, the wide-EP catalog module's).
 */
export function gitLocationOf(
  entity: Entity,
): LoadedDeployment['git'] | undefined {
  const location = entity.metadata.annotations?.[MANAGED_BY];
  if (!location?.startsWith('url:')) return undefined;
  const match =
    /^url:https?:\/\/([^/]+)\/([^/]+)\/([^/]+)\/(?:-\/)?blob\/[^/]+\/(.+)\/catalog-info\.yaml$/.exec(
      location,
    );
  if (!match) {
    throw new InputError(
      `entityRef: the entity's ${MANAGED_BY} (${location}) is not a catalog-info.yaml in a GitHub or GitLab repository, so the pull-request rollout cannot find its folder`,
    );
  }
  const [, host, owner, repo, targetPath] = match;
  return {
    host,
    repoUrl: `${host}?owner=${encodeURIComponent(
      owner,
    )}&repo=${encodeURIComponent(repo)}`,
    targetPath: decodeURIComponent(targetPath),
  };
}
