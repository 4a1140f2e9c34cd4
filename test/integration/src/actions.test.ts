/*
 * wide-ep:apply against a real kube-apiserver (test/cluster): the scaffolder
 * action with the production cluster registry, client and applier. Only the
 * Backstage permission decision is a stub (ALLOW unless stated).
 */
import type { PermissionsService } from '@backstage/backend-plugin-api';
import { runAction } from './actionContext';
import { createWideEpApplyAction } from '@internal/plugin-scaffolder-backend-module-wide-ep';
import {
  WideEpSpecInput,
  parseSpec,
  renderDeployment,
  GROVE_GB200_SEED,
  LWS_H200_SEED,
} from '@internal/plugin-wide-ep-common';
import {
  ClusterRegistry,
  KubeClient,
  WIDE_EP_FIELD_MANAGER,
  loadClientNode,
} from '@internal/plugin-wide-ep-node';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import {
  Identity,
  appConfigFor,
  connect,
  createNamespace,
} from './testCluster';

jest.setTimeout(120_000);

let admin: KubeClient;
let adminConfig: KubeConfig;

beforeAll(async () => {
  ({ client: admin, kubeConfig: adminConfig } = await connect('admin'));
});

function permissions(result: 'ALLOW' | 'DENY' = 'ALLOW'): PermissionsService {
  return {
    authorize: async (requests: unknown[]) => requests.map(() => ({ result })),
    authorizeConditional: async () => [],
  } as unknown as PermissionsService;
}

/** The production cluster registry, from app-config for one identity. */
async function registryFor(identity: Identity) {
  const registry = ClusterRegistry.fromConfig(await appConfigFor(identity));
  return { registry, cluster: registry.names()[0] };
}

function run(
  action: ReturnType<typeof createWideEpApplyAction>,
  input: Record<string, unknown>,
  extra: { isDryRun?: boolean; signal?: AbortSignal } = {},
) {
  const r = runAction(action, input, extra);
  return { promise: r.promise, lines: r.lines, outputs: () => r.outputs };
}

function specFor(input: WideEpSpecInput) {
  const parsed = parseSpec(input);
  if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
  return parsed.spec;
}

const SIZES = {
  gb200: {
    prefill: { replicas: 1, dataParallelSize: 4 },
    decode: { replicas: 1, dataParallelSize: 8 },
  },
  h200: {
    prefill: { replicas: 1, dataParallelSize: 8 },
    decode: { replicas: 2, dataParallelSize: 16 },
  },
  b200: {
    prefill: { replicas: 2, dataParallelSize: 8 },
    decode: { replicas: 1, dataParallelSize: 16 },
  },
} as const;

/**
 * Both seeds as they are (Istio's CRDs come from istio.io/api, see
 * test/cluster/extra-crds), plus every orchestrator x hardware pair behind
 * kgateway.
 */
const DRY_RUN_VARIANTS: Array<[string, WideEpSpecInput]> = [
  ['seed Grove GB200', GROVE_GB200_SEED],
  ['seed LWS H200 (gateway istio)', LWS_H200_SEED],
  ...(['lws', 'grove'] as const).flatMap(orchestrator =>
    (['gb200', 'h200', 'b200'] as const).map(
      hardware =>
        [
          `${orchestrator} ${hardware}`,
          {
            ...LWS_H200_SEED,
            clusterProvider: 'generic',
            gateway: 'kgateway',
            rankPorts: false,
            orchestrator,
            hardware,
            ...SIZES[hardware],
          },
        ] as [string, WideEpSpecInput],
    ),
  ),
];

