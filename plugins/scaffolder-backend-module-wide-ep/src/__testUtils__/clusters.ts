import { InputError } from '@backstage/errors';
import type { KubeClient } from '@internal/plugin-wide-ep-node';
import type { WideEpClusterConnector } from '../types';

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [key: string]: unknown;
};

/** A connector serving fake clients by cluster name. */
export function fakeClusters(
  clients: Record<string, KubeClient>,
): WideEpClusterConnector & {
  connect: jest.Mock<Promise<KubeClient>, [string]>;
} {
  return {
    names: () => Object.keys(clients),
    connect: jest.fn(async (name: string) => {
      const client = clients[name];
      if (!client) {
        throw new InputError(
          `unknown cluster "${name}"; configured: ${Object.keys(clients).join(
            ', ',
          )}`,
        );
      }
      return client;
    }),
  };
}

/** The cluster side a passing preflight needs for a spec's requirements. */
export function clusterFor(options: {
  crds: string[];
  gatewayClass?: string;
  namespace: string;
  secret?: { name: string; key: string };
  nodes: Array<Record<string, string>>;
}): Obj[] {
  const objects: Obj[] = options.crds.map(name => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name },
    spec: {
      versions: ['v1', 'v1alpha1', 'v1beta1'].map(v => ({
        name: v,
        served: true,
      })),
    },
    status: { conditions: [{ type: 'Established', status: 'True' }] },
  }));
  if (options.gatewayClass) {
    objects.push({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: options.gatewayClass },
      spec: { controllerName: 'example.com/gateway' },
      status: { conditions: [{ type: 'Accepted', status: 'True' }] },
    });
  }
  objects.push({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: options.namespace },
    status: { phase: 'Active' },
  });
  if (options.secret) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: options.secret.name, namespace: options.namespace },
      data: { [options.secret.key]: 'c2VjcmV0' },
    });
  }
  options.nodes.forEach((allocatable, i) =>
    objects.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: `node-${i}` },
      status: { allocatable },
    }),
  );
  return objects;
}
