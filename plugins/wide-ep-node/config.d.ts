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
    /**
     * How long wide-EP waits on a cluster's API server (preflight, apply,
     * readiness and pod waits, diff, teardown, the form's checks). A
     * request that gets no answer within `attemptTimeout` (default 10s) is
     * abandoned; timeouts, refused connections, 429 and 5xx answers are
     * retried with backoff (1s, 2s, 4s … 15s), the task log saying so about
     * every 10s, until `giveUpAfter` (default 2m), when the call fails with
     * a 503-type error naming the cluster and the call. Durations are
     * strings such as `10s` or `2m`, or objects such as `{ seconds: 10 }`.
     */
    clusterCalls?: {
      attemptTimeout?: string | { milliseconds?: number; seconds?: number };
      giveUpAfter?:
        | string
        | { milliseconds?: number; seconds?: number; minutes?: number };
    };
    catalog?: {
      /**
       * Deprecated: the folder where `wide-ep:register` used to write the
       * entity of an apply-only rollout. Those entities now live in the
       * wide-EP backend plugin's database (shared by every backend replica).
       * When set, the backend plugin imports the folder's entities into the
       * database once at startup (files it imported before and that are
       * unchanged are skipped) and logs that the setting is deprecated;
       * remove it after one start.
       * @deprecated apply-only rollouts register their entity in the wide-EP backend plugin's database; the folder is imported once at startup
       */
      entitiesDirectory?: string;
    };
  };
}
