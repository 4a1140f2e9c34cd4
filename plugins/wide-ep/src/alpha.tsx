import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { compatWrapper } from '@backstage/core-compat-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import { WideEpClient, wideEpApiRef } from './api';

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
 * `wide-ep.backstage.io/deployment`. Operators can override the filter under
 * `app.extensions` (`entity-card:wide-ep/rank-health`).
 * @alpha
 */
export const wideEpRankHealthCard = EntityCardBlueprint.make({
  name: 'rank-health',
  params: {
    type: 'content',
    // Spelled out because a computed key would widen the predicate type;
    // the card test checks it against ENTITY_ANNOTATIONS.deployment.
    filter: {
      'metadata.annotations.wide-ep.backstage.io/deployment': { $exists: true },
    },
    loader: () =>
      import('./components/EntityWideEpRankCard').then(m =>
        compatWrapper(<m.EntityWideEpRankCard />),
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

/**
 * The wide-EP frontend plugin for the new frontend system: API client,
 * rank-health entity card and topology preview form field.
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'wide-ep',
  info: { packageJson: () => import('../package.json') },
  extensions: [wideEpApi, wideEpRankHealthCard, wideEpTopologyPreviewFormField],
});
