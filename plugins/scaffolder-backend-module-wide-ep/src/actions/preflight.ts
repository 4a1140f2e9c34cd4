import type { PermissionsService } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, isError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { renderDeployment } from '@internal/plugin-wide-ep-common';
import { PreflightCheck, runPreflight } from '@internal/plugin-wide-ep-node';
import { preflightRequirements } from '@internal/plugin-wide-ep-node';
import type { WideEpClusterConnector } from '../types';
import { clusterCallOptions } from './clusterCallOptions';
import { initiatorOf, isApplyAllowed } from './authorizeApply';
import { preflightExamples } from './preflight.examples';
import { parseActionSpec, specInputSchema } from './specInput';

/** Action id of {@link createWideEpPreflightAction}. */
export const WIDE_EP_PREFLIGHT_ACTION_ID = 'wide-ep:preflight';

/** Options for {@link createWideEpPreflightAction}. @public */
export interface WideEpPreflightActionOptions {
  clusters: WideEpClusterConnector;
  permissions: PermissionsService;
}

/** One log line per check, the shape users grep for. */
export function formatCheck(check: PreflightCheck): string {
  const remedy = check.remedy ? ` (${check.remedy})` : '';
  return `${check.status.toUpperCase()} ${check.title}: ${
    check.message
  }${remedy}`;
}

/**
 * `wide-ep:preflight`: checks, read-only, that a cluster can take the
 * deployment (CRDs, GatewayClass, namespace, HF token Secret, GPUs and RDMA
 * resources) and fails with every failed check before anything is applied.
 *
 * @remarks
 * Needs `wide-ep.deployment.apply`, like apply: it reads cluster state
 * (nodes, Secret key names) with the backend's identity. In a scaffolder dry
 * run it still runs when the cluster is reachable and the user is allowed;
 * otherwise it logs why it was skipped and succeeds.
 *
 * @public
 */
export function createWideEpPreflightAction(
  options: WideEpPreflightActionOptions,
) {
  const { clusters, permissions } = options;

  return createTemplateAction({
    id: WIDE_EP_PREFLIGHT_ACTION_ID,
    description:
      'Checks that a configured cluster can take a wide-EP deployment (CRDs, GatewayClass, namespace, HF token Secret, GPUs, RDMA) before anything is applied',
    examples: preflightExamples,
    supportsDryRun: true,
    schema: {
      input: specInputSchema({ clusterRequired: true }),
      output: {
        checks: z =>
          z
            .array(
              z.object({
                id: z.string(),
                title: z.string(),
                status: z.enum(['pass', 'warn', 'fail']),
                message: z.string(),
                remedy: z.string().optional(),
              }),
            )
            .describe(
              'Every check, in a fixed order; empty when skipped in a dry run',
            ),
        passed: z =>
          z
            .boolean()
            .describe('No check failed (warnings allowed); false when skipped'),
        skipped: z =>
          z
            .boolean()
            .describe(
              'True when a dry run could not run the checks (cluster unreachable or not allowed)',
            ),
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
      const requirements = preflightRequirements(renderDeployment(spec));

      const skip = (reason: string) => {
        ctx.logger.warn(`preflight skipped in dry run: ${reason}`);
        ctx.output('checks', []);
        ctx.output('passed', false);
        ctx.output('skipped', true);
      };

      if (!(await isApplyAllowed(permissions, ctx, cluster))) {
        const message = `${initiatorOf(
          ctx,
        )} is not allowed to check or deploy wide-EP deployments (permission wide-ep.deployment.apply)`;
        if (ctx.isDryRun) {
          skip(message);
          return;
        }
        throw new NotAllowedError(message);
      }

      ctx.logger.info(
        `Preflight for ${spec.namespace}/${
          spec.name
        } on cluster "${cluster}": ${requirements.crds.length} CRDs, ${
          requirements.gatewayClassName
            ? `GatewayClass ${requirements.gatewayClassName}, `
            : ''
        }${requirements.gpus.pods} pods x ${requirements.gpus.perPod} ${
          requirements.gpus.resource
        }`,
      );
      let checks: PreflightCheck[];
      try {
        const client = await clusters.connect(cluster, clusterCallOptions(ctx));
        checks = await runPreflight(client, requirements);
      } catch (error) {
        if (
          ctx.isDryRun &&
          isError(error) &&
          error.name === 'ServiceUnavailableError'
        ) {
          skip(`cluster "${cluster}" unreachable: ${error.message}`);
          return;
        }
        throw error;
      }

      for (const check of checks) {
        const line = formatCheck(check);
        if (check.status === 'pass') ctx.logger.info(line);
        else if (check.status === 'warn') ctx.logger.warn(line);
        else ctx.logger.error(line);
      }
      const failed = checks.filter(c => c.status === 'fail');
      ctx.output(
        'checks',
        checks.map(c => ({
          id: c.id,
          title: c.title,
          status: c.status,
          message: c.message,
          ...(c.remedy ? { remedy: c.remedy } : {}),
        })),
      );
      ctx.output('passed', failed.length === 0);
      ctx.output('skipped', false);

      if (failed.length) {
        throw new InputError(
          `preflight failed on cluster "${cluster}": ${failed.length} of ${
            checks.length
          } checks failed\n${failed.map(formatCheck).join('\n')}`,
        );
      }
      const warned = checks.filter(c => c.status === 'warn').length;
      ctx.logger.info(
        `Preflight passed: ${
          checks.length - warned
        } passed, ${warned} warnings`,
      );
    },
  });
}
