export interface Config {
  wideEp?: {
    /**
     * Rank-health API (`GET /api/wide-ep/ranks`). Clusters come from the
     * Kubernetes plugin's `kubernetes.clusterLocatorMethods` (type `config`).
     */
    rankHealth?: {
      /**
       * Timeout of one probe request to a vLLM rank, in milliseconds. A
       * rank that does not answer in time is reported unhealthy. Default 1500.
       */
      probeTimeoutMs?: number;
      /**
       * Probe results younger than this (milliseconds) are reused, so any
       * number of viewers cause one probe per rank per window. A rank that
       * dies shows up within this window. Default 5000.
       */
      freshnessMs?: number;
      /** vLLM endpoints probed at the same time, across all deployments. Default 16. */
      concurrency?: number;
      /**
       * Milliseconds a pod may take to become Ready when its vllm container
       * has no startup probe to read the budget from. Default 1800000 (30 min).
       */
      defaultStartupBudgetMs?: number;
      /** Stop watching a deployment nobody has looked at for this many milliseconds. Default 600000. */
      watchIdleMs?: number;
    };
  };
}
