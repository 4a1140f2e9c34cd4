/*
 * Hi!
 *
 * Note that this is an EXAMPLE Backstage backend. Please check the README.
 *
 * Happy hacking!
 */

import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// scaffolder plugin
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);
backend.add(import('@backstage/plugin-scaffolder-backend-module-gitlab'));
// wide-EP: wide-ep:render, wide-ep:preflight, wide-ep:apply, wide-ep:register
backend.add(import('@internal/plugin-scaffolder-backend-module-wide-ep'));

// techdocs plugin
backend.add(import('@backstage/plugin-techdocs-backend'));

// auth plugin
backend.add(import('@backstage/plugin-auth-backend'));
// See https://backstage.io/docs/backend-system/building-backends/migrating#the-auth-plugin
// Guest sign-in for local development (auth.providers.guest in app-config.yaml);
// it refuses every sign-in unless NODE_ENV is development.
// See https://backstage.io/docs/auth/guest/provider
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// GitHub sign-in for production (auth.providers.github in
// app-config.production.yaml); see README "Production sign-in and permissions".
backend.add(import('@backstage/plugin-auth-backend-module-github-provider'));

// catalog plugin
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);

// wide-EP: entities of apply-only rollouts (registered in the wide-EP backend
// plugin's database; one replica refreshes them into the catalog)
backend.add(import('@internal/plugin-catalog-backend-module-wide-ep'));

// See https://backstage.io/docs/features/software-catalog/configuration#subscribing-to-catalog-errors
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// permission plugin
backend.add(import('@backstage/plugin-permission-backend'));
// wide-EP policy: only wideEp.permissionPolicy.platformGroups may apply or
// delete on wideEp.permissionPolicy.protectedClusters; without that config
// section it allows everything, like the allow-all policy.
backend.add(
  import('@internal/plugin-permission-backend-module-wide-ep-policy'),
);

// search plugin
backend.add(import('@backstage/plugin-search-backend'));

// search engine
// See https://backstage.io/docs/features/search/search-engines
backend.add(import('@backstage/plugin-search-backend-module-pg'));

// search collators
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@backstage/plugin-search-backend-module-techdocs'));

// wide-EP rank health (GET /api/wide-ep/ranks) and the registered entities of
// apply-only rollouts (service-only /api/wide-ep/registered-entities)
backend.add(import('@internal/plugin-wide-ep-backend'));

// kubernetes plugin
backend.add(import('@backstage/plugin-kubernetes-backend'));

// user settings plugin
backend.add(import('@backstage/plugin-user-settings-backend'));

// notifications and signals plugins
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// mcp actions plugin
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.start();
