import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  ServiceUnavailableError,
  assertError,
  isError,
} from '@backstage/errors';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { wideEpPermissions } from '@internal/plugin-wide-ep-common';
import {
  ClusterRegistry,
  KubeWatchCache,
  createClientNodeInformerFactory,
  readEntitiesDirectory,
} from '@internal/plugin-wide-ep-node';
import { readWideEpBackendConfig } from './config';
import {
  RankProber,
  createConcurrencyLimit,
  createHttpEndpointProbe,
} from './probe';
import { readPrometheusConfig } from './prometheus/prometheusConfig';
import { PrometheusClient } from './prometheus/PrometheusClient';
import { PrometheusRankLoad } from './prometheus/PrometheusRankLoad';
import { PrometheusHistory } from './history/PrometheusHistory';
import { ProbeHistory } from './history/ProbeHistory';
import { RankHistoryService } from './history/RankHistoryService';
import { createRouter } from './router';
import { RankHealthService } from './service/RankHealthService';
import { FormPreflight } from './service/FormPreflight';
import { DeploymentDiffService } from './service/DeploymentDiffService';
import { registerRankHealthAction } from './actions/registerRankHealthAction';
import { wideEpClusterResourceType } from './permissions';
import { RegisteredEntityStore } from './entities/RegisteredEntityStore';
import { createRegisteredEntitiesRouter } from './entities/createRegisteredEntitiesRouter';
import { importEntitiesDirectory } from './entities/importEntitiesDirectory';

/**
 * The wide-EP backend plugin: rank health at `/api/wide-ep/ranks`, and the
 * registered entities of apply-only rollouts in its database.
 *
 * @remarks
 * Reads config once, builds one watch cache and one prober for all
 * requests, and stops them at shutdown. A cluster configuration it cannot
 * use is logged once and answered with 503 rather than failing the backend;
 * the registered entities do not depend on it.
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
        database: coreServices.database,
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
        database,
        catalog,
        actionsRegistry,
      }) {
        // First: the entity routes parse their own (larger) bodies, and do
        // not depend on the cluster configuration below.
        const entityStore = await RegisteredEntityStore.create({ database });
        const entitiesDirectory = readEntitiesDirectory(config);
        if (entitiesDirectory) {
          await importEntitiesDirectory({
            directory: entitiesDirectory,
            store: entityStore,
            logger: logger.child({ component: 'entities' }),
          }).catch(error =>
            logger.error(
              `could not import the entities of ${entitiesDirectory} (wideEp.catalog.entitiesDirectory); they are not registered until it can be read at a start: ${
                isError(error) ? error.message : String(error)
              }`,
            ),
          );
        }
        httpRouter.use(
          createRegisteredEntitiesRouter({ httpAuth, entities: entityStore }),
        );

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
              rankHistory: {
                getRankHistory: async () => notConfigured('rank health is')(),
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
        // Read after the clusters, so a Prometheus for an unknown cluster is named.
        const prometheusConfig = readPrometheusConfig(config, [
          ...clusters.names(),
          ...clusters.unusable().map(c => c.name),
        ]);
        const prometheusClients = new Map(
          [...prometheusConfig.endpoints].map(([name, endpoint]) => [
            name,
            new PrometheusClient({
              endpoint,
              timeoutMs: prometheusConfig.queryTimeoutMs,
              maxConcurrentQueries: prometheusConfig.maxConcurrentQueries,
            }),
          ]),
        );
        // Answers are shared for a fifth of the window (at most 1 s), so
        // many viewers cost one derivation.
        const responseTtlMs = Math.min(
          1_000,
          Math.floor(settings.freshnessMs / 5),
        );
        const probeEndpoint = createHttpEndpointProbe({
          timeoutMs: settings.probeTimeoutMs,
        });
        // Each endpoint is probed at most once per freshness window, however
        // many viewers: a result is refreshed once it has expired, and served
        // meanwhile for as long as a probe may take. A rank that dies shows
        // within the window plus one probe and the answer's TTL.
        const proberOptions = {
          freshnessMs: settings.freshnessMs,
          refreshAhead: [1, 1] as [number, number],
          staleForMs: 2 * settings.probeTimeoutMs,
          // One bound across both probers: endpoints probed at the same time.
          limit: createConcurrencyLimit(settings.concurrency),
          concurrency: settings.concurrency,
          // Many hung ranks behind the concurrency bound must not hold every answer.
          maxWaitMs: 2 * settings.probeTimeoutMs,
          logger: logger.child({ component: 'prober' }),
        };
        const prober = RankProber.create({ ...proberOptions, probeEndpoint });
        // Ranks whose load comes from Prometheus: /health only.
        const probeHealth = createHttpEndpointProbe({
          timeoutMs: settings.probeTimeoutMs,
          metrics: false,
          // One request per endpoint at a time: one kept-alive socket each.
          maxSocketsPerHost: 1,
        });
        const healthProber = RankProber.create({
          ...proberOptions,
          probeEndpoint: probeHealth,
        });
        lifecycle.addShutdownHook(async () => {
          await watchCache.stop();
          probeEndpoint.close();
          probeHealth.close();
        });
        const prometheusLoad = prometheusClients.size
          ? new PrometheusRankLoad({
              clients: prometheusClients,
              // One query per deployment per window, the same way; never more
              // often than Prometheus scrapes, as nothing new could come.
              freshnessMs: Math.max(
                settings.freshnessMs,
                prometheusConfig.scrapeIntervalSeconds * 1000,
              ),
              rateWindowSeconds: prometheusConfig.rateWindowSeconds,
              logger: logger.child({ component: 'prometheus' }),
            })
          : undefined;
        const probeHistory = new ProbeHistory();

        const rankHealth = RankHealthService.create({
          catalog,
          permissions,
          clusters,
          watchCache,
          prober,
          healthProber,
          prometheus: prometheusLoad,
          onProbedLoad: (key, response) =>
            probeHistory.record(key, response.ranks, Date.now()),
          defaultStartupBudgetMs: settings.defaultStartupBudgetMs,
          responseTtlMs,
        });
        const rankHistory = new RankHistoryService({
          rankHealth,
          watchCache,
          probeHistory,
          ...(prometheusClients.size
            ? {
                prometheus: new PrometheusHistory({
                  clients: prometheusClients,
                  freshnessMs: settings.freshnessMs,
                  rateWindowSeconds: prometheusConfig.rateWindowSeconds,
                }),
              }
            : {}),
        });
        registerRankHealthAction({ actionsRegistry, rankHealth });
        httpRouter.use(
          await createRouter({
            httpAuth,
            rankHealth,
            rankHistory,
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
        for (const endpoint of prometheusConfig.endpoints.values()) {
          // The URL only: headers are secret.
          logger.info(
            `rank load of cluster "${endpoint.cluster}" from Prometheus at ${endpoint.url}; its ranks are probed on /health only`,
          );
        }
        for (const { name, reason } of clusters.unusable()) {
          logger.warn(`rank health leaves cluster "${name}" out: ${reason}`);
        }
      },
    });
  },
});
