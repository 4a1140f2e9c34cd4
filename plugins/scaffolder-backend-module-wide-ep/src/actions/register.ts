import type { PermissionsService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { catalogEntityCreatePermission } from '@backstage/plugin-catalog-common/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { renderDeployment } from '@internal/plugin-wide-ep-common';
import type { RegisteredEntities } from '@internal/plugin-wide-ep-node';
import { entityRefOf, parseActionSpec, specInputSchema } from './specInput';
import { registerExamples } from './register.examples';
import { initiatorOf } from './authorizeApply';

/** Action id of {@link createWideEpRegisterAction}. */
export const WIDE_EP_REGISTER_ACTION_ID = 'wide-ep:register';

/**
 * `wide-ep:register`: registers the catalog entity of an apply-only rollout,
 * which has no repository to point a catalog location at. The entity is
 * rendered from the same spec as the manifests and registered with the
 * wide-EP backend plugin, which keeps it in its database (shared by every
 * backend replica); the wide-EP catalog module provides it to the catalog
 * within seconds. The entity does not pass through the catalog API, so the
 * action asks the catalog's own permission, `catalog.entity.create`, for
 * the user who started the task. Registering again replaces the entity
 * (a recovered task makes no second copy).
 *
 * @public
 */
export function createWideEpRegisterAction(options: {
  /** Where the entity is registered: the wide-EP backend plugin's store. */
  entities: Pick<RegisteredEntities, 'upsert'>;
  /**
   * Checks `catalog.entity.create` for the task's initiator. Required: an
   * action built without it would register for anyone who can run the
   * template.
   */
  permissions: PermissionsService;
}) {
  return createTemplateAction({
    id: WIDE_EP_REGISTER_ACTION_ID,
    description:
      'Registers the catalog entity of a wide-EP deployment rolled out without a repository (apply-only)',
    examples: registerExamples,
    supportsDryRun: true,
    schema: {
      input: specInputSchema({ clusterRequired: true }),
      output: {
        entityRef: z =>
          z.string().describe('Reference of the registered entity'),
      },
    },
    async handler(ctx) {
      const spec = parseActionSpec(ctx.input);
      const { entity } = renderDeployment(spec);
      const entityRef = entityRefOf(entity);
      const [decision] = await options.permissions.authorize(
        [{ permission: catalogEntityCreatePermission }],
        { credentials: await ctx.getInitiatorCredentials() },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          `${initiatorOf(
            ctx,
          )} is not allowed to register ${entityRef} (permission catalog.entity.create)`,
        );
      }
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would register ${entityRef}`);
      } else {
        const { created } = await ctx.checkpoint({
          key: `wide-ep.register.${spec.cluster}.${spec.namespace}.${spec.name}`,
          fn: async () => {
            const upserted = await options.entities.upsert(entity);
            return { created: upserted.created };
          },
        });
        ctx.logger.info(
          created
            ? `Registered ${entityRef}; the catalog shows it within a few seconds`
            : `${entityRef} was registered already; it now carries this spec (the catalog shows it within a few seconds)`,
        );
      }
      ctx.output('entityRef', entityRef);
    },
  });
}
