import { createHash } from 'node:crypto';
import type { Agent } from 'node:http';
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
  reuseConnections(kubeConfig);
  return kubeConfig;
}

type AgentFactory = (
  cluster: unknown,
  options: Record<string, unknown>,
) => Agent;

/**
 * client-node 1.x builds a new https.Agent for every request, so every
 * call pays a TCP and TLS handshake. One keep-alive agent per distinct TLS
 * setting halves the wall time of an apply (the token travels in a header,
 * not in the agent, so sharing the agent shares no credential).
 */
function reuseConnections(kubeConfig: KubeConfig) {
  const target = kubeConfig as unknown as { createAgent: AgentFactory };
  const create = target.createAgent.bind(kubeConfig);
  const agents = new Map<string, Agent>();
  target.createAgent = (cluster, options) => {
    const digest = createHash('sha256');
    for (const k of [
      'ca',
      'cert',
      'key',
      'pfx',
      'rejectUnauthorized',
      'servername',
    ]) {
      digest.update(`${k}=${String(options[k] ?? '')};`);
    }
    const key = digest.digest('hex');
    let agent = agents.get(key);
    if (!agent) {
      agent = create(cluster, { ...options, keepAlive: true });
      agents.set(key, agent);
    }
    return agent;
  };
}
