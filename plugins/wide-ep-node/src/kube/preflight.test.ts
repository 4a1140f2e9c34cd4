import type { KubernetesObject } from '@kubernetes/client-node';
import {
  AuthenticationError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { FakeKubeClient } from '../testUtils';
import {
  PreflightCheck,
  PreflightRequirements,
  runPreflight,
} from './preflight';

const k8s = <T extends KubernetesObject>(object: T): T => object;

function crd(name: string, versions: string[], established = 'True') {
  return k8s({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name },
    spec: {
      versions: versions.map(v => ({
        name: v,
        served: true,
        storage: v === versions[0],
      })),
    },
    status: {
      conditions: [
        { type: 'Established', status: established, message: 'not yet' },
      ],
    },
  });
}

function node(
  name: string,
  allocatable: Record<string, string>,
  unschedulable = false,
) {
  return k8s({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    spec: { unschedulable },
    status: { allocatable },
  });
}

const gatewayClass = (conditionStatus?: string) =>
  k8s({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GatewayClass',
    metadata: { name: 'istio' },
    spec: { controllerName: 'istio.io/gateway-controller' },
    status: conditionStatus
      ? {
          conditions: [
            {
              type: 'Accepted',
              status: conditionStatus,
              reason: 'InvalidParameters',
              message: 'bad params',
            },
          ],
        }
      : {},
  });

const base: PreflightRequirements = {
  crds: [
    {
      name: 'leaderworkersets.leaderworkerset.x-k8s.io',
      versions: ['v1'],
      why: 'decode groups',
    },
  ],
  gatewayClassName: 'istio',
  namespace: 'llm',
  secret: { name: 'llm-d-hf-token', key: 'HF_TOKEN' },
  gpus: { resource: 'nvidia.com/gpu', perPod: 8, pods: 4 },
  extraResources: [{ resource: 'rdma/ib', perPod: 1, pods: 4 }],
};

const byId = (checks: PreflightCheck[]) =>
  Object.fromEntries(checks.map(c => [c.id, c]));

function healthyCluster() {
  return new FakeKubeClient().seed(
    crd('leaderworkersets.leaderworkerset.x-k8s.io', ['v1']),
    gatewayClass('True'),
    k8s({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'llm' },
      status: { phase: 'Active' },
    }),
    k8s({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'llm-d-hf-token', namespace: 'llm' },
      data: { HF_TOKEN: 'aGZfc2VjcmV0' },
    }),
    node('gpu-1', { 'nvidia.com/gpu': '8', 'rdma/ib': '1k' }),
    node('gpu-2', { 'nvidia.com/gpu': '16', 'rdma/ib': '1k' }),
    node('gpu-3', { 'nvidia.com/gpu': '8' }),
    node('cpu-1', { cpu: '32' }),
  );
}

