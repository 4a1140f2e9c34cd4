export interface Config {
  /**
   * wide-EP deployment settings. Clusters themselves are configured for the
   * Kubernetes plugin, under `kubernetes.clusterLocatorMethods` (type
   * `config`); only what wide-EP adds is declared here.
   */
  wideEp?: {
    apply?: {
      /**
       * Names of the configured Kubernetes clusters that wide-EP may deploy
       * to. When unset, every `config` cluster with `authProvider:
       * serviceAccount` may be used; clusters with other auth providers are
       * left out with a warning at startup, and naming one gives the reason.
       * Set it to keep production clusters out of reach; every cluster it
       * names must use `serviceAccount`.
       */
      allowedClusters?: string[];
    };
    catalog?: {
      /**
       * Folder (relative to the backend's working directory) where
       * `wide-ep:register` writes the entity of an apply-only rollout, and
       * from which the wide-EP catalog module provides those entities. A
       * pull-request rollout registers the entity from Git instead. Use a
       * folder that survives restarts; with several backend replicas, use
       * shared storage or the pull-request rollout.
       */
      entitiesDirectory?: string;
    };
  };
}
