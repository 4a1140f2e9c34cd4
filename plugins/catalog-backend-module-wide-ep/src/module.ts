import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { RegisteredEntitiesClient } from '@internal/plugin-wide-ep-node';
import { WideEpRegisteredEntityProvider } from './WideEpRegisteredEntityProvider';

/**
 * Adds the provider of apply-only rollouts' entities (registered with the
 * wide-EP backend plugin) to the catalog.
 * @public
 */
export const catalogModuleWideEp = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'wide-ep',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
      },
      async init({ catalog, discovery, auth, logger, scheduler }) {
        catalog.addEntityProvider(
          new WideEpRegisteredEntityProvider({
            entities: new RegisteredEntitiesClient({ discovery, auth }),
            logger,
            // A few seconds: a freshly deployed entity should show while the
            // user still looks at the task page. Global: with several
            // backend replicas one of them refreshes (the catalog's database
            // is shared), not each one.
            schedule: scheduler.createScheduledTaskRunner({
              frequency: { seconds: 3 },
              timeout: { seconds: 30 },
              scope: 'global',
            }),
          }),
        );
      },
    });
  },
});
