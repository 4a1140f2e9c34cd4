import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, posix, relative } from 'node:path';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  formatIssues,
  renderDeployment,
  specWarnings,
} from '@internal/plugin-wide-ep-common';
import { entityRefOf, parseActionSpec, specInputSchema } from './specInput';
import { renderExamples } from './render.examples';

/** Action id of {@link createWideEpRenderAction}. */
export const WIDE_EP_RENDER_ACTION_ID = 'wide-ep:render';

/**
 * `wide-ep:render`: renders the wide-EP deployment folder (manifests,
 * kustomization.yaml, README.md, catalog-info.yaml) into the workspace.
 *
 * @remarks
 * Pure apart from writing files, so it behaves the same in a dry run and the
 * template editor shows the generated files.
 *
 * @public
 */
export function createWideEpRenderAction() {
  return createTemplateAction({
    id: WIDE_EP_RENDER_ACTION_ID,
    description:
      'Renders an llm-d wide expert-parallel deployment (LeaderWorkerSet or PodCliqueSet, InferencePool, Gateway, HTTPRoute, catalog-info.yaml) into the workspace',
    examples: renderExamples,
    supportsDryRun: true,
    schema: {
      input: {
        ...specInputSchema({ clusterRequired: false }),
        targetPath: z =>
          z
            .string()
            .optional()
            .describe(
              'Workspace-relative folder to write the generated files into (default ".")',
            ),
      },
      output: {
        path: z =>
          z.string().describe('Workspace-relative folder holding the files'),
        catalogInfoPath: z =>
          z
            .string()
            .describe(
              'Workspace-relative path of the generated catalog-info.yaml',
            ),
        catalogInfo: z =>
          z
            .string()
            .describe(
              'Content of the generated catalog-info.yaml, for rollouts without a repository',
            ),
        objects: z =>
          z
            .array(
              z.object({
                apiVersion: z.string(),
                kind: z.string(),
                namespace: z.string().optional(),
                name: z.string(),
              }),
            )
            .describe('Rendered Kubernetes objects, in apply order'),
        files: z =>
          z
            .array(z.string())
            .describe('Workspace-relative paths of the files written'),
        gpus: z =>
          z
            .object({
              total: z.number(),
              prefill: z.number(),
              decode: z.number(),
            })
            .describe('GPUs requested, in total and per role'),
        ranks: z =>
          z
            .object({
              total: z.number(),
              prefill: z.number(),
              decode: z.number(),
            })
            .describe('Data-parallel ranks, in total and per role'),
        targetPorts: z =>
          z
            .array(z.number())
            .describe(
              'InferencePool target ports (one per rank with rankPorts)',
            ),
        entityRef: z =>
          z
            .string()
            .describe('Entity reference of the generated catalog-info.yaml'),
        warnings: z =>
          z
            .array(z.string())
            .describe('Advice that does not block rendering, as path: message'),
      },
    },
    async handler(ctx) {
      const spec = parseActionSpec(ctx.input);
      const rendered = renderDeployment(spec);
      const targetPath = ctx.input.targetPath || '.';
      const folder = resolveSafeChildPath(ctx.workspacePath, targetPath);

      ctx.logger.info(
        `Rendering wide-EP deployment ${spec.namespace}/${spec.name} (${spec.orchestrator}, ${spec.hardware}, gateway ${spec.gateway}) into ${targetPath}`,
      );
      const written: string[] = [];
      for (const file of rendered.files) {
        const target = resolveSafeChildPath(folder, file.path);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, file.content, 'utf8');
        written.push(workspaceRelative(ctx.workspacePath, target));
      }

      const warnings = specWarnings(spec);
      for (const warning of warnings) {
        ctx.logger.warn(`${warning.path}: ${warning.message}`);
      }
      const { plan } = rendered;
      ctx.logger.info(
        `Wrote ${written.length} files: ${rendered.objects.length} objects, ${
          plan.totalGpus
        } GPUs in ${plan.totalPods} pods, target ports ${plan.targetPorts.join(
          ',',
        )}`,
      );

      ctx.output('path', workspaceRelative(ctx.workspacePath, folder));
      ctx.output(
        'catalogInfoPath',
        workspaceRelative(
          ctx.workspacePath,
          resolveSafeChildPath(folder, 'catalog-info.yaml'),
        ),
      );
      ctx.output(
        'catalogInfo',
        rendered.files.find(f => f.path === 'catalog-info.yaml')?.content ?? '',
      );
      ctx.output(
        'objects',
        rendered.objects.map(o => ({
          apiVersion: o.apiVersion,
          kind: o.kind,
          ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
          name: o.metadata.name,
        })),
      );
      ctx.output('files', written);
      ctx.output('gpus', {
        total: plan.totalGpus,
        prefill: plan.roles.prefill.totalGpus,
        decode: plan.roles.decode.totalGpus,
      });
      ctx.output('ranks', {
        total: plan.totalRanks,
        prefill: plan.roles.prefill.totalGpus,
        decode: plan.roles.decode.totalGpus,
      });
      ctx.output('targetPorts', plan.targetPorts);
      ctx.output('entityRef', entityRefOf(rendered.entity));
      ctx.output(
        'warnings',
        formatIssues(warnings).split('\n').filter(Boolean),
      );
    },
  });
}

function workspaceRelative(workspacePath: string, target: string): string {
  const rel = relative(workspacePath, target).split(/[\\/]/).join(posix.sep);
  return rel === '' ? '.' : rel;
}
