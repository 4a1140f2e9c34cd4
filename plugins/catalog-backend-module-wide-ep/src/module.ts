import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { readEntitiesDirectory } from '@internal/plugin-wide-ep-node';
import { WideEpEntityDirectoryProvider } from './WideEpEntityDirectoryProvider';

/**
 * Adds the wide-EP entity provider to the catalog when
 * `wideEp.catalog.entitiesDirectory` is configured.
 * @public
 */
export const catalogModuleWideEp = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'wide-ep',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
      },
      async init({ catalog, config, logger, scheduler }) {
        const directory = readEntitiesDirectory(config);
        if (!directory) {
          logger.info(
            'wideEp.catalog.entitiesDirectory is not set; apply-only rollouts will not be registered',
          );
          return;
        }
        catalog.addEntityProvider(
          new WideEpEntityDirectoryProvider({
            directory,
            logger,
            // A few seconds: a freshly deployed entity should show while the
            // user still looks at the task page.
            schedule: scheduler.createScheduledTaskRunner({
              frequency: { seconds: 3 },
              timeout: { seconds: 30 },
              scope: 'local',
            }),
          }),
        );
      },
    });
  },
});