describe('runPreflight', () => {
  it('passes a cluster that has everything, in a fixed order', async () => {
    expect(await runPreflight(healthyCluster(), base)).toEqual([
      {
        id: 'crd:leaderworkersets.leaderworkerset.x-k8s.io',
        title: 'CRD leaderworkersets.leaderworkerset.x-k8s.io',
        status: 'pass',
        message: 'established; serves v1',
      },
      {
        id: 'gateway-class',
        title: 'GatewayClass istio',
        status: 'pass',
        message: 'accepted by istio.io/gateway-controller',
      },
      {
        id: 'namespace',
        title: 'Namespace llm',
        status: 'pass',
        message: 'namespace llm exists',
      },
      {
        id: 'secret',
        title: 'Secret llm/llm-d-hf-token',
        status: 'pass',
        message: 'Secret llm-d-hf-token has key HF_TOKEN',
      },
      {
        id: 'resource:nvidia.com/gpu',
        title: 'Allocatable nvidia.com/gpu',
        status: 'pass',
        // 8/8 + 16/8 + 0 = 3 pods, plus gpu-3 = 4.
        message:
          'need 4 pods × 8 nvidia.com/gpu; 3 of 4 schedulable nodes (4 in total) have ≥ 8 allocatable, room for 4 pods (allocatable, not free)',
      },
      {
        id: 'resource:rdma/ib',
        title: 'Allocatable rdma/ib',
        status: 'pass',
        message:
          'need 4 pods × 1 rdma/ib; 2 of 4 schedulable nodes (4 in total) have ≥ 1 allocatable, room for 2000 pods (allocatable, not free)',
      },
    ]);
  });

  it('fails with figures when schedulable nodes lack room, ignoring cordoned ones', async () => {
    const client = new FakeKubeClient().seed(
      node('gpu-1', { 'nvidia.com/gpu': '8' }),
      node('gpu-2', { 'nvidia.com/gpu': '12' }),
      node('gpu-3', { 'nvidia.com/gpu': '8' }, true),
    );
    expect(
      byId(await runPreflight(client, base))['resource:nvidia.com/gpu'],
    ).toEqual({
      id: 'resource:nvidia.com/gpu',
      title: 'Allocatable nvidia.com/gpu',
      status: 'fail',
      message:
        'need 4 pods × 8 nvidia.com/gpu; 2 of 2 schedulable nodes (3 in total) have ≥ 8 allocatable, room for 2 pods',
      remedy:
        'add nodes that advertise nvidia.com/gpu (check the device plugin or DRA driver on them), or lower the replica count or pods per replica',
    });
  });

  it('fails missing things with a remedy', async () => {
    const result = byId(await runPreflight(new FakeKubeClient(), base));
    expect(
      result['crd:leaderworkersets.leaderworkerset.x-k8s.io'],
    ).toMatchObject({
      status: 'fail',
      message:
        'CRD leaderworkersets.leaderworkerset.x-k8s.io is not installed; it is needed for decode groups',
    });
    expect(result['gateway-class']).toMatchObject({
      status: 'fail',
      message: 'GatewayClass istio does not exist (existing: none)',
    });
    expect(result.namespace).toEqual({
      id: 'namespace',
      title: 'Namespace llm',
      status: 'fail',
      message: 'namespace llm does not exist',
      remedy: 'kubectl create namespace llm',
    });
    expect(result.secret).toMatchObject({
      status: 'fail',
      remedy:
        'kubectl create secret generic llm-d-hf-token --from-literal=HF_TOKEN=… -n llm',
    });
    expect(result['resource:nvidia.com/gpu']).toMatchObject({
      status: 'fail',
      message:
        'need 4 pods × 8 nvidia.com/gpu; 0 of 0 schedulable nodes (0 in total) have ≥ 8 allocatable, room for 0 pods',
    });
  });

  it('fails a CRD that is not established or lacks a version', async () => {
    const notEstablished = byId(
      await runPreflight(
        new FakeKubeClient().seed(
          crd('leaderworkersets.leaderworkerset.x-k8s.io', ['v1'], 'False'),
        ),
        base,
      ),
    );
    expect(
      notEstablished['crd:leaderworkersets.leaderworkerset.x-k8s.io'],
    ).toMatchObject({
      status: 'fail',
      message:
        'CRD leaderworkersets.leaderworkerset.x-k8s.io exists but is not Established: not yet',
    });
    const oldVersion = byId(
      await runPreflight(
        new FakeKubeClient().seed(
          crd('leaderworkersets.leaderworkerset.x-k8s.io', ['v1alpha1']),
        ),
        base,
      ),
    );
    expect(
      oldVersion['crd:leaderworkersets.leaderworkerset.x-k8s.io'],
    ).toMatchObject({
      status: 'fail',
      message:
        'CRD leaderworkersets.leaderworkerset.x-k8s.io does not serve v1 (served: v1alpha1)',
    });
  });

  it('fails a rejected GatewayClass, warns about one not yet accepted, and fails without the Gateway API', async () => {
    const rejected = byId(
      await runPreflight(
        new FakeKubeClient().seed(gatewayClass('False')),
        base,
      ),
    );
    expect(rejected['gateway-class']).toMatchObject({
      status: 'fail',
      message:
        'GatewayClass istio was rejected by istio.io/gateway-controller: InvalidParameters bad params',
    });
    const pending = byId(
      await runPreflight(new FakeKubeClient().seed(gatewayClass()), base),
    );
    expect(pending['gateway-class'].status).toBe('warn');

    const noGatewayApi = new FakeKubeClient();
    noGatewayApi.fail = call =>
      call.kind === 'GatewayClass'
        ? new NotFoundError('cluster "fake" does not serve kind GatewayClass')
        : undefined;
    expect(
      byId(await runPreflight(noGatewayApi, base))['gateway-class'],
    ).toMatchObject({
      status: 'fail',
      message:
        'the Gateway API is not installed: cluster "fake" does not serve kind GatewayClass',
    });
  });

  it('lists key names but never values when the secret key is missing', async () => {
    const client = new FakeKubeClient().seed(
      k8s({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'llm-d-hf-token', namespace: 'llm' },
        data: { token: 'c2VjcmV0LXZhbHVl' },
      }),
    );
    const checks = await runPreflight(client, base);
    expect(byId(checks).secret).toMatchObject({
      status: 'fail',
      message: 'Secret llm-d-hf-token has no key HF_TOKEN (keys: token)',
    });
    expect(JSON.stringify(checks)).not.toContain('c2VjcmV0LXZhbHVl');
  });

  it('turns a 403 into a warning and rethrows other errors', async () => {
    const forbidden = new FakeKubeClient();
    forbidden.fail = call =>
      call.op === 'list' && call.kind === 'Node'
        ? new NotAllowedError('cannot list resource "nodes"')
        : undefined;
    expect(
      byId(await runPreflight(forbidden, base))['resource:nvidia.com/gpu'],
    ).toEqual({
      id: 'resource:nvidia.com/gpu',
      title: 'Allocatable nvidia.com/gpu',
      status: 'warn',
      message:
        'the identity used for cluster "fake" cannot verify this: cannot list resource "nodes"',
    });

    const unauthenticated = new FakeKubeClient();
    unauthenticated.fail = () =>
      new AuthenticationError(
        'cluster "fake" rejected the configured credentials',
      );
    await expect(runPreflight(unauthenticated, base)).rejects.toMatchObject({
      name: 'AuthenticationError',
    });
  });

  it('passes resources that are not needed without listing nodes', async () => {
    const client = new FakeKubeClient();
    const checks = await runPreflight(client, {
      crds: [],
      namespace: 'llm',
      gpus: { resource: 'nvidia.com/gpu', perPod: 0, pods: 0 },
    });
    expect(checks.map(c => c.id)).toEqual([
      'namespace',
      'resource:nvidia.com/gpu',
    ]);
    expect(byId(checks)['resource:nvidia.com/gpu']).toMatchObject({
      status: 'pass',
      message: 'not needed (0 pods × 0 nvidia.com/gpu)',
    });
    expect(client.calls.some(c => c.op === 'list')).toBe(false);
  });
});
