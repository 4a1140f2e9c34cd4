import {
  KubeClient,
  PreflightRequirements,
  applyManifests,
  runPreflight,
} from '@internal/plugin-wide-ep-node';
import type { KubernetesObject } from '@kubernetes/client-node';
import { connect, createNamespace, uniqueName } from './testCluster';

let admin: KubeClient;

beforeAll(async () => {
  ({ client: admin } = await connect('admin'));
});

const crds: PreflightRequirements['crds'] = [
  {
    name: 'leaderworkersets.leaderworkerset.x-k8s.io',
    versions: ['v1'],
    why: 'multi-node decode groups',
  },
  {
    name: 'podcliquesets.grove.io',
    versions: ['v1alpha1'],
    why: 'Grove prefill/decode sets',
  },
  {
    name: 'inferencepools.inference.networking.k8s.io',
    versions: ['v1'],
    why: 'endpoint picking',
  },
];

function byId(checks: Awaited<ReturnType<typeof runPreflight>>) {
  return Object.fromEntries(checks.map(c => [c.id, c]));
}

describe('runPreflight against kube-apiserver', () => {
  it('passes installed CRDs and fails a missing namespace, secret, GatewayClass and GPUs with figures', async () => {
    const namespace = uniqueName('wide-ep-missing');
    const checks = await runPreflight(admin, {
      crds,
      gatewayClassName: 'istio',
      namespace,
      secret: { name: 'llm-d-hf-token', key: 'HF_TOKEN' },
      gpus: { resource: 'nvidia.com/gpu', perPod: 8, pods: 4 },
      extraResources: [{ resource: 'rdma/ib', perPod: 1, pods: 4 }],
    });
    const result = byId(checks);

    expect(checks.map(c => c.id)).toEqual([
      'crd:leaderworkersets.leaderworkerset.x-k8s.io',
      'crd:podcliquesets.grove.io',
      'crd:inferencepools.inference.networking.k8s.io',
      'gateway-class',
      'namespace',
      'secret',
      'resource:nvidia.com/gpu',
      'resource:rdma/ib',
    ]);
    for (const crd of crds) {
      expect(result[`crd:${crd.name}`]).toMatchObject({ status: 'pass' });
    }
    expect(
      result['crd:leaderworkersets.leaderworkerset.x-k8s.io'].message,
    ).toBe('established; serves v1');
    expect(result['gateway-class']).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(
        /^GatewayClass istio does not exist \(existing: /,
      ),
    });
    expect(result.namespace).toMatchObject({
      status: 'fail',
      remedy: `kubectl create namespace ${namespace}`,
    });
    expect(result.secret).toMatchObject({
      status: 'fail',
      message: `Secret llm-d-hf-token does not exist in namespace ${namespace}`,
      remedy: `kubectl create secret generic llm-d-hf-token --from-literal=HF_TOKEN=… -n ${namespace}`,
    });
    // The test cluster runs no kubelet, so it has no nodes at all.
    expect(result['resource:nvidia.com/gpu']).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(
        /^need 4 pods × 8 nvidia\.com\/gpu; 0 of \d+ schedulable nodes \(\d+ in total\) have ≥ 8 allocatable, room for 0 pods$/,
      ),
    });
    expect(result['resource:rdma/ib'].status).toBe('fail');
  });

  it('fails CRDs that are missing or lack a version', async () => {
    const namespace = await createNamespace(admin, 'pre');
    const result = byId(
      await runPreflight(admin, {
        crds: [
          { name: 'widgets.example.com', why: 'nothing real' },
          {
            name: 'leaderworkersets.leaderworkerset.x-k8s.io',
            versions: ['v1', 'v2'],
            why: 'decode groups',
          },
        ],
        namespace,
        gpus: { resource: 'nvidia.com/gpu', perPod: 0, pods: 0 },
      }),
    );
    expect(result['crd:widgets.example.com']).toMatchObject({
      status: 'fail',
      message:
        'CRD widgets.example.com is not installed; it is needed for nothing real',
    });
    expect(
      result['crd:leaderworkersets.leaderworkerset.x-k8s.io'],
    ).toMatchObject({
      status: 'fail',
      message:
        'CRD leaderworkersets.leaderworkerset.x-k8s.io does not serve v2 (served: v1)',
    });
    expect(result.namespace.status).toBe('pass');
    expect(result['resource:nvidia.com/gpu'].status).toBe('pass');
  });

  it('checks the secret key without revealing the value', async () => {
    const namespace = await createNamespace(admin, 'secret');
    const value = 'hf_thisMustNeverAppear';
    const secret: KubernetesObject & { stringData: Record<string, string> } = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'llm-d-hf-token', namespace },
      stringData: { OTHER: value },
    };
    await applyManifests({ client: admin, objects: [secret], dryRun: false });
    const requirements = {
      crds: [],
      namespace,
      gpus: { resource: 'nvidia.com/gpu', perPod: 0, pods: 0 },
    };

    const wrongKey = byId(
      await runPreflight(admin, {
        ...requirements,
        secret: { name: 'llm-d-hf-token', key: 'HF_TOKEN' },
      }),
    );
    expect(wrongKey.secret).toMatchObject({
      status: 'fail',
      message: 'Secret llm-d-hf-token has no key HF_TOKEN (keys: OTHER)',
    });
    const rightKey = byId(
      await runPreflight(admin, {
        ...requirements,
        secret: { name: 'llm-d-hf-token', key: 'OTHER' },
      }),
    );
    expect(rightKey.secret.status).toBe('pass');
    expect(JSON.stringify([wrongKey, rightKey])).not.toContain(value);
    expect(JSON.stringify([wrongKey, rightKey])).not.toContain(
      Buffer.from(value).toString('base64'),
    );
  });

  it('turns a 403 into a warning that the identity cannot verify the check', async () => {
    const { client: restricted } = await connect('restricted');
    const result = byId(
      await runPreflight(restricted, {
        crds: [crds[0]],
        namespace: 'wide-ep-allowed',
        gpus: { resource: 'nvidia.com/gpu', perPod: 8, pods: 1 },
      }),
    );
    for (const id of [
      'crd:leaderworkersets.leaderworkerset.x-k8s.io',
      'resource:nvidia.com/gpu',
    ]) {
      expect(result[id].status).toBe('warn');
      expect(result[id].message).toContain(
        'the identity used for cluster "test-restricted" cannot verify this',
      );
    }
    expect(result['resource:nvidia.com/gpu'].message).toContain(
      'cannot list resource "nodes"',
    );
    // RBAC treats a GET of a namespace as a request inside it, so the
    // namespace-scoped Role is enough for this one.
    expect(result.namespace.status).toBe('pass');
  });
});
