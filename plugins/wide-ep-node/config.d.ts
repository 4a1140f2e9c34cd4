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
       * to. When unset, every `config` cluster may be used, and each must use
       * `authProvider: serviceAccount`. Set it to keep production clusters,
       * or clusters with other auth providers, out of reach.
       */
      allowedClusters?: string[];
    };
  };
}
