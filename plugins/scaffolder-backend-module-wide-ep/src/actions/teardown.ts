import type {
  AuditorService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import fs from 'node:fs/promises';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError, isError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  renderDeployment,
  wideEpDeploymentDeletePermission,
} from '@internal/plugin-wide-ep-common';
import {
  Clock,
  formatTearDownResult,
  tearDownDeployment,
  waitForPodsGone,
} from '@internal/plugin-wide-ep-node';
import type { RegisteredEntities } from '@internal/plugin-wide-ep-node';
import type { WideEpClusterConnector } from '../types';
import { clusterCallOptions } from './clusterCallOptions';
import { assertAllowed, initiatorOf } from './authorizeApply';
import { entityRefInput, loadDeployment } from './loadDeployment';

/** Action id of {@link createWideEpTeardownAction}. */
export const WIDE_EP_TEARDOWN_ACTION_ID = 'wide-ep:teardown';

/** Options for {@link createWideEpTeardownAction}. @public */
export interface WideEpTeardownActionOptions {
  clusters: WideEpClusterConnector;
  catalog: Pick<CatalogService, 'getEntityByRef'>;
  /** Checks `wide-ep.deployment.delete` for the task's initiator. Required. */
  permissions: PermissionsService;
  /** Records every teardown (not dry runs) as a `deployment-delete` audit event. */
  auditor?: AuditorService;
  /**
   * The registered entities of apply-only rollouts (the wide-EP backend
   * plugin's store): the deployment's entity is removed from there.
   */
  entities: Pick<RegisteredEntities, 'remove'>;
  /** Poll interval of the wait for pods to go. Default 2 s. */
  waitIntervalMs?: number;
  clock?: Clock;
}

/**
 * `wide-ep:teardown`: removes a deployment, the way it was rolled out.
 *
 * @remarks
 * Order of events: load the entity and its spec → the typed confirmation
 * must equal the deployment's name → permission `wide-ep.deployment.delete`
 * → audit event → then, for an apply rollout, delete in reverse stage order
 * every object of a rendered kind labelled with the deployment (never the
 * namespace or unlabelled objects such as the HF token Secret), wait until
 * its pods are gone and remove the entity; for a pull-request rollout, list
 * the deployment's files for the publish step to delete (the GitOps
 * controller deletes the objects when it merges).
 *
 * @public
 */
