export interface Config {
  wideEp?: {
    /**
     * The wide-EP permission policy
     * (`@internal/plugin-permission-backend-module-wide-ep-policy`). Without
     * this section the policy allows every permission, like the allow-all
     * policy, which is what local development wants.
     */
    permissionPolicy?: {
      /**
       * Groups whose members may apply (`wide-ep.deployment.apply`) and
       * delete (`wide-ep.deployment.delete`) on protected clusters, as entity
       * references such as `group:default/platform` (kind and namespace
       * default to `group` and `default`). Membership is the signed-in
       * user's ownership references, as the sign-in resolver sets them from
       * the catalog.
       */
      platformGroups?: string[];
      /**
       * Cluster names (from `kubernetes.clusterLocatorMethods`) only platform
       * groups may apply to or delete from. A trailing `*` matches any
       * suffix: `prod-*`, or `*` for every cluster. Other clusters are open
       * to everyone who may run the templates.
       */
      protectedClusters?: string[];
    };
  };
}
