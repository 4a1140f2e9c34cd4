import {
  KubeClient,
  WIDE_EP_FIELD_MANAGER,
  applyManifests,
  loadClientNode,
} from '@internal/plugin-wide-ep-node';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import {
  monitoringVariants,
  parseSpec,
  renderDeployment,
} from '@internal/plugin-wide-ep-common';
import {
  ALLOWED_NAMESPACE,
  configMap,
  connect,
  createNamespace,
  inferencePool,
  leaderWorkerSet,
  serviceAccount,
  uniqueName,
} from './testCluster';

let admin: KubeClient;
let adminConfig: KubeConfig;

beforeAll(async () => {
  ({ client: admin, kubeConfig: adminConfig } = await connect('admin'));
});

function refs(objects: KubernetesObject[]) {
  return objects.map(o => ({
    apiVersion: o.apiVersion!,
    kind: o.kind!,
    namespace: o.metadata!.namespace,
    name: o.metadata!.name!,
  }));
}

describe('applyManifests against kube-apiserver', () => {
  it('accepts a server-side dry run and persists nothing', async () => {
    const ns = await createNamespace(admin, 'dry');
    const objects = [
      serviceAccount(ns, 'vllm'),
      leaderWorkerSet(ns, 'decode'),
      inferencePool(ns, 'pool', 2),
    ];
    const results = await applyManifests({
      client: admin,
      objects,
      dryRun: true,
    });

    expect(
      results.map(r => [r.ref.kind, r.outcome, r.dryRun, r.error?.message]),
    ).toEqual([
      ['ServiceAccount', 'created', true, undefined],
      ['LeaderWorkerSet', 'created', true, undefined],
      ['InferencePool', 'created', true, undefined],
    ]);
    for (const ref of refs(objects)) {
      await expect(admin.read(ref)).resolves.toBeUndefined();
    }
  });

  it('creates objects, then reports a repeated apply as unchanged without bumping resourceVersion', async () => {
    const ns = await createNamespace(admin, 'apply');
    const lws = leaderWorkerSet(ns, 'decode');
    const objects = [
      serviceAccount(ns, 'vllm'),
      lws,
      inferencePool(ns, 'pool', 2),
    ];
    const first = await applyManifests({
      client: admin,
      objects,
      dryRun: false,
    });
    expect(first.map(r => r.outcome)).toEqual([
      'created',
      'created',
      'created',
    ]);
    const versions = await Promise.all(
      refs(objects).map(
        async ref => (await admin.read(ref))?.metadata?.resourceVersion,
      ),
    );
    expect(versions.every(Boolean)).toBe(true);

    const second = await applyManifests({
      client: admin,
      objects,
      dryRun: false,
    });
    expect(second.map(r => r.outcome)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
    const stored = await Promise.all(refs(objects).map(ref => admin.read(ref)));
    expect(stored.map(o => o?.metadata?.resourceVersion)).toEqual(versions);
    expect(stored[1]?.metadata?.managedFields).toEqual([
      expect.objectContaining({
        manager: WIDE_EP_FIELD_MANAGER,
        operation: 'Apply',
      }),
    ]);

    // A dry run of a changed spec is "configured" and still persists nothing.
    const changed = { ...lws, spec: { ...lws.spec, replicas: 3 } };
    const dry = await applyManifests({
      client: admin,
      objects: [changed],
      dryRun: true,
    });
    expect(dry[0].outcome).toBe('configured');
    const after = (await admin.read(refs([changed])[0])) as {
      spec?: { replicas?: number };
    };
    expect(after.spec?.replicas).toBe(1);
  });

  it('surfaces CRD validation as an InputError naming targetPorts', async () => {
    const ns = await createNamespace(admin, 'invalid');
    const [result] = await applyManifests({
      client: admin,
      objects: [inferencePool(ns, 'too-many-ports', 9)],
      dryRun: false,
    });
    expect(result.outcome).toBe('failed');
    expect(result.error?.name).toBe('InputError');
    expect(result.error?.message).toContain(
      `InferencePool ${ns}/too-many-ports was rejected by cluster "test-admin"`,
    );
    expect(result.error?.message).toContain('spec.targetPorts');
  });

  it('gives the restricted identity a NotAllowedError naming the object outside its namespace', async () => {
    const { client: restricted } = await connect('restricted');
    const name = uniqueName('forbidden');
    const [result] = await applyManifests({
      client: restricted,
      objects: [configMap('default', name, { a: '1' })],
      dryRun: false,
    });
    expect(result.outcome).toBe('failed');
    expect(result.error?.name).toBe('NotAllowedError');
    expect(result.error?.message).toContain(`ConfigMap default/${name}`);
    expect(result.error?.message).toContain('in namespace "default"');
    expect(result.error?.message).toContain('User "wide-ep-restricted"');

    // Within its namespace the same identity may apply.
    const [allowed] = await applyManifests({
      client: restricted,
      objects: [configMap(ALLOWED_NAMESPACE, name, { a: '1' })],
      dryRun: false,
    });
    expect(allowed.outcome).toBe('created');
  });

  it('reports a field owned by another manager as a ConflictError naming field and manager', async () => {
    const ns = await createNamespace(admin, 'conflict');
    const { KubernetesObjectApi, PatchStrategy } = await loadClientNode();
    const raw = KubernetesObjectApi.makeApiClient(adminConfig);
    await raw.patch(
      configMap(ns, 'routing', { mode: 'theirs' }),
      undefined,
      undefined,
      'other-manager',
      false,
      PatchStrategy.ServerSideApply,
    );

    const [result] = await applyManifests({
      client: admin,
      objects: [configMap(ns, 'routing', { mode: 'ours' })],
      dryRun: false,
    });
    expect(result.outcome).toBe('failed');
    expect(result.error?.name).toBe('ConflictError');
    expect(result.error?.message).toContain(
      '.data.mode (owned by "other-manager")',
    );

    const [forced] = await applyManifests({
      client: admin,
      objects: [configMap(ns, 'routing', { mode: 'ours' })],
      dryRun: false,
      force: true,
    });
    expect(forced.outcome).toBe('configured');
    const stored = (await admin.read({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: ns,
      name: 'routing',
    })) as {
      data?: Record<string, string>;
    };
    expect(stored.data).toEqual({ mode: 'ours' });
  });

  it('with cleanupOnFailure deletes only what the failed run created', async () => {
    const ns = await createNamespace(admin, 'cleanup');
    const existing = serviceAccount(ns, 'existing');
    await applyManifests({ client: admin, objects: [existing], dryRun: false });

    const objects = [
      existing,
      configMap(ns, 'new-config', { a: '1' }),
      leaderWorkerSet(ns, 'new-lws'),
      inferencePool(ns, 'broken', 9),
    ];
    const deleted: string[] = [];
    const results = await applyManifests({
      client: admin,
      objects,
      dryRun: false,
      cleanupOnFailure: true,
      onObject: r =>
        r.cleanup && deleted.push(`${r.ref.kind}/${r.ref.name}:${r.cleanup}`),
    });

    expect(results.map(r => [r.ref.name, r.outcome, r.cleanup])).toEqual([
      ['existing', 'unchanged', undefined],
      ['new-config', 'created', 'deleted'],
      ['new-lws', 'created', 'deleted'],
      ['broken', 'failed', undefined],
    ]);
    expect(deleted).toEqual([
      'LeaderWorkerSet/new-lws:deleted',
      'ConfigMap/new-config:deleted',
    ]);
    const [saAfter, cmAfter, lwsAfter] = await Promise.all(
      refs(objects)
        .slice(0, 3)
        .map(ref => admin.read(ref)),
    );
    expect(saAfter).toBeDefined();
    expect(cmAfter).toBeUndefined();
    expect(lwsAfter).toBeUndefined();
  });

  it.each(['prometheus-operator', 'gke-managed-prometheus'] as const)(
    'applies the %s monitoring objects of every monitoring variant for real, and a repeated apply leaves them unchanged (no CRD defaults read as drift)',
    async monitoring => {
      const ns = await createNamespace(admin, 'monitoring');
      const objects = new Map<string, KubernetesObject>();
      for (const variant of monitoringVariants().filter(
        v => v.monitoring === monitoring,
      )) {
        const parsed = parseSpec({ ...variant, namespace: ns });
        if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
        // Variants differ in ports: one object per variant and name.
        for (const o of renderDeployment(parsed.spec).objects) {
          if (!['PodMonitor', 'PodMonitoring'].includes(o.kind)) continue;
          const name = `${o.metadata.name}-${objects.size}`;
          objects.set(name, { ...o, metadata: { ...o.metadata, name } });
        }
      }
      expect(objects.size).toBe(36);
      const list = [...objects.values()];
      const first = await applyManifests({
        client: admin,
        objects: list,
        dryRun: false,
      });
      expect(new Set(first.map(r => r.outcome))).toEqual(new Set(['created']));
      const second = await applyManifests({
        client: admin,
        objects: list,
        dryRun: false,
      });
      expect(new Set(second.map(r => r.outcome))).toEqual(
        new Set(['unchanged']),
      );
    },
  );

  it('reports a kind the cluster does not serve as a NotFoundError suggesting the CRD', async () => {
    const ns = await createNamespace(admin, 'nocrd');
    const [unknownGroup, unknownKind] = await applyManifests({
      client: admin,
      objects: [
        {
          apiVersion: 'example.com/v1',
          kind: 'Widget',
          metadata: { name: 'w', namespace: ns },
        },
        {
          apiVersion: 'grove.io/v1alpha1',
          kind: 'PodCliqueSetX',
          metadata: { name: 'p', namespace: ns },
        },
      ],
      dryRun: false,
    });
    for (const result of [unknownGroup, unknownKind]) {
      expect(result.outcome).toBe('failed');
      expect(result.error?.name).toBe('NotFoundError');
      expect(result.error?.message).toContain('install the CRD');
    }
    expect(unknownGroup.error?.message).toContain(
      'kind Widget in example.com/v1',
    );
  });
});
