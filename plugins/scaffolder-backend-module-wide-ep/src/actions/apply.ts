import type {
  AuditorService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, isError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { renderDeployment } from '@internal/plugin-wide-ep-common';
import {
  Clock,
  ObjectRef,
  WIDE_EP_FIELD_MANAGER,
  WorkloadReadiness,
  groupIntoApplyStages,
  waitForReady,
} from '@internal/plugin-wide-ep-node';
import type { WideEpClusterConnector } from '../types';
import { clusterCallOptions } from './clusterCallOptions';
import { applyExamples } from './apply.examples';
import { AppliedObject, applyInStages, toRecord } from './applyInStages';
import { initiatorOf, isApplyAllowed } from './authorizeApply';
import { entityRefOf, parseActionSpec, specInputSchema } from './specInput';

/** Action id of {@link createWideEpApplyAction}. */
export const WIDE_EP_APPLY_ACTION_ID = 'wide-ep:apply';

/** Options for {@link createWideEpApplyAction}. @public */
export interface WideEpApplyActionOptions {
  clusters: WideEpClusterConnector;
  permissions: PermissionsService;
  /** Records every real apply (not dry runs) as a `deployment-apply` audit event. */
  auditor?: AuditorService;
  /** Readiness poll interval. Default 5 s. */
  waitIntervalMs?: number;
  /** Time source for the readiness wait, for tests. */
  clock?: Clock;
}

export type { AppliedObject } from './applyInStages';

const DEFAULT_TIMEOUT_MINUTES = 45;

/**
 * `wide-ep:apply`: server-side applies the rendered deployment to a
 * configured cluster, in dependency stages, with the field manager
 * `wide-ep-backstage`, then waits for the workloads to become ready.
 *
 * @remarks
 * Order of events: permission check (`wide-ep.deployment.apply` for the user
 * who started the task) → render → apply, one checkpoint per stage (keys
 * `wide-ep.apply.<cluster>.<namespace>.<name>.<stage>`, so a resumed task
 * does not apply a finished stage again) → readiness wait (never
 * checkpointed; skipped in dry runs or with `wait: false`).
 *
 * Dry runs (`dryRun: true`, or the scaffolder's dry run) send every object
 * with `dryRun=All`: admission and RBAC run, nothing persists. In the
 * scaffolder's dry run only, an unreachable cluster or a user without the
 * permission degrades to a warning and render-only outputs, so template
 * authors can use the editor without cluster access.
 *
 * @public
 */
export function createWideEpApplyAction(options: WideEpApplyActionOptions) {
  const { clusters, permissions } = options;

  return createTemplateAction({
    id: WIDE_EP_APPLY_ACTION_ID,
    description:
      'Server-side applies a wide-EP deployment to a configured cluster (field manager wide-ep-backstage, dependency order) and waits for it to become ready',
    examples: applyExamples,
    supportsDryRun: true,
    schema: {
      input: {
        ...specInputSchema({ clusterRequired: true }),
        dryRun: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Send dryRun=All: admission and RBAC run, nothing persists (default false; always on in a scaffolder dry run)',
            ),
        wait: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Wait for the workloads to become ready (default true; never in a dry run)',
            ),
        timeoutMinutes: z =>
          z
            .number()
            .optional()
            .describe(
              'How long to wait for readiness, in minutes (default 45, at least 1)',
            ),
        cleanupOnFailure: z =>
          z
            .boolean()
            .optional()
            .describe(
              'After a failed apply, delete the objects this task created (never pre-existing ones; default false)',
            ),
      },
      output: {
        mode: z =>
          z
            .enum(['apply', 'server-dry-run', 'render-only'])
            .describe(
              'What was done: a real apply, a dryRun=All apply, or only a render (dry run without cluster access)',
            ),
        fieldManager: z =>
          z.string().describe('Server-side apply field manager'),
        objects: z =>
          z
            .array(
              z.object({
                apiVersion: z.string(),
                kind: z.string(),
                namespace: z.string().optional(),
                name: z.string(),
                stage: z.string(),
                outcome: z.enum([
                  'created',
                  'configured',
                  'unchanged',
                  'failed',
                  'skipped',
                  'not-sent',
                ]),
                message: z.string().optional(),
              }),
            )
            .describe('Outcome per object, in apply order'),
        waited: z => z.boolean().describe('Whether readiness was waited for'),
        ready: z =>
          z.boolean().describe('True when every workload became ready'),
        readiness: z =>
          z
            .array(
              z.object({
                kind: z.string(),
                name: z.string(),
                ready: z.boolean(),
                summary: z.string(),
              }),
            )
            .describe(
              'Final readiness per workload; empty when not waited for',
            ),
        entityRef: z =>
          z.string().describe('Entity reference of the deployment'),
      },
    },
    async handler(ctx) {
      const spec = parseActionSpec(ctx.input);
      const cluster = ctx.input.cluster ?? spec.cluster;
      if (!cluster) {
        throw new InputError(
          'cluster: is required (a cluster name from app-config)',
        );
      }
      const timeoutMinutes =
        ctx.input.timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES;
      if (!(timeoutMinutes >= 1)) {
        throw new InputError(
          `timeoutMinutes: must be at least 1 (got ${timeoutMinutes})`,
        );
      }
      const wait = ctx.input.wait ?? true;
      const cleanupOnFailure = ctx.input.cleanupOnFailure ?? false;
      const dryRun = Boolean(ctx.isDryRun || ctx.input.dryRun);
      const rendered = renderDeployment(spec);
      const entityRef = entityRefOf(rendered.entity);
      const stages = groupIntoApplyStages(rendered.objects);

      const outputResult = (
        mode: 'apply' | 'server-dry-run' | 'render-only',
        objects: AppliedObject[],
      ) => {
        ctx.output('mode', mode);
        ctx.output('fieldManager', WIDE_EP_FIELD_MANAGER);
        ctx.output('objects', objects);
        ctx.output('entityRef', entityRef);
      };
      const renderOnly = (reason: string) => {
        ctx.logger.warn(
          `server-side dry run skipped: ${reason}; the objects were rendered but not sent`,
        );
        outputResult(
          'render-only',
          stages.flatMap(({ stage, entries }) =>
            entries.map(({ object }) =>
              toRecord({ ref: refOf(object), stage, outcome: 'not-sent' }),
            ),
          ),
        );
        ctx.output('waited', false);
        ctx.output('ready', false);
        ctx.output('readiness', []);
      };

      // The permission gate comes before any contact with the cluster.
      if (!(await isApplyAllowed(permissions, ctx, cluster))) {
        const message = `${initiatorOf(
          ctx,
        )} is not allowed to deploy wide-EP deployments (permission wide-ep.deployment.apply)`;
        if (ctx.isDryRun) {
          renderOnly(message);
          return;
        }
        throw new NotAllowedError(message);
      }

      const client = await clusters.connect(cluster, clusterCallOptions(ctx));
      if (ctx.isDryRun) {
        // One read first, so an unreachable cluster is one warning rather
        // than a failed line per object of the first stage. Only
        // reachability matters here: an identity that may not read
        // Namespaces (403) is judged by the apply itself.
        const unreachable = await client
          .read({ apiVersion: 'v1', kind: 'Namespace', name: spec.namespace })
          .then(
            () => undefined,
            error => (isUnreachable(error) ? (error as Error) : undefined),
          );
        if (unreachable) {
          renderOnly(
            `cluster "${cluster}" unreachable: ${unreachable.message}`,
          );
          return;
        }
      }
      ctx.logger.info(
        `Applying ${rendered.objects.length} objects of ${spec.namespace}/${
          spec.name
        } to cluster "${cluster}" in ${
          stages.length
        } stages with field manager ${WIDE_EP_FIELD_MANAGER}${
          dryRun
            ? ' (dryRun=All: admission and RBAC run, nothing persists)'
            : ''
        }`,
      );

      // Who changed which cluster, for the platform's audit trail; dry runs
      // change nothing and are not recorded.
      const audit = dryRun
        ? undefined
        : await options.auditor?.createEvent({
            eventId: 'deployment-apply',
            severityLevel: 'high',
            meta: {
              initiator: initiatorOf(ctx),
              cluster,
              namespace: spec.namespace,
              name: spec.name,
              entityRef,
              fieldManager: WIDE_EP_FIELD_MANAGER,
              objects: rendered.objects.length,
            },
          });
      let records: AppliedObject[];
      try {
        records = await applyInStages({
          client,
          stages,
          dryRun,
          cleanupOnFailure,
          logger: ctx.logger,
          signal: ctx.signal,
          // Nothing persists in a dry run, so there is nothing to resume.
          checkpoint: dryRun
            ? undefined
            : (stage, fn) =>
                ctx.checkpoint({
                  key: `wide-ep.apply.${cluster}.${spec.namespace}.${spec.name}.${stage}`,
                  fn: fn as () => Promise<any>,
                }),
        });
      } catch (error) {
        if (ctx.isDryRun && isUnreachable(error)) {
          renderOnly(
            `cluster "${cluster}" unreachable: ${(error as Error).message}`,
          );
          return;
        }
        await audit?.fail({
          error: isError(error) ? error : new Error(String(error)),
        });
        throw error;
      }

      const counts = countOutcomes(records);
      await audit?.success({ meta: { outcomes: counts } });
      ctx.logger.info(
        `${
          dryRun ? 'Server-side dry run' : 'Apply'
        } finished on cluster "${cluster}": ${counts}`,
      );
      outputResult(dryRun ? 'server-dry-run' : 'apply', records);

      if (dryRun || !wait) {
        ctx.logger.info(
          dryRun
            ? 'Not waiting for readiness in a dry run'
            : 'Not waiting for readiness (wait: false)',
        );
        ctx.output('waited', false);
        ctx.output('ready', false);
        ctx.output('readiness', []);
        return;
      }

      ctx.logger.info(
        `Waiting up to ${timeoutMinutes} minutes for the workloads in ${spec.namespace} to become ready`,
      );
      const readiness: WorkloadReadiness[] = await waitForReady({
        client,
        namespace: spec.namespace,
        objects: rendered.objects.map(refOf),
        timeoutMs: timeoutMinutes * 60_000,
        intervalMs: options.waitIntervalMs,
        clock: options.clock,
        signal: ctx.signal,
        onProgress: r => ctx.logger.info(r.summary),
        onWarning: message => ctx.logger.warn(message),
      });
      ctx.logger.info(`All ${readiness.length} workloads are ready`);
      ctx.output('waited', true);
      ctx.output(
        'ready',
        readiness.every(r => r.ready),
      );
      ctx.output(
        'readiness',
        readiness.map(r => ({
          kind: r.ref.kind,
          name: r.ref.name,
          ready: r.ready,
          summary: r.summary,
        })),
      );
    },
  });
}

function isUnreachable(error: unknown): boolean {
  return isError(error) && error.name === 'ServiceUnavailableError';
}

function refOf(object: {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}): ObjectRef {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    ...(object.metadata.namespace
      ? { namespace: object.metadata.namespace }
      : {}),
    name: object.metadata.name,
  };
}

function countOutcomes(records: AppliedObject[]): string {
  const counts = new Map<string, number>();
  for (const r of records)
    counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
  return [...counts].map(([outcome, n]) => `${n} ${outcome}`).join(', ');
}
