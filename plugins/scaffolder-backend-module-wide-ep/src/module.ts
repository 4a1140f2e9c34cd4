import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  ClusterRegistry,
  RegisteredEntitiesClient,
} from '@internal/plugin-wide-ep-node';
import { createWideEpApplyAction } from './actions/apply';
import { createWideEpPreflightAction } from './actions/preflight';
import { createWideEpRenderAction } from './actions/render';
import { createWideEpRegisterAction } from './actions/register';
import { createWideEpDiffAction } from './actions/diff';
import { createWideEpTeardownAction } from './actions/teardown';
import { createWideEpUpdateAction } from './actions/update';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import type { WideEpClusterConnector } from './types';

/**
 * Registers `wide-ep:render`, `wide-ep:preflight`, `wide-ep:apply`,
 * `wide-ep:register` and the day-2 actions `wide-ep:update`, `wide-ep:diff`
 * and `wide-ep:teardown` with the scaffolder.
 *
 * @remarks
 * The cluster registry is read once from `kubernetes.clusterLocatorMethods`
 * (type `config`). A cluster configuration wide-EP cannot use does not stop
 * the scaffolder: render keeps working, and preflight and apply fail with
 * the configuration error when a template names a cluster.
 *
 * @public
 */
export const scaffolderModuleWideEp = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'wide-ep',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        permissions: coreServices.permissions,
        logger: coreServices.logger,
        auditor: coreServices.auditor,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
      },
      async init({
        scaffolder,
        config,
        permissions,
        logger,
        auditor,
        discovery,
        auth,
        catalog,
      }) {
        let clusters: WideEpClusterConnector;
        try {
          const registry = ClusterRegistry.fromConfig(config);
          logger.info(
            `wide-EP clusters available to wide-ep:apply: ${
              registry.names().join(', ') || 'none'
            }`,
          );
          for (const { name, reason } of registry.unusable()) {
            logger.warn(`wide-EP leaves cluster "${name}" out: ${reason}`);
          }
          clusters = registry;
        } catch (error) {
          const message = isError(error) ? error.message : String(error);
          logger.warn(
            `wide-EP cluster configuration is invalid; preflight and apply will fail: ${message}`,
          );
          clusters = unusableClusters(error);
        }
        // Apply-only rollouts' entities live in the wide-EP backend plugin's
        // database, reached over HTTP like any other plugin.
        const entities = new RegisteredEntitiesClient({ discovery, auth });
        scaffolder.addActions(
          createWideEpRenderAction(),
          createWideEpPreflightAction({ clusters, permissions }),
          createWideEpApplyAction({ clusters, permissions, auditor }),
          createWideEpRegisterAction({ entities, permissions }),
          createWideEpDiffAction({ clusters, catalog }),
          createWideEpUpdateAction({
            clusters,
            catalog,
            permissions,
            auditor,
            entities,
          }),
          createWideEpTeardownAction({
            clusters,
            catalog,
            permissions,
            auditor,
            entities,
          }),
        );
      },
    });
  },
});

function unusableClusters(error: unknown): WideEpClusterConnector {
  return {
    names: () => [],
    connect: async () => {
      throw error;
    },
  };
}
