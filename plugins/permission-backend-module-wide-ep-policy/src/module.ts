import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { readWideEpPermissionPolicyConfig } from './config';
import { WideEpPermissionPolicy } from './WideEpPermissionPolicy';

/**
 * Installs {@link WideEpPermissionPolicy} as the permission backend's policy
 * (instead of the allow-all policy), configured by `wideEp.permissionPolicy`.
 * @public
 */
export const permissionModuleWideEpPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'wide-ep-policy',
  register(env) {
    env.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, config, logger, userInfo }) {
        const settings = readWideEpPermissionPolicyConfig(config);
        if (!settings) {
          logger.warn(
            'wideEp.permissionPolicy is not configured: every permission is allowed, as with the allow-all policy (fine for local development only)',
          );
        } else if (settings.protectedClusters.length === 0) {
          logger.warn(
            'wideEp.permissionPolicy.protectedClusters is empty: every permission is allowed',
          );
        } else {
          logger.info(
            `wide-EP permission policy: only ${
              settings.platformGroups.join(', ') || 'nobody'
            } may apply or delete on ${settings.protectedClusters.join(', ')}`,
          );
          if (settings.platformGroups.length === 0) {
            logger.warn(
              'wideEp.permissionPolicy.platformGroups is empty: nobody may apply or delete on the protected clusters',
            );
          }
        }
        policy.setPolicy(
          new WideEpPermissionPolicy({ config: settings, userInfo }),
        );
      },
    });
  },
});
