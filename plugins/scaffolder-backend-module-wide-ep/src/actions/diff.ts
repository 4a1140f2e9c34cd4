import type { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { InputError } from '@backstage/errors';
import {
  formatObjectRef,
  diffLiveDeployment,
} from '@internal/plugin-wide-ep-node';
import type { WideEpClusterConnector } from '../types';
import { clusterCallOptions } from './clusterCallOptions';
import { entityRefInput, loadDeployment } from './loadDeployment';

/** Action id of {@link createWideEpDiffAction}. */
export const WIDE_EP_DIFF_ACTION_ID = 'wide-ep:diff';

/**
 * `wide-ep:diff`: compares what the entity's spec renders with what its
 * cluster holds, per object and field, naming the field manager that owns
 * each differing field. Read-only: it never changes the cluster.
 * @public
 */
export function createWideEpDiffAction(options: {
  clusters: WideEpClusterConnector;
  catalog: Pick<CatalogService, 'getEntityByRef'>;
}) {
  return createTemplateAction({
    id: WIDE_EP_DIFF_ACTION_ID,
    description:
      "Compares a wide-EP deployment's rendered spec with the cluster, per object and field, with the field manager of each difference",
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: entityRefInput,
      },
      output: {
        inSync: z =>
          z.boolean().describe('True when every object matches the render'),
        objects: z =>
          z
            .array(
              z.object({
                apiVersion: z.string(),
                kind: z.string(),
                namespace: z.string().optional(),
                name: z.string(),
                state: z.enum([
                  'in-sync',
                  'differs',
                  'missing-in-cluster',
                  'only-in-cluster',
                ]),
                fields: z.array(
                  z.object({
                    path: z.string(),
                    desired: z.unknown().optional(),
                    live: z.unknown().optional(),
                    managers: z.array(z.string()),
                  }),
                ),
              }),
            )
            .describe('Every object of the deployment and how it compares'),
      },
    },
    async handler(ctx) {
      const { spec, entityRef } = await loadDeployment(
        options.catalog,
        ctx,
        ctx.input.entityRef,
      );
      if (!spec.cluster) {
        throw new InputError(
          `entityRef: the spec of ${entityRef} names no cluster to compare with`,
        );
      }
      const client = await options.clusters.connect(
        spec.cluster,
        clusterCallOptions(ctx),
      );
      const diff = await diffLiveDeployment({ client, spec });
      for (const o of diff.objects) {
        const what = formatObjectRef(o);
        if (o.state === 'in-sync') ctx.logger.info(`in sync: ${what}`);
        else if (o.state === 'missing-in-cluster')
          ctx.logger.warn(`missing in the cluster: ${what}`);
        else if (o.state === 'only-in-cluster')
          ctx.logger.warn(
            `only in the cluster (labelled, no longer rendered): ${what}`,
          );
        for (const f of o.fields) {
          ctx.logger.warn(
            `${what} ${f.path}: cluster ${show(f.live)}, spec ${show(
              f.desired,
            )}${
              f.managers.length
                ? ` (field manager ${f.managers.join(', ')})`
                : ''
            }`,
          );
        }
      }
      for (const kind of diff.unservedKinds) {
        ctx.logger.warn(`cluster "${spec.cluster}" does not serve ${kind}`);
      }
      const counts = countStates(diff.objects.map(o => o.state));
      ctx.logger.info(
        `${entityRef} on cluster "${spec.cluster}": ${counts}${
          diff.inSync ? '; the cluster matches the spec' : ''
        }`,
      );
      ctx.output('inSync', diff.inSync);
      ctx.output('objects', diff.objects);
    },
  });
}

function show(value: unknown): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

function countStates(states: string[]): string {
  const counts = new Map<string, number>();
  for (const s of states) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].map(([s, n]) => `${n} ${s}`).join(', ');
}
