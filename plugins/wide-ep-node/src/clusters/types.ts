/**
 * A cluster wide-EP can deploy to, read from the Kubernetes plugin's
 * `kubernetes.clusterLocatorMethods` (type `config`).
 *
 * @remarks
 * Holds credentials: never log or serialize the whole object. Log
 * `name` (and `url`) instead.
 *
 * @public
 */
export interface ClusterDetails {
  name: string;
  /** Display title, as the Kubernetes plugin shows it. */
  title?: string;
  /** API server URL. */
  url: string;
  /** Only server-side service-account tokens are supported for now. */
  authProvider: 'serviceAccount';
  /**
   * Bearer token. When absent, the token of the pod Backstage runs in is
   * used (`/var/run/secrets/kubernetes.io/serviceaccount/token`), as the
   * Kubernetes plugin does.
   */
  serviceAccountToken?: string;
  /** Base64 PEM of the CA that signed the API server's certificate. */
  caData?: string;
  /** Path to that CA instead of `caData`. */
  caFile?: string;
  skipTLSVerify: boolean;
  skipMetricsLookup: boolean;
}

/**
 * A cluster of the Kubernetes plugin's config that wide-EP cannot connect to
 * (an auth provider other than `serviceAccount`), with the reason.
 *
 * @public
 */
export interface UnusableCluster {
  name: string;
  title?: string;
  reason: string;
}