describe('wide-ep:apply against kube-apiserver', () => {
  let dryRunNamespace: string;
  beforeAll(async () => {
    dryRunNamespace = await createNamespace(admin, 'act-dry');
  });

  it.each(DRY_RUN_VARIANTS)(
    'accepts a server-side dry run (dryRun=All) of %s',
    async (_name, variant) => {
      const { registry, cluster } = await registryFor('admin');
      const action = createWideEpApplyAction({
        clusters: registry,
        permissions: permissions(),
      });
      const input = { ...variant, namespace: dryRunNamespace, cluster };
      const { promise, lines, outputs } = run(action, input, {
        isDryRun: true,
      });
      await promise;

      const out = outputs();
      expect(out.mode).toBe('server-dry-run');
      const expected = renderDeployment(
        specFor({ ...variant, namespace: dryRunNamespace }),
      ).objects.map(o => `${o.kind}/${o.metadata.name}:created`);
      expect(
        out.objects.map((o: any) => `${o.kind}/${o.name}:${o.outcome}`),
      ).toEqual(expected);
      expect(lines.filter(l => l.startsWith('error'))).toEqual([]);
      expect(lines).toContain(
        `info created InferencePool ${dryRunNamespace}/wide-ep-infpool (field manager ${WIDE_EP_FIELD_MANAGER}, dryRun=All)`,
      );
      // Nothing persisted.
      await expect(
        admin.read({
          apiVersion: 'inference.networking.k8s.io/v1',
          kind: 'InferencePool',
          namespace: dryRunNamespace,
          name: 'wide-ep-infpool',
        }),
      ).resolves.toBeUndefined();
    },
  );

  // A really absent CRD (preflight and apply naming it) is tested in
  // crdCoverage.test.ts, which removes one from the cluster for that.

  it('creates every object, then reports re-applies as unchanged', async () => {
    const namespace = await createNamespace(admin, 'act-apply');
    const { registry, cluster } = await registryFor('admin');
    const action = createWideEpApplyAction({
      clusters: registry,
      permissions: permissions(),
    });
    const input = { ...GROVE_GB200_SEED, namespace, cluster, wait: false };
    const objects = renderDeployment(
      specFor({ ...GROVE_GB200_SEED, namespace }),
    ).objects;

    const first = run(action, input);
    await first.promise;
    expect(first.outputs().mode).toBe('apply');
    expect(first.outputs().objects.map((o: any) => o.outcome)).toEqual(
      objects.map(() => 'created'),
    );

    for (const object of objects) {
      const stored = await admin.read({
        apiVersion: object.apiVersion,
        kind: object.kind,
        namespace: object.metadata.namespace,
        name: object.metadata.name,
      });
      expect(stored?.metadata?.managedFields?.map(f => f.manager)).toContain(
        WIDE_EP_FIELD_MANAGER,
      );
    }

    // The API server writes the Gateway CRD's status defaults on the first
    // write after create and bumps its resourceVersion; outcomes compare
    // content, so the second apply already reads "unchanged" everywhere.
    const second = run(action, input);
    await second.promise;
    expect(
      second
        .outputs()
        .objects.map((o: any) => `${o.kind}/${o.name}:${o.outcome}`),
    ).toEqual(objects.map(o => `${o.kind}/${o.metadata.name}:unchanged`));
    const gateway = objects.find(o => o.kind === 'Gateway')!;
    const storedGateway = await admin.read({
      apiVersion: gateway.apiVersion,
      kind: gateway.kind,
      namespace,
      name: gateway.metadata.name,
    });
    expect(storedGateway?.metadata?.generation).toBe(1);

    // From then on every apply is a strict no-op.
    const third = run(action, input);
    await third.promise;
    expect(
      third
        .outputs()
        .objects.map((o: any) => `${o.kind}/${o.name}:${o.outcome}`),
    ).toEqual(objects.map(o => `${o.kind}/${o.metadata.name}:unchanged`));
    expect(third.lines).toContain(
      `info Apply finished on cluster "${cluster}": ${objects.length} unchanged`,
    );
  });

  it('streams readiness phases and stops waiting when the task is cancelled', async () => {
    const namespace = await createNamespace(admin, 'act-wait');
    const { registry, cluster } = await registryFor('admin');
    const action = createWideEpApplyAction({
      clusters: registry,
      permissions: permissions(),
      waitIntervalMs: 100,
    });
    const controller = new AbortController();
    const { promise, lines } = run(
      action,
      { ...LWS_H200_SEED, gateway: 'none', namespace, cluster },
      { signal: controller.signal },
    );
    // No LWS controller runs in the test cluster, so nothing becomes ready.
    const timer = setTimeout(
      () => controller.abort(new Error('task cancelled')),
      3000,
    );
    // The wait stops with the signal's reason itself (Clock.delay resolves
    // on abort; the wait then throws signal.reason).
    await expect(promise).rejects.toThrow(/^task cancelled$/);
    clearTimeout(timer);
    expect(lines).toContain(
      `info LeaderWorkerSet ${namespace}/wide-ep-decode: 0/1 groups ready`,
    );
  });

  it('fails with a NotAllowedError naming the object when the cluster identity lacks RBAC', async () => {
    const namespace = await createNamespace(admin, 'act-forbidden');
    const { registry, cluster } = await registryFor('restricted');
    const action = createWideEpApplyAction({
      clusters: registry,
      permissions: permissions(),
    });
    const { promise } = run(action, {
      ...GROVE_GB200_SEED,
      namespace,
      cluster,
      wait: false,
    });

    const error = await promise.catch(e => e);
    expect(error.name).toBe('NotAllowedError');
    expect(error.message).toMatch(
      new RegExp(
        `^not allowed to \\w+ ServiceAccount ${namespace}/wide-ep-(vllm|infpool-epp) on cluster "${cluster}"`,
      ),
    );
    expect(error.message).toContain(`in namespace "${namespace}"`);
  });

  it('lets the restricted identity dry-run in the namespace it may use', async () => {
    const { registry, cluster } = await registryFor('restricted');
    const action = createWideEpApplyAction({
      clusters: registry,
      permissions: permissions(),
    });
    const allowed = process.env.WIDE_EP_ALLOWED_NAMESPACE ?? 'wide-ep-allowed';
    const { promise, outputs } = run(
      action,
      { ...GROVE_GB200_SEED, namespace: allowed, cluster },
      { isDryRun: true },
    );
    await promise;
    expect(outputs().mode).toBe('server-dry-run');
  });

  it('denies a Backstage user without wide-ep.deployment.apply before any request', async () => {
    const { registry, cluster } = await registryFor('admin');
    const connectSpy = jest.spyOn(registry, 'connect');
    const action = createWideEpApplyAction({
      clusters: registry,
      permissions: permissions('DENY'),
    });
    const { promise } = run(action, {
      ...GROVE_GB200_SEED,
      cluster,
      wait: false,
    });
    await expect(promise).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect(connectSpy).not.toHaveBeenCalled();
  });

  it('fails with a ConflictError naming the field and the manager that owns it', async () => {
    const namespace = await createNamespace(admin, 'act-conflict');
    const { registry, cluster } = await registryFor('admin');
    const action = createWideEpApplyAction({
      clusters: registry,
      permissions: permissions(),
    });
    const input = { ...GROVE_GB200_SEED, namespace, cluster, wait: false };
    await run(action, input).promise;

    // An autoscaler takes spec.replicas of the PodCliqueSet over.
    const { KubernetesObjectApi, PatchStrategy } = await loadClientNode();
    const api = KubernetesObjectApi.makeApiClient(adminConfig);
    const takeover: KubernetesObject & { spec: unknown } = {
      apiVersion: 'grove.io/v1alpha1',
      kind: 'PodCliqueSet',
      metadata: { name: 'wide-ep', namespace },
      spec: { replicas: 2 },
    };
    await api.patch(
      takeover,
      undefined,
      undefined,
      'autoscaler',
      true,
      PatchStrategy.ServerSideApply,
    );

    const error = await run(action, input).promise.catch(e => e);
    expect(error.name).toBe('ConflictError');
    expect(error.message).toContain(
      `PodCliqueSet ${namespace}/wide-ep: apply on cluster "${cluster}" conflicts with fields owned by another field manager: .spec.replicas (owned by "autoscaler")`,
    );
  });

  it('surfaces a CRD validation failure as an InputError naming targetPorts', async () => {
    const { registry, cluster } = await registryFor('admin');
    // The spec cannot yield more than 8 target ports, so a hand-modified
    // InferencePool is slipped into the same client the action applies with.
    const clusters = {
      names: () => registry.names(),
      connect: async (name: string): Promise<KubeClient> => {
        const client = await registry.connect(name);
        return {
          clusterName: client.clusterName,
          read: ref => client.read(ref),
          list: options => client.list(options),
          delete: ref => client.delete(ref),
          apply: (object, options) => {
            if (object.kind !== 'InferencePool')
              return client.apply(object, options);
            const tampered = structuredClone(object) as typeof object & {
              spec: { targetPorts: unknown[] };
            };
            tampered.spec.targetPorts = Array.from({ length: 9 }, (_, i) => ({
              number: 8000 + i,
            }));
            return client.apply(tampered, options);
          },
        };
      },
    };
    const action = createWideEpApplyAction({
      clusters,
      permissions: permissions(),
    });
    const { promise } = run(
      action,
      { ...GROVE_GB200_SEED, namespace: dryRunNamespace, cluster },
      { isDryRun: true },
    );

    const error = await promise.catch(e => e);
    expect(error.name).toBe('InputError');
    expect(error.message).toMatch(
      new RegExp(
        `^InferencePool ${dryRunNamespace}/wide-ep-infpool was rejected by cluster "${cluster}": .*targetPorts`,
      ),
    );
  });
});
