import type { KubernetesObject } from '@kubernetes/client-node';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { FakeKubeClient } from '../testUtils';
import {
  ApplyResult,
  applyManifests,
  assertApplySucceeded,
} from './applyManifests';

const ns = 'llm';
const namespace = {
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: ns },
};
const serviceAccount = {
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name: 'vllm', namespace: ns },
};
const configMap = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'routing', namespace: ns },
  data: { 'config.yaml': 'a: 1' },
};
const lws = {
  apiVersion: 'leaderworkerset.x-k8s.io/v1',
  kind: 'LeaderWorkerSet',
  metadata: { name: 'decode', namespace: ns },
  spec: { replicas: 2 },
};
const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'decode', namespace: ns },
  spec: { ports: [{ port: 8000 }] },
};
const pool = {
  apiVersion: 'inference.networking.k8s.io/v1',
  kind: 'InferencePool',
  metadata: { name: 'pool', namespace: ns },
  spec: { targetPorts: [{ number: 8000 }] },
};
const route = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'route', namespace: ns },
};

const scaledLws = { ...lws, spec: { replicas: 3 } };

const summary = (results: ApplyResult[]) =>
  results.map(r => `${r.ref.kind}/${r.ref.name}:${r.outcome}`);

describe('applyManifests', () => {
  it('applies stage by stage and reports results in input order', async () => {
    const client = new FakeKubeClient();
    const results = await applyManifests({
      client,
      objects: [
        route,
        pool,
        lws,
        configMap,
        serviceAccount,
        namespace,
        service,
      ],
      dryRun: false,
    });
    expect(client.applied.map(c => c.kind)).toEqual([
      'Namespace',
      'ConfigMap',
      'ServiceAccount',
      'LeaderWorkerSet',
      'Service',
      'HTTPRoute',
      'InferencePool',
    ]);
    expect(summary(results)).toEqual([
      'HTTPRoute/route:created',
      'InferencePool/pool:created',
      'LeaderWorkerSet/decode:created',
      'ConfigMap/routing:created',
      'ServiceAccount/vllm:created',
      'Namespace/llm:created',
      'Service/decode:created',
    ]);
    expect(results.map(r => r.stage)).toEqual([
      'routing',
      'routing',
      'workloads',
      'prerequisites',
      'prerequisites',
      'namespace',
      'workloads',
    ]);
    expect(
      client.applied.every(c => c.dryRun === false && c.force === false),
    ).toBe(true);
  });

  it('tells created, configured and unchanged apart', async () => {
    const client = new FakeKubeClient().seed(configMap, lws);
    const results = await applyManifests({
      client,
      objects: [configMap, scaledLws, serviceAccount],
      dryRun: false,
    });
    expect(summary(results)).toEqual([
      'ConfigMap/routing:unchanged',
      'LeaderWorkerSet/decode:configured',
      'ServiceAccount/vllm:created',
    ]);
    expect(
      client.stored({
        ...lws.metadata,
        apiVersion: lws.apiVersion,
        kind: lws.kind,
      }),
    ).toMatchObject({ spec: { replicas: 3 } });
  });

  it('passes dryRun through, persists nothing and still classifies outcomes', async () => {
    const client = new FakeKubeClient().seed(configMap, lws);
    const results = await applyManifests({
      client,
      objects: [configMap, scaledLws, serviceAccount],
      dryRun: true,
    });
    expect(summary(results)).toEqual([
      'ConfigMap/routing:unchanged',
      'LeaderWorkerSet/decode:configured',
      'ServiceAccount/vllm:created',
    ]);
    expect(results.every(r => r.dryRun)).toBe(true);
    expect(client.applied.every(c => c.dryRun === true)).toBe(true);
    expect(
      client.stored({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        namespace: ns,
        name: 'vllm',
      }),
    ).toBeUndefined();
    expect(
      client.stored({
        ...lws.metadata,
        apiVersion: lws.apiVersion,
        kind: lws.kind,
      }),
    ).toMatchObject({ spec: { replicas: 2 } });
  });

  it('passes force only when asked', async () => {
    const client = new FakeKubeClient();
    await applyManifests({
      client,
      objects: [configMap],
      dryRun: false,
      force: true,
    });
    expect(client.applied[0]).toMatchObject({ dryRun: false, force: true });
  });

  it('finishes the failing stage, skips later stages and reports every object', async () => {
    const client = new FakeKubeClient();
    const conflict = new ConflictError(
      'LeaderWorkerSet llm/decode: apply conflicts',
    );
    client.fail = call =>
      call.op === 'apply' &&
      call.name === 'decode' &&
      call.kind === 'LeaderWorkerSet'
        ? conflict
        : undefined;
    const seen: string[] = [];
    const results = await applyManifests({
      client,
      objects: [configMap, lws, service, pool, route],
      dryRun: false,
      onObject: r => seen.push(`${r.ref.kind}:${r.outcome}`),
    });
    expect(summary(results)).toEqual([
      'ConfigMap/routing:created',
      'LeaderWorkerSet/decode:failed',
      'Service/decode:created',
      'InferencePool/pool:skipped',
      'HTTPRoute/route:skipped',
    ]);
    expect(results[1].error).toBe(conflict);
    expect(client.applied.map(c => c.kind)).toEqual([
      'ConfigMap',
      'LeaderWorkerSet',
      'Service',
    ]);
    expect(seen).toEqual([
      'ConfigMap:created',
      'LeaderWorkerSet:failed',
      'Service:created',
      'InferencePool:skipped',
      'HTTPRoute:skipped',
    ]);
    expect(() => assertApplySucceeded(results)).toThrow(conflict);
  });

  it('with cleanupOnFailure deletes what this run created, newest stage first, and keeps what existed', async () => {
    const client = new FakeKubeClient().seed(serviceAccount);
    client.fail = call =>
      call.op === 'apply' && call.kind === 'InferencePool'
        ? new NotFoundError('no CRD')
        : undefined;
    const results = await applyManifests({
      client,
      objects: [serviceAccount, configMap, lws, pool],
      dryRun: false,
      cleanupOnFailure: true,
    });
    expect(
      client.calls.filter(c => c.op === 'delete').map(c => c.kind),
    ).toEqual(['LeaderWorkerSet', 'ConfigMap']);
    expect(results.map(r => r.cleanup)).toEqual([
      undefined,
      'deleted',
      'deleted',
      undefined,
    ]);
    expect(
      client.stored({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        namespace: ns,
        name: 'vllm',
      }),
    ).toBeDefined();
    expect(
      client.stored({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: ns,
        name: 'routing',
      }),
    ).toBeUndefined();
  });

  it('reports a failed cleanup next to the apply failure', async () => {
    const client = new FakeKubeClient();
    client.fail = call => {
      if (call.op === 'apply' && call.kind === 'LeaderWorkerSet')
        return new NotFoundError('no CRD');
      if (call.op === 'delete') return new Error('delete refused');
      return undefined;
    };
    const results = await applyManifests({
      client,
      objects: [configMap, lws],
      dryRun: false,
      cleanupOnFailure: true,
    });
    expect(results[0]).toMatchObject({ outcome: 'created', cleanup: 'failed' });
    expect(results[0].cleanupError?.message).toBe('delete refused');
    expect(results[1].outcome).toBe('failed');
  });

  it('never cleans up after a dry run', async () => {
    const client = new FakeKubeClient();
    client.fail = call =>
      call.op === 'apply' && call.kind === 'LeaderWorkerSet'
        ? new NotFoundError('x')
        : undefined;
    await applyManifests({
      client,
      objects: [configMap, lws],
      dryRun: true,
      cleanupOnFailure: true,
    });
    expect(client.calls.some(c => c.op === 'delete')).toBe(false);
  });

  it('marks an object failed when the pre-read fails, and translates raw errors', async () => {
    const client = new FakeKubeClient();
    client.fail = call =>
      call.op === 'read'
        ? Object.assign(new Error('connect ECONNREFUSED'), {
            code: 'ECONNREFUSED',
          })
        : undefined;
    const [result] = await applyManifests({
      client,
      objects: [configMap],
      dryRun: false,
    });
    expect(result.outcome).toBe('failed');
    expect(result.error?.name).toBe('ServiceUnavailableError');
    expect(result.error?.message).toContain('cluster "fake"');
    expect(client.calls.some(c => c.op === 'apply')).toBe(false);
  });

  it('keeps at most `concurrency` applies in flight within a stage', async () => {
    const client = new FakeKubeClient();
    let inFlight = 0;
    let maxInFlight = 0;
    client.beforeApply = async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise(resolve => setImmediate(resolve));
      inFlight--;
    };
    const maps = Array.from({ length: 7 }, (_, i) => ({
      ...configMap,
      metadata: { name: `cm-${i}`, namespace: ns },
    }));
    const results = await applyManifests({
      client,
      objects: maps,
      dryRun: false,
      concurrency: 3,
    });
    expect(maxInFlight).toBe(3);
    expect(results.map(r => r.ref.name)).toEqual(
      maps.map(m => m.metadata.name),
    );
  });

  it('strips server-owned fields from read-back objects before applying', async () => {
    const client = new FakeKubeClient();
    const readBack: KubernetesObject & { status?: unknown } = {
      ...configMap,
      metadata: {
        ...configMap.metadata,
        resourceVersion: '42',
        uid: 'u',
        managedFields: [{ manager: 'x' }],
        creationTimestamp: new Date(0),
        generation: 3,
      },
      status: { phase: 'x' },
    };
    await applyManifests({ client, objects: [readBack], dryRun: false });
    const sent = client.stored({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: ns,
      name: 'routing',
    }) as KubernetesObject & { status?: unknown };
    expect(sent.metadata).toEqual({
      name: 'routing',
      namespace: ns,
      resourceVersion: expect.any(String),
    });
    expect(sent.metadata?.resourceVersion).not.toBe('42');
    expect(sent.status).toBeUndefined();
    expect(readBack.metadata?.uid).toBe('u');
  });

  it('rejects invalid input before sending anything', async () => {
    const client = new FakeKubeClient();
    await expect(
      applyManifests({
        client,
        objects: [
          configMap,
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} },
        ],
        dryRun: false,
      }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('metadata.name'),
    });
    await expect(
      applyManifests({
        client,
        objects: [configMap, configMap],
        dryRun: false,
      }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: 'ConfigMap llm/routing appears twice in the objects to apply',
    });
    expect(client.calls).toEqual([]);
  });
});

describe('assertApplySucceeded', () => {
  it('does nothing when every object applied', () => {
    expect(() =>
      assertApplySucceeded([
        {
          ref: { apiVersion: 'v1', kind: 'ConfigMap', name: 'a' },
          stage: 'prerequisites',
          outcome: 'unchanged',
          dryRun: false,
        },
      ]),
    ).not.toThrow();
  });
});
