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
       * Probe results (and Prometheus query results) younger than this
       * (milliseconds) are reused, so any number of viewers cause at most
       * one probe per rank endpoint (one query per deployment) per window.
       * A rank that dies shows up within this window plus one probe and
       * the answer cache (a fifth of the window, at most 1 s). Default 5000.
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
    /**
     * Prometheus as the load source of the rank API and its history
     * (`GET /api/wide-ep/ranks/history`). For a cluster listed here, rank
     * load (running, waiting, KV cache, token throughput, TTFT/ITL p95)
     * comes from one query per deployment per freshness window, and the
     * ranks are probed on /health only. Other clusters keep the direct
     * /metrics probes.
     */
    prometheus?: {
      /**
       * Deadline of one query, in milliseconds. Only a deployment's first
       * query is waited for (later ones refresh in the background). After a
       * failed query the last good answer is shown for up to three windows,
       * with a condition naming the error; then the load comes from /metrics
       * probes until a query succeeds. Default 10000.
       */
      queryTimeoutMs?: number;
      /** Window of rate() and the latency percentiles, in seconds: 20 (two scrapes of the PodMonitor) to 3600. Default 40 (four scrapes). */
      rateWindowSeconds?: number;
      /**
       * How often Prometheus scrapes the ranks (the generator's PodMonitor:
       * 10 s); a deployment's load is not queried more often than this, as
       * nothing new could come. Default 10.
       */
      scrapeIntervalSeconds?: number;
      /**
       * Queries sent to one Prometheus at a time (1-64); the others wait
       * their turn, and their deadline starts when they are sent. Default 4.
       */
      maxConcurrentQueries?: number;
      clusters?: Array<{
        /** A cluster name of kubernetes.clusterLocatorMethods. */
        cluster: string;
        /** Base URL of the Prometheus HTTP API (no credentials in it), e.g. http://prometheus-k8s.monitoring:9090. */
        url: string;
        /**
         * Headers sent with every query, e.g. `Authorization: Bearer
         * ${PROMETHEUS_TOKEN}` from an environment variable. Never logged.
         * @visibility secret
         */
        headers?: { [name: string]: string };
      }>;
    };
  };
}
