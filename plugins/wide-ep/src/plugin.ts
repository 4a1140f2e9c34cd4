import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { WideEpClient, wideEpApiRef } from './api';
import {
  TopologyPreviewField,
  WIDE_EP_TOPOLOGY_PREVIEW_FIELD,
  topologyPreviewFieldSchema,
  validateTopologyPreview,
} from './components/TopologyPreviewField';
import {
  UpdatePreviewField,
  WIDE_EP_UPDATE_PREVIEW_FIELD,
  updatePreviewFieldSchema,
} from './components/UpdatePreviewField';
import {
  ClusterPickerField,
  WIDE_EP_CLUSTER_PICKER_FIELD,
  clusterPickerFieldSchema,
} from './components/ClusterPickerField';

/**
 * The wide-EP plugin for legacy (`@backstage/app-defaults`) apps. New apps
 * use the default export of this package's `/alpha` entry point. (No
 * at-sign package name here: TSDoc would read it as the internal tag and
 * strip this export from the type declarations.)
 * @public
 */
export const wideEpPlugin = createPlugin({
  id: 'wide-ep',
  apis: [
    createApiFactory({
      api: wideEpApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new WideEpClient({ discoveryApi, fetchApi }),
    }),
  ],
});

/**
 * Rank-health card for the entity page of a legacy app; wrap it in
 * `<EntitySwitch.Case if={isWideEpAvailable}>`.
 * @public
 */
export const EntityWideEpRankCard = wideEpPlugin.provide(
  createComponentExtension({
    name: 'EntityWideEpRankCard',
    component: {
      lazy: () =>
        import('./components/EntityWideEpRankCard').then(
          m => m.EntityWideEpRankCard,
        ),
    },
  }),
);

/**
 * The Wide-EP tab for the entity page of a legacy app:
 * `<EntityLayout.Route path="/wide-ep" title="Wide-EP" if={isWideEpAvailable}>`.
 * @public
 */
export const EntityWideEpContent = wideEpPlugin.provide(
  createComponentExtension({
    name: 'EntityWideEpContent',
    component: {
      lazy: () =>
        import('./components/EntityWideEpContent').then(
          m => m.EntityWideEpContent,
        ),
    },
  }),
);

/**
 * The `WideEpUpdatePreview` field of the update template, for legacy apps:
 * place it inside `<ScaffolderFieldExtensions>`.
 * @public
 */
export const WideEpUpdatePreviewFieldExtension = wideEpPlugin.provide(
  createScaffolderFieldExtension({
    name: WIDE_EP_UPDATE_PREVIEW_FIELD,
    component: UpdatePreviewField,
    schema: updatePreviewFieldSchema.schema,
  }),
);

/**
 * The `WideEpTopologyPreview` field for legacy apps: place it inside
 * `<ScaffolderFieldExtensions>`. Field extensions only carry data, so it is
 * provided by this plugin rather than by `scaffolderPlugin`, which keeps
 * `@backstage/plugin-scaffolder` out of this package's dependencies.
 * @public
 */
export const WideEpTopologyPreviewFieldExtension = wideEpPlugin.provide(
  createScaffolderFieldExtension({
    name: WIDE_EP_TOPOLOGY_PREVIEW_FIELD,
    component: TopologyPreviewField,
    validation: validateTopologyPreview,
    schema: topologyPreviewFieldSchema.schema,
  }),
);

/**
 * The `WideEpClusterPicker` field for legacy apps: place it inside
 * `<ScaffolderFieldExtensions>`.
 * @public
 */
export const WideEpClusterPickerFieldExtension = wideEpPlugin.provide(
  createScaffolderFieldExtension({
    name: WIDE_EP_CLUSTER_PICKER_FIELD,
    component: ClusterPickerField,
    schema: clusterPickerFieldSchema.schema,
  }),
);
