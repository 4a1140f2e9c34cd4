/** One cluster as the tests, benchmarks and demo give it to the backend. */
export interface KubernetesClusterConfigOptions {
  name: string;
  /** API server URL: the real one (with `caData`) or a plain-http proxy in front of it. */
  url: string;
  /** Service-account bearer token (a kubeconfig's user may lack one: the backend then names the missing key). */
  token: string | undefined;
  /** The API server's CA (base64 PEM); without it TLS is not verified (a plain-http proxy, which client-node otherwise refuses). */
  caData?: string;
}

/**
 * The `kubernetes` config section for one service-account cluster, the
 * way app-config.yaml declares one (kubernetes.clusterLocatorMethods of
 * type config).
 */
export function kubernetesClusterConfig(
  options: KubernetesClusterConfigOptions,
) {
  return {
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: [
          {
            name: options.name,
            url: options.url,
            authProvider: 'serviceAccount',
            serviceAccountToken: options.token,
            ...(options.caData
              ? { caData: options.caData }
              : { skipTLSVerify: true }),
          },
        ],
      },
    ],
  };
}
