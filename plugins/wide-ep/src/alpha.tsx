import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { compatWrapper } from '@backstage/core-compat-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import { z } from 'zod/v4';
import { WideEpClient, wideEpApiRef } from './api';
import { DEFAULT_RANK_REFRESH_INTERVAL_MS } from './components/EntityWideEpRankCard/refreshInterval';

/** The wide-EP API client, wired to discovery and fetch. @alpha */
export const wideEpApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: wideEpApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new WideEpClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * Rank-health card on the catalog overview of entities annotated with
 * `wide-ep.backstage.io/deployment`. Operators can override the filter and
 * set `refreshIntervalMs` (0 turns polling off, else at least 1000) and
 * `title` under `app.extensions` (`entity-card:wide-ep/rank-health`).
 * @alpha
 */
export const wideEpRankHealthCard = EntityCardBlueprint.makeWithOverrides({
  name: 'rank-health',
  configSchema: {
    refreshIntervalMs: z
      .number()
      .int()
      .refine(ms => ms === 0 || ms >= 1000, {
        message: 'must be 0 (no polling) or at least 1000 ms',
      })
      .default(DEFAULT_RANK_REFRESH_INTERVAL_MS),
    title: z.string().min(1).optional(),
  },
  factory(originalFactory, { config }) {
    return originalFactory({
      type: 'content',
      // Spelled out because a computed key would widen the predicate type;
      // the card test checks it against ENTITY_ANNOTATIONS.deployment.
      filter: {
        'metadata.annotations.wide-ep.backstage.io/deployment': {
          $exists: true,
        },
      },
      loader: () =>
        import('./components/EntityWideEpRankCard').then(m =>
          compatWrapper(
            <m.EntityWideEpRankCard
              refreshIntervalMs={config.refreshIntervalMs}
              title={config.title}
            />,
          ),
        ),
    });
  },
});

/**
 * The Wide-EP tab of a deployment's entity page: spec, rank card, diff
 * against the cluster, and the day-2 templates prefilled for the entity.
 * @alpha
 */
export const wideEpEntityContent = EntityContentBlueprint.make({
  name: 'deployment',
  params: {
    path: '/wide-ep',
    title: 'Wide-EP',
    filter: {
      'metadata.annotations.wide-ep.backstage.io/deployment': {
        $exists: true,
      },
    },
    loader: () =>
      import('./components/EntityWideEpContent').then(m =>
        compatWrapper(<m.EntityWideEpContent />),
      ),
  },
});

/** The `WideEpUpdatePreview` scaffolder field of the update template. @alpha */
export const wideEpUpdatePreviewFormField = FormFieldBlueprint.make({
  name: 'update-preview',
  params: {
    field: () =>
      import('./components/UpdatePreviewField/formField').then(
        m => m.updatePreviewFormField,
      ),
  },
});

/** The `WideEpTopologyPreview` scaffolder field. @alpha */
export const wideEpTopologyPreviewFormField = FormFieldBlueprint.make({
  name: 'topology-preview',
  params: {
    field: () =>
      import('./components/TopologyPreviewField/formField').then(
        m => m.topologyPreviewFormField,
      ),
  },
});

/** The `WideEpClusterPicker` scaffolder field. @alpha */
export const wideEpClusterPickerFormField = FormFieldBlueprint.make({
  name: 'cluster-picker',
  params: {
    field: () =>
      import('./components/ClusterPickerField/formField').then(
        m => m.clusterPickerFormField,
      ),
  },
});

/**
 * The wide-EP frontend plugin for the new frontend system: API client,
 * rank-health entity card, the Wide-EP entity tab, and the topology
 * preview, update preview and cluster picker form fields.
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'wide-ep',
  info: { packageJson: () => import('../package.json') },
  extensions: [
    wideEpApi,
    wideEpRankHealthCard,
    wideEpEntityContent,
    wideEpTopologyPreviewFormField,
    wideEpUpdatePreviewFormField,
    wideEpClusterPickerFormField,
  ],
});