export function createWideEpTeardownAction(
  options: WideEpTeardownActionOptions,
) {
  return createTemplateAction({
    id: WIDE_EP_TEARDOWN_ACTION_ID,
    description:
      'Tears down a wide-EP deployment: deletes its labelled objects in reverse order and waits for its pods (apply rollouts), or lists its files for the pull request that removes them',
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: entityRefInput,
        confirm: z =>
          z.string().describe("The deployment's name, typed to confirm"),
        rollout: z =>
          z
            .enum(['apply', 'pull-request'])
            .optional()
            .describe(
              "How the deployment was rolled out; default: read from the entity's location (a repository means pull-request)",
            ),
        dryRun: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Send dryRun=All deletes: admission and RBAC run, nothing is deleted (always on in a scaffolder dry run)',
            ),
        timeoutMinutes: z =>
          z
            .number()
            .optional()
            .describe('How long to wait for the pods to go (default 15)'),
      },
      output: {
        rollout: z => z.enum(['apply', 'pull-request']),
        objects: z =>
          z
            .array(
              z.object({
                apiVersion: z.string(),
                kind: z.string(),
                namespace: z.string().optional(),
                name: z.string(),
                outcome: z.enum(['deleted', 'absent', 'kept', 'failed']),
                message: z.string().optional(),
              }),
            )
            .describe('Outcome per object, in delete order (apply rollouts)'),
        filesToDelete: z =>
          z
            .array(z.string())
            .describe(
              "The deployment's files, relative to targetPath (pull-request rollouts)",
            ),
        repoUrl: z => z.string().optional(),
        targetPath: z => z.string().optional(),
        entityRemoved: z =>
          z.boolean().describe('Whether the catalog entity was removed'),
      },
    },
    async handler(ctx) {
      const deployment = await loadDeployment(
        options.catalog,
        ctx,
        ctx.input.entityRef,
      );
      const { spec, entityRef } = deployment;
      if (ctx.input.confirm !== spec.name) {
        throw new InputError(
          `confirm: type the deployment's name "${spec.name}" to tear it down (got "${ctx.input.confirm}")`,
        );
      }
      const timeoutMinutes = ctx.input.timeoutMinutes ?? 15;
      if (!(timeoutMinutes >= 1)) {
        throw new InputError(
          `timeoutMinutes: must be at least 1 (got ${timeoutMinutes})`,
        );
      }
      // The permission is decided per cluster, so the cluster must be known
      // before anything else, for pull-request rollouts too.
      if (!spec.cluster) {
        throw new InputError(
          `entityRef: the spec of ${entityRef} names no cluster, so there is nothing to delete from`,
        );
      }
      const cluster = spec.cluster;
      await assertAllowed(
        options.permissions,
        ctx,
        wideEpDeploymentDeletePermission,
        cluster,
        `tear down ${entityRef}`,
      );
      const rollout = ctx.input.rollout ?? deployment.rollout;
      const dryRun = Boolean(ctx.isDryRun || ctx.input.dryRun);
      const rendered = renderDeployment(spec);

      if (rollout === 'pull-request') {
        if (!deployment.git) {
          throw new InputError(
            `rollout: ${entityRef} was not registered from a repository, so there is no folder to remove; use rollout apply`,
          );
        }
        const files = rendered.files.map(f => f.path);
        // The publish step commits a folder; an empty one leaves only the deletions.
        await fs.mkdir(resolveSafeChildPath(ctx.workspacePath, './teardown'), {
          recursive: true,
        });
        ctx.logger.info(
          `The pull request deletes ${files.length} files under ${deployment.git.targetPath} in ${deployment.git.repoUrl}; the GitOps controller removes the objects once it merges, and the catalog orphans ${entityRef} when its catalog-info.yaml is gone`,
        );
        ctx.output('rollout', rollout);
        ctx.output('objects', []);
        ctx.output('filesToDelete', files);
        ctx.output('repoUrl', deployment.git.repoUrl);
        ctx.output('targetPath', deployment.git.targetPath);
        ctx.output('entityRemoved', false);
        return;
      }

      const client = await options.clusters.connect(
        cluster,
        clusterCallOptions(ctx),
      );
      ctx.logger.info(
        `Tearing down ${spec.namespace}/${spec.name} on cluster "${
          spec.cluster
        }": objects labelled wide-ep.backstage.io/deployment=${
          spec.name
        }, routing first${dryRun ? ' (dryRun=All: nothing is deleted)' : ''}`,
      );
      const audit = dryRun
        ? undefined
        : await options.auditor?.createEvent({
            eventId: 'deployment-delete',
            severityLevel: 'high',
            meta: {
              initiator: initiatorOf(ctx),
              cluster: spec.cluster,
              namespace: spec.namespace,
              name: spec.name,
              entityRef,
            },
          });
      try {
        const results = await tearDownDeployment({
          client,
          namespace: spec.namespace,
          deployment: spec.name,
          objects: rendered.objects,
          dryRun,
          onObject: r =>
            r.outcome === 'failed'
              ? ctx.logger.error(formatTearDownResult(r))
              : ctx.logger.info(formatTearDownResult(r)),
        });
        ctx.output('rollout', rollout);
        ctx.output(
          'objects',
          results.map(r => ({
            ...r.ref,
            outcome: r.outcome,
            ...(r.message ? { message: r.message } : {}),
          })),
        );
        ctx.output('filesToDelete', []);
        const failed = results.filter(r => r.outcome === 'failed');
        if (failed.length) {
          throw new Error(
            `${failed.length} of ${
              results.length
            } objects could not be deleted (the others were; running the teardown again retries): ${failed
              .map(formatTearDownResult)
              .join('; ')}`,
          );
        }
        if (dryRun) {
          ctx.logger.info(
            'Dry run: not waiting for pods, and the entity stays',
          );
          ctx.output('entityRemoved', false);
          await audit?.success();
          return;
        }
        ctx.logger.info(
          `Waiting up to ${timeoutMinutes} minutes for the pods of ${spec.name} to go`,
        );
        await waitForPodsGone({
          client,
          namespace: spec.namespace,
          deployment: spec.name,
          timeoutMs: timeoutMinutes * 60_000,
          intervalMs: options.waitIntervalMs,
          clock: options.clock,
          signal: ctx.signal,
          onProgress: pods =>
            ctx.logger.info(`${pods.length} pods still terminating`),
          onWarning: m => ctx.logger.warn(m),
        });
        const removed = await options.entities.remove(entityRef);
        ctx.logger.info(
          removed
            ? `All pods are gone; removed ${entityRef} from the catalog (it disappears within a few seconds)`
            : `All pods are gone; ${entityRef} was not registered by wide-ep:register, so unregister it where it was registered`,
        );
        ctx.output('entityRemoved', removed);
        await audit?.success({
          meta: {
            deleted: results.filter(r => r.outcome === 'deleted').length,
            kept: results.filter(r => r.outcome === 'kept').length,
          },
        });
      } catch (error) {
        await audit?.fail({
          error: isError(error) ? error : new Error(String(error)),
        });
        throw error;
      }
    },
  });
}
