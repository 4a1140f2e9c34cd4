import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { ConfigReader } from '@backstage/config';
import {
  ClusterRegistry,
  KubeClient,
  applyManifests,
  assertApplySucceeded,
  loadClientNode,
} from '@internal/plugin-wide-ep-node';

/** The two identities test/cluster/up provides. */
export type Identity = 'admin' | 'restricted';

/** Namespace where the restricted identity has full rights. */
export const ALLOWED_NAMESPACE =
  process.env.WIDE_EP_ALLOWED_NAMESPACE ?? 'wide-ep-allowed';

function kubeconfigPath(identity: Identity): string {
  const admin = process.env.WIDE_EP_TEST_KUBECONFIG;
  if (!admin) {
    throw new Error(
      'WIDE_EP_TEST_KUBECONFIG is not set; run through the package jest config (globalSetup)',
    );
  }
  return identity === 'admin'
    ? admin
    : process.env.WIDE_EP_RESTRICTED_KUBECONFIG ??
        path.join(path.dirname(admin), 'restricted.kubeconfig');
}

/**
 * App-config in the Kubernetes plugin's shape for the test cluster, built
 * from its kubeconfig, so the tests go through the same config reading and
 * KubeConfig building as production.
 */
export async function appConfigFor(
  identity: Identity,
  clusterName = `test-${identity}`,
) {
  const { KubeConfig: KubeConfigClass } = await loadClientNode();
  const file = new KubeConfigClass();
  file.loadFromFile(kubeconfigPath(identity));
  const cluster = file.getCurrentCluster();
  const user = file.getCurrentUser();
  if (!cluster || !user?.token) {
    throw new Error(
      `kubeconfig for ${identity} has no current cluster or token`,
    );
  }
  return new ConfigReader({
    kubernetes: {
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: [
            {
              name: clusterName,
              url: cluster.server,
              authProvider: 'serviceAccount',
              serviceAccountToken: user.token,
              caData: cluster.caData,
            },
          ],
        },
      ],
    },
  });
}

/** A KubeClient plus the raw KubeConfig, for setup steps our API does not offer. */
export async function connect(
  identity: Identity,
): Promise<{ client: KubeClient; kubeConfig: KubeConfig }> {
  const registry = ClusterRegistry.fromConfig(await appConfigFor(identity));
  const [name] = registry.names();
  return {
    client: await registry.connect(name),
    kubeConfig: await registry.makeKubeConfig(registry.get(name)),
  };
}

/** A DNS-1123 name unique to this run. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/**
 * Creates a fresh namespace. The test cluster has no namespace controller,
 * so namespaces are never deleted; unique names keep runs apart.
 */
export async function createNamespace(
  client: KubeClient,
  prefix = 'it',
): Promise<string> {
  const name = uniqueName(`wide-ep-${prefix}`);
  assertApplySucceeded(
    await applyManifests({
      client,
      objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }],
      dryRun: false,
    }),
  );
  return name;
}

export function serviceAccount(
  namespace: string,
  name: string,
): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace },
  };
}

export function configMap(
  namespace: string,
  name: string,
  data: Record<string, string>,
) {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace },
    data,
  };
}

/** A LeaderWorkerSet with the smallest spec the v0.10 CRD accepts. */
export function leaderWorkerSet(namespace: string, name: string, replicas = 1) {
  return {
    apiVersion: 'leaderworkerset.x-k8s.io/v1',
    kind: 'LeaderWorkerSet',
    metadata: { name, namespace },
    spec: {
      replicas,
      leaderWorkerTemplate: {
        size: 2,
        workerTemplate: {
          spec: {
            containers: [{ name: 'vllm', image: 'vllm/vllm-openai:v0.11.0' }],
          },
        },
      },
    },
  };
}

export function inferencePool(namespace: string, name: string, ports: number) {
  return {
    apiVersion: 'inference.networking.k8s.io/v1',
    kind: 'InferencePool',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: { app: name } },
      targetPorts: Array.from({ length: ports }, (_, i) => ({
        number: 8000 + i,
      })),
      endpointPickerRef: { name: `${name}-epp`, port: { number: 9002 } },
    },
  };
}
