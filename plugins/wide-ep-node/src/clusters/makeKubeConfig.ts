import type { KubeConfig } from '@kubernetes/client-node';
import { loadClientNode } from '../kube/loadClientNode';
import type { ClusterDetails } from './types';

// Where Kubernetes mounts the pod's service-account token. client-node
// re-reads it every minute, so rotated tokens are picked up.
const IN_CLUSTER_TOKEN_FILE =
  '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * Builds a client-node `KubeConfig` for one cluster, in memory.
 *
 * @remarks
 * Nothing is written to disk: the token stays in this object and is only
 * ever sent as an `Authorization` header. Do not log the result.
 *
 * @public
 */
export async function makeKubeConfig(
  cluster: ClusterDetails,
): Promise<KubeConfig> {
  const { KubeConfig: KubeConfigClass } = await loadClientNode();
  const kubeConfig = new KubeConfigClass();
  kubeConfig.loadFromClusterAndUser(
    {
      name: cluster.name,
      server: cluster.url,
      skipTLSVerify: cluster.skipTLSVerify,
      ...(cluster.caData ? { caData: cluster.caData } : {}),
      ...(cluster.caFile ? { caFile: cluster.caFile } : {}),
    },
    cluster.serviceAccountToken
      ? { name: 'wide-ep', token: cluster.serviceAccountToken }
      : {
          name: 'wide-ep',
          authProvider: {
            name: 'tokenFile',
            config: { tokenFile: IN_CLUSTER_TOKEN_FILE },
          },
        },
  );
  return kubeConfig;
}
