import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type {
  AuditorService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError, isError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  SpecChanges,
  SPEC_FIELD_NAMES,
  formatIssues,
  planUpdate,
  updateSpec,
  wideEpDeploymentApplyPermission,
} from '@internal/plugin-wide-ep-common';
import {
  Clock,
  formatTearDownResult,
  groupIntoApplyStages,
  objectRefOf,
  pruneObjects,
  waitForReady,
} from '@internal/plugin-wide-ep-node';
import type { RegisteredEntities } from '@internal/plugin-wide-ep-node';
import type { WideEpClusterConnector } from '../types';
import { clusterCallOptions } from './clusterCallOptions';
import { applyInStages } from './applyInStages';
import { assertAllowed, initiatorOf } from './authorizeApply';
import { entityRefInput, loadDeployment } from './loadDeployment';
import { specInputSchema } from './specInput';

/** Action id of {@link createWideEpUpdateAction}. */
export const WIDE_EP_UPDATE_ACTION_ID = 'wide-ep:update';

/** Options for {@link createWideEpUpdateAction}. @public */
export interface WideEpUpdateActionOptions {
  clusters: WideEpClusterConnector;
  catalog: Pick<CatalogService, 'getEntityByRef'>;
  /** Checks `wide-ep.deployment.apply` for apply rollouts. Required. */
  permissions: PermissionsService;
  /** Records every real update as a `deployment-update` audit event. */
  auditor?: AuditorService;
  /**
   * The registered entities of apply-only rollouts (the wide-EP backend
   * plugin's store): an entity registered there is replaced with the
   * updated one.
   */
  entities: Pick<RegisteredEntities, 'get' | 'upsert'>;
  waitIntervalMs?: number;
  clock?: Clock;
}

// Every spec field, optional, and object fields partial: an update names
// only what changes (`decode: { replicas: 2 }`).
function optionalSpecInput() {
  return Object.fromEntries(
    Object.entries(specInputSchema({ clusterRequired: false })).map(
      ([name, field]) => [
        name,
        (z: Parameters<typeof field>[0]) => {
          const schema = field(z) as any;
          return (
            typeof schema.partial === 'function' ? schema.partial() : schema
          ).optional();
        },
      ],
    ),
  ) as ReturnType<typeof specInputSchema>;
}

/**
 * `wide-ep:update`: scales or upgrades a deployment from its entity, the way
 * it was rolled out.
 *
 * @remarks
 * The entity's spec (annotation `wide-ep.backstage.io/spec`) with the given
 * fields replaced is validated whole; identity fields (name, namespace,
 * cluster, hardware, cluster provider, orchestrator) cannot change. The
 * render of the old and new spec are compared file by file. Rendering with
 * this release also moves the deployment to this release's version set (an
 * upgrade), which the comparison shows.
 *
 * - Pull-request rollout: the added and modified files are written to
 *   `workspacePath` and the removed ones listed in `filesToDelete`, for
 *   `publish:github:pull-request` / `publish:gitlab:merge-request` to commit
 *   into the entity's folder. The entity changes when the PR merges.
 * - Apply rollout: permission `wide-ep.deployment.apply`, server-side apply
 *   in stages, deletion of objects the new render no longer has (only if
 *   labelled with the deployment), readiness wait, and the entity rewritten
 *   with the new spec.
 * @public
 */
