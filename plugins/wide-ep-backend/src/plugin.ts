import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { ServiceUnavailableError, assertError } from '@backstage/errors';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { wideEpPermissions } from '@internal/plugin-wide-ep-common';
import {
  ClusterRegistry,
  KubeWatchCache,
  createClientNodeInformerFactory,
} from '@internal/plugin-wide-ep-node';
import { readWideEpBackendConfig } from './config';
import { RankProber, createHttpEndpointProbe } from './probe';
import { createRouter } from './router';
import { RankHealthService } from './service/RankHealthService';
import { FormPreflight } from './service/FormPreflight';
import { DeploymentDiffService } from './service/DeploymentDiffService';
import { registerRankHealthAction } from './actions/registerRankHealthAction';
import { wideEpClusterResourceType } from './permissions';

/**
 * The wide-EP backend plugin: rank health at `/api/wide-ep/ranks`.
 *
 * @remarks
 * Reads config once, builds one watch cache and one prober for all
 * requests, and stops them at shutdown. A cluster configuration it cannot
 * use is logged once and answered with 503 rather than failing the backend.
 *
 * @public
 */
export const wideEpPlugin = createBackendPlugin({
  pluginId: 'wide-ep',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init({
        config,
        logger,
        httpRouter,
        httpAuth,
        permissions,
        permissionsRegistry,
        lifecycle,
        catalog,
        actionsRegistry,
      }) {
        permissionsRegistry.addPermissions(wideEpPermissions);
        // Policies decide apply and delete per cluster with conditions on
        // this resource type; they are applied here, whichever plugin asks.
        permissionsRegistry.addResourceType(wideEpClusterResourceType);
        const settings = readWideEpBackendConfig(config);

        let clusters: ClusterRegistry;
        try {
          clusters = ClusterRegistry.fromConfig(config);
        } catch (error) {
          assertError(error);
          logger.warn(`rank health is unavailable: ${error.message}`);
          const notConfigured = (what: string) => () => {
            throw new ServiceUnavailableError(
              `${what} not configured: ${error.message}`,
            );
          };
          const clustersNotConfigured = notConfigured('wide-EP clusters are');
          httpRouter.use(
            await createRouter({
              httpAuth,
              rankHealth: {
                getRankHealth: async () => notConfigured('rank health is')(),
              },
              clusters: { list: clustersNotConfigured },
              preflight: { check: async () => clustersNotConfigured() },
              diff: { getDiff: async () => clustersNotConfigured() },
            }),
          );
          return;
        }

        const watchCache = KubeWatchCache.create({
          informerFactory: createClientNodeInformerFactory({
            kubeConfigFor: name => clusters.makeKubeConfig(clusters.get(name)),
          }),
          logger: logger.child({ component: 'watch' }),
          timing: { idleMs: settings.watchIdleMs },
        });
        const probeEndpoint = createHttpEndpointProbe({
          timeoutMs: settings.probeTimeoutMs,
        });
        // Answers are shared for a fifth of the window (at most 1 s); probes
        // are kept fresher by as much, so no answer holds older data.
        const responseTtlMs = Math.min(
          1_000,
          Math.floor(settings.freshnessMs / 5),
        );
        const prober = RankProber.create({
          probeEndpoint,
          freshnessMs: settings.freshnessMs - responseTtlMs,
          concurrency: settings.concurrency,
          // Many hung ranks behind the concurrency bound must not hold every answer.
          maxWaitMs: 2 * settings.probeTimeoutMs,
          logger: logger.child({ component: 'prober' }),
        });
        lifecycle.addShutdownHook(async () => {
          await watchCache.stop();
          probeEndpoint.close();
        });

        const rankHealth = RankHealthService.create({
          catalog,
          permissions,
          clusters,
          watchCache,
          prober,
          defaultStartupBudgetMs: settings.defaultStartupBudgetMs,
          responseTtlMs,
        });
        registerRankHealthAction({ actionsRegistry, rankHealth });
        httpRouter.use(
          await createRouter({
            httpAuth,
            rankHealth,
            clusters,
            preflight: FormPreflight.create({ clusters, permissions }),
            diff: new DeploymentDiffService({ catalog, permissions, clusters }),
          }),
        );
        logger.info(
          `rank health serving ${clusters.names().length} cluster(s): ${
            clusters.names().join(', ') || 'none'
          }`,
        );
        for (const { name, reason } of clusters.unusable()) {
          logger.warn(`rank health leaves cluster "${name}" out: ${reason}`);
        }
      },
    });
  },
});