export function createWideEpUpdateAction(options: WideEpUpdateActionOptions) {
  return createTemplateAction({
    id: WIDE_EP_UPDATE_ACTION_ID,
    description:
      'Scales or upgrades a wide-EP deployment from its catalog entity: a pull request with the changed files, or a server-side apply with readiness wait',
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: entityRefInput,
        ...optionalSpecInput(),
        rollout: z =>
          z
            .enum(['apply', 'pull-request'])
            .optional()
            .describe(
              "default: read from the entity's location (a repository means pull-request)",
            ),
        workspacePath: z =>
          z
            .string()
            .optional()
            .describe(
              'Pull-request rollout: workspace folder for the changed files (default ./update)',
            ),
        dryRun: z => z.boolean().optional(),
        wait: z => z.boolean().optional(),
        timeoutMinutes: z => z.number().optional(),
      },
      output: {
        rollout: z => z.enum(['apply', 'pull-request']),
        unchanged: z =>
          z.boolean().describe('True when the update changes no file'),
        changedFields: z => z.array(z.string()),
        files: z =>
          z.array(
            z.object({
              path: z.string(),
              change: z.enum(['added', 'modified', 'removed', 'unchanged']),
            }),
          ),
        filesToDelete: z => z.array(z.string()),
        repoUrl: z => z.string().optional(),
        targetPath: z => z.string().optional(),
        branchName: z => z.string().optional(),
        ready: z => z.boolean(),
        entityRef: z => z.string(),
      },
    },
    async handler(ctx) {
      const deployment = await loadDeployment(
        options.catalog,
        ctx,
        ctx.input.entityRef,
      );
      const { entityRef } = deployment;
      const changes: Record<string, unknown> = {};
      for (const field of SPEC_FIELD_NAMES) {
        const value = (ctx.input as Record<string, unknown>)[field];
        if (value !== undefined && value !== '') changes[field] = value;
      }
      const updated = updateSpec(deployment.spec, changes as SpecChanges);
      if (!updated.success) {
        throw new InputError(
          `invalid update of ${entityRef}:\n${formatIssues(updated.issues)}`,
        );
      }
      const plan = planUpdate(deployment.spec, updated.spec);
      const rollout = ctx.input.rollout ?? deployment.rollout;
      const dryRun = Boolean(ctx.isDryRun || ctx.input.dryRun);
      const spec = updated.spec;
      const touched = plan.files.filter(f => f.change !== 'unchanged');
      ctx.logger.info(
        `${entityRef}: ${
          updated.changedFields.length
            ? `spec fields changed: ${updated.changedFields.join(', ')}`
            : 'no spec field changed'
        }; ${touched.length} of ${plan.files.length} files change`,
      );
      for (const f of touched) ctx.logger.info(`${f.change} ${f.path}`);
      ctx.output('rollout', rollout);
      ctx.output('unchanged', plan.unchanged);
      ctx.output('changedFields', updated.changedFields);
      ctx.output('files', plan.files);
      ctx.output('entityRef', entityRef);
      const filesToDelete = plan.files
        .filter(f => f.change === 'removed')
        .map(f => f.path);
      ctx.output('filesToDelete', filesToDelete);
      if (plan.unchanged) {
        ctx.logger.info(
          'Nothing to roll out: the deployment already renders like this',
        );
        ctx.output('ready', true);
        return;
      }

      if (rollout === 'pull-request') {
        if (!deployment.git) {
          throw new InputError(
            `rollout: ${entityRef} was not registered from a repository; use rollout apply`,
          );
        }
        const dir = resolveSafeChildPath(
          ctx.workspacePath,
          ctx.input.workspacePath ?? './update',
        );
        const contents = new Map(
          plan.after.files.map(f => [f.path, f.content]),
        );
        for (const f of touched.filter(t => t.change !== 'removed')) {
          const file = resolveSafeChildPath(dir, f.path);
          await fs.mkdir(path.dirname(file), { recursive: true });
          await fs.writeFile(file, contents.get(f.path)!, 'utf8');
        }
        ctx.output('repoUrl', deployment.git.repoUrl);
        ctx.output('targetPath', deployment.git.targetPath);
        ctx.output(
          'branchName',
          `wide-ep-${spec.name}-update-${shortHash(JSON.stringify(spec))}`,
        );
        ctx.output('ready', false);
        ctx.logger.info(
          `Wrote ${
            touched.length - filesToDelete.length
          } changed files for the pull request to ${
            deployment.git.targetPath
          } in ${deployment.git.repoUrl}${
            filesToDelete.length
              ? `; it deletes ${filesToDelete.join(', ')}`
              : ''
          }`,
        );
        return;
      }

      if (!spec.cluster) {
        throw new InputError(
          `entityRef: the spec of ${entityRef} names no cluster`,
        );
      }
      await assertAllowed(
        options.permissions,
        ctx,
        wideEpDeploymentApplyPermission,
        spec.cluster,
        `update ${entityRef}`,
      );
      const client = await options.clusters.connect(
        spec.cluster,
        clusterCallOptions(ctx),
      );
      const audit = dryRun
        ? undefined
        : await options.auditor?.createEvent({
            eventId: 'deployment-update',
            severityLevel: 'high',
            meta: {
              initiator: initiatorOf(ctx),
              cluster: spec.cluster,
              namespace: spec.namespace,
              name: spec.name,
              entityRef,
              changedFields: updated.changedFields,
            },
          });
      try {
        await applyInStages({
          client,
          stages: groupIntoApplyStages(plan.after.objects),
          dryRun,
          cleanupOnFailure: false,
          logger: ctx.logger,
          signal: ctx.signal,
          checkpoint: dryRun
            ? undefined
            : (stage, fn) =>
                ctx.checkpoint({
                  key: `wide-ep.update.${spec.cluster}.${spec.namespace}.${
                    spec.name
                  }.${shortHash(JSON.stringify(spec))}.${stage}`,
                  fn: fn as () => Promise<any>,
                }),
        });
        const removed = plan.before.objects.filter(o =>
          plan.objects.some(
            c =>
              c.change === 'removed' &&
              c.kind === o.kind &&
              c.name === o.metadata.name,
          ),
        );
        const pruned = await pruneObjects({
          client,
          deployment: spec.name,
          refs: removed.map(o => objectRefOf(o)),
          dryRun,
          onObject: r => ctx.logger.info(formatTearDownResult(r)),
        });
        const failed = pruned.filter(r => r.outcome === 'failed');
        if (failed.length) {
          throw new Error(
            `the new objects are applied, but ${
              failed.length
            } objects the new spec no longer has could not be deleted (running the update again retries): ${failed
              .map(formatTearDownResult)
              .join('; ')}`,
          );
        }
        if (dryRun || ctx.input.wait === false) {
          ctx.logger.info(
            dryRun
              ? 'Dry run: nothing persisted, not waiting, the entity stays'
              : 'Not waiting for readiness (wait: false)',
          );
        } else {
          const timeoutMinutes = ctx.input.timeoutMinutes ?? 45;
          ctx.logger.info(
            `Waiting up to ${timeoutMinutes} minutes for the workloads to become ready`,
          );
          await waitForReady({
            client,
            namespace: spec.namespace,
            objects: plan.after.objects.map(o => objectRefOf(o)),
            timeoutMs: timeoutMinutes * 60_000,
            intervalMs: options.waitIntervalMs,
            clock: options.clock,
            signal: ctx.signal,
            onProgress: r => ctx.logger.info(r.summary),
            onWarning: m => ctx.logger.warn(m),
          });
          ctx.logger.info('All workloads are ready');
        }
        if (!dryRun) {
          if (await options.entities.get(entityRef)) {
            await options.entities.upsert(plan.after.entity);
            ctx.logger.info(
              `${entityRef} now carries the updated spec; the catalog shows it within a few seconds`,
            );
          } else {
            ctx.logger.warn(
              `${entityRef} was not registered by wide-ep:register, so its catalog-info.yaml was left alone; update it where it lives`,
            );
          }
        }
        ctx.output('ready', !dryRun && ctx.input.wait !== false);
        await audit?.success();
      } catch (error) {
        await audit?.fail({
          error: isError(error) ? error : new Error(String(error)),
        });
        throw error;
      }
    },
  });
}

// Names a branch or checkpoint after the target spec: re-running the same
// update reuses them, another update gets its own.
function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}
