/*
 * Every object of every variant, as the product would apply it, through a
 * server-side apply dry run (dryRun=All) on the real kube-apiserver, which
 * has every CRD the output uses installed (shared/crds and
 * shared/crds-providers): OpenAPI schemas, CEL rules, defaulting and
 * admission all run. A kind the server does not serve fails the test; none
 * is skipped.
 *
 * Then one CRD is really removed, to see preflight and apply name it. That
 * must stay in this file, after the dry run: Jest runs files in parallel
 * but the tests of one file in order, and no other suite uses that kind
 * (GatewayParameters, only rendered for kgateway-openshift). afterAll puts
 * it back.
 */
import { runAction as runScaffolderAction } from './actionContext';
import {
  diffObject,
  GROVE_GB200_SEED,
  LWS_H200_SEED,
  WideEpSpecInput,
  allVariants,
  monitoringVariants,
  parseSpec,
  renderDeployment,
} from '@internal/plugin-wide-ep-common';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { PermissionsService } from '@backstage/backend-plugin-api';
import {
  createWideEpApplyAction,
  createWideEpPreflightAction,
} from '@internal/plugin-scaffolder-backend-module-wide-ep';
import {
  ClusterRegistry,
  KubeClient,
  applyManifests,
} from '@internal/plugin-wide-ep-node';
import {
  ApiextensionsV1Api,
  KubernetesObject,
  V1CustomResourceDefinition,
  loadYaml,
} from '@kubernetes/client-node';
import { appConfigFor, connect, createNamespace } from './testCluster';

/** shared/ beside the clone when present, else the committed copy. */
function sharedDir(): string {
  // eslint-disable-next-line no-restricted-syntax
  const repo = path.resolve(__dirname, '../../..');
  const candidates = [
    process.env.WIDE_EP_SHARED_DIR,
    path.join(repo, '../shared'),
    path.join(repo, 'test/shared'),
  ];
  const found = candidates.find(
    d => d && existsSync(path.join(d, 'crds-providers')),
  );
  if (!found) throw new Error('no shared folder with crds-providers/');
  return found;
}

jest.setTimeout(300_000);

const label = (s: WideEpSpecInput) =>
  `${s.orchestrator}/${s.hardware}/${s.clusterProvider}/${s.gateway}/${
    s.rankPorts === false ? 'hybrid' : 'ports'
  }${s.monitoring ? `/${s.monitoring}` : ''}`;

let admin: KubeClient;
beforeAll(async () => {
  ({ client: admin } = await connect('admin'));
});

/**
 * Every variant and both seeds rendered into `namespace`. The same object
 * renders identically in many variants: each distinct one is listed once,
 * with every variant a failure affects.
 */
function distinctObjects(namespace: string) {
  const inputs: [string, WideEpSpecInput][] = [
    ...[...allVariants(), ...monitoringVariants()].map(
      v => [label(v), v] as [string, WideEpSpecInput],
    ),
    ['seed GROVE_GB200_SEED', GROVE_GB200_SEED],
    ['seed LWS_H200_SEED', LWS_H200_SEED],
  ];
  const unique = new Map<
    string,
    { object: KubernetesObject; variants: string[] }
  >();
  let total = 0;
  for (const [name, input] of inputs) {
    const parsed = parseSpec({ ...input, namespace });
    if (!parsed.success)
      throw new Error(`${name}: ${JSON.stringify(parsed.issues)}`);
    for (const object of renderDeployment(parsed.spec).objects) {
      total++;
      const key = JSON.stringify(object);
      const entry = unique.get(key) ?? { object, variants: [] as string[] };
      entry.variants.push(name);
      unique.set(key, entry);
    }
  }
  return { inputs, unique, total };
}

it('accepts every rendered object of every variant and both seeds in a server-side dry run', async () => {
  const namespace = await createNamespace(admin, 'variants');
  const { inputs, unique, total } = distinctObjects(namespace);

  const started = Date.now();
  const failures: string[] = [];
  const kinds = new Set<string>();
  const entries = [...unique.values()];
  const client = admin;
  // Objects one by one, so one rejection does not skip the next stage.
  for (let i = 0; i < entries.length; i += 8) {
    await Promise.all(
      entries.slice(i, i + 8).map(async ({ object, variants }) => {
        const [result] = await applyManifests({
          client,
          objects: [object],
          dryRun: true,
        });
        kinds.add(`${object.apiVersion}/${object.kind}`);
        if (result.outcome !== 'created' || !result.dryRun) {
          failures.push(
            `${object.kind} ${object.metadata?.name}: ${result.outcome} ${
              result.error?.message ?? ''
            }\n  in ${variants.length} variant(s): ${variants
              .slice(0, 6)
              .join(', ')}${variants.length > 6 ? ', …' : ''}`,
          );
        }
      }),
    );
  }
  // eslint-disable-next-line no-console
  console.log(
    `server-side dry run: ${inputs.length} specs, ${total} rendered objects, ${
      unique.size
    } distinct, ${kinds.size} kinds, ${Date.now() - started} ms`,
  );

  expect(failures).toEqual([]);
  // Every kind the renderer emits, including the providers' policies.
  expect([...kinds].sort()).toEqual(
    expect.arrayContaining([
      'gateway.kgateway.dev/v1alpha1/GatewayParameters',
      'grove.io/v1alpha1/PodCliqueSet',
      'inference.networking.k8s.io/v1/InferencePool',
      'leaderworkerset.x-k8s.io/v1/LeaderWorkerSet',
      'monitoring.coreos.com/v1/PodMonitor',
      'monitoring.googleapis.com/v1/PodMonitoring',
      'networking.gke.io/v1/GCPBackendPolicy',
      'networking.gke.io/v1/HealthCheckPolicy',
      'networking.istio.io/v1beta1/DestinationRule',
      'resource.nvidia.com/v1beta1/ComputeDomain',
    ]),
  );
});

it('the day-2 diff finds no difference between every rendered object and what the API server stores (its defaults are not drift)', async () => {
  const namespace = await createNamespace(admin, 'diff');
  const { unique } = distinctObjects(namespace);
  const drift: string[] = [];
  const entries = [...unique.values()];
  const client = admin;
  for (let i = 0; i < entries.length; i += 8) {
    await Promise.all(
      entries.slice(i, i + 8).map(async ({ object, variants }) => {
        // What a real apply would store, defaults included (dryRun=All).
        const stored = await client.apply(object as any, {
          dryRun: true,
          force: false,
        });
        for (const f of diffObject(object as any, stored as any)) {
          drift.push(
            `${object.kind} ${object.metadata?.name} ${
              f.path
            }: stored ${JSON.stringify(f.live)}, rendered ${JSON.stringify(
              f.desired,
            )} (${variants[0]})`,
          );
        }
      }),
    );
  }
  expect(drift).toEqual([]);
});

it('is a check that can fail: the GKE CRD rejects a health-check port without portSpecification (review B4)', async () => {
  const namespace = await createNamespace(admin, 'hcp');
  const [result] = await applyManifests({
    client: admin,
    dryRun: true,
    objects: [
      {
        apiVersion: 'networking.gke.io/v1',
        kind: 'HealthCheckPolicy',
        metadata: { name: 'old-output', namespace },
        spec: {
          targetRef: {
            group: 'inference.networking.k8s.io',
            kind: 'InferencePool',
            name: 'pool',
          },
          default: {
            config: {
              type: 'HTTP',
              httpHealthCheck: { requestPath: '/health', port: 8000 },
            },
          },
        },
      } as KubernetesObject,
    ],
  });
  expect(result.outcome).toBe('failed');
  expect(result.error?.message).toContain(
    'port and portName must be unset for portSpecification',
  );
});

it('is a check that can fail: the monitoring CRDs reject a scrape interval that is no Prometheus duration, and a PodMonitoring endpoint without a port', async () => {
  const namespace = await createNamespace(admin, 'monitor-bad');
  const parsed = parseSpec({
    ...LWS_H200_SEED,
    namespace,
    monitoring: 'prometheus-operator',
  });
  if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
  const podMonitor = renderDeployment(parsed.spec).objects.find(
    o => o.kind === 'PodMonitor',
  ) as any;
  podMonitor.spec.podMetricsEndpoints[0].interval = '10 seconds';
  const podMonitoring = {
    apiVersion: 'monitoring.googleapis.com/v1',
    kind: 'PodMonitoring',
    metadata: { name: 'no-port', namespace },
    spec: {
      selector: { matchLabels: { app: 'x' } },
      endpoints: [{ path: '/metrics', interval: '10s' }],
    },
  };
  const results = await applyManifests({
    client: admin,
    dryRun: true,
    objects: [podMonitor, podMonitoring as KubernetesObject],
  });
  expect(results.map(r => r.outcome)).toEqual(['failed', 'failed']);
  expect(results[0].error?.message).toContain(
    'spec.podMetricsEndpoints[0].interval',
  );
  expect(results[1].error?.message).toContain('spec.endpoints[0].port');
});

describe('a monitoring CRD the cluster does not have', () => {
  const CRD = 'podmonitors.monitoring.coreos.com';
  let extensions: ApiextensionsV1Api;
  let crd: V1CustomResourceDefinition;
  let namespace: string;

  beforeAll(async () => {
    const { kubeConfig } = await connect('admin');
    extensions = kubeConfig.makeApiClient(ApiextensionsV1Api);
    crd = await extensions.readCustomResourceDefinition({ name: CRD });
    namespace = await createNamespace(admin, 'no-monitoring');
    await extensions.deleteCustomResourceDefinition({ name: CRD });
    await waitFor(`CRD ${CRD} to be gone`, async () =>
      extensions
        .readCustomResourceDefinition({ name: CRD })
        .then(() => false)
        .catch(() => true),
    );
  });

  afterAll(async () => {
    await extensions.createCustomResourceDefinition({
      body: {
        ...crd,
        metadata: { name: CRD, annotations: crd.metadata?.annotations },
        status: undefined,
      },
    });
    await waitFor(`CRD ${CRD} to be Established`, async () => {
      const back = await extensions.readCustomResourceDefinition({
        name: CRD,
      });
      return (back.status?.conditions ?? []).some(
        c => c.type === 'Established' && c.status === 'True',
      );
    });
  });

  it('preflight of a spec with monitoring fails naming the CRD and the monitoring choice; without monitoring it does not check it', async () => {
    const withMonitoring = await runAction('preflight', {
      ...LWS_H200_SEED,
      namespace,
      monitoring: 'prometheus-operator',
    });
    expect(withMonitoring.checks[`crd:${CRD}`]).toMatchObject({
      status: 'fail',
      message: `CRD ${CRD} is not installed; it is needed for scraping the ranks and the endpoint picker (Prometheus Operator, spec.monitoring prometheus-operator)`,
    });
    expect(withMonitoring.error.message).toContain(`FAIL CRD ${CRD}`);

    const without = await runAction('preflight', {
      ...LWS_H200_SEED,
      namespace,
    });
    expect(without.checks[`crd:${CRD}`]).toBeUndefined();
    expect(
      without.checks['crd:leaderworkersets.leaderworkerset.x-k8s.io'].status,
    ).toBe('pass');
  });
});

describe('a CRD the cluster does not have', () => {
  const CRD = 'gatewayparameters.gateway.kgateway.dev';
  const SPEC: WideEpSpecInput = {
    ...LWS_H200_SEED,
    gateway: 'kgateway-openshift',
    rankPorts: false,
  };
  let extensions: ApiextensionsV1Api;
  let crd: V1CustomResourceDefinition;
  let namespace: string;

  beforeAll(async () => {
    const { kubeConfig } = await connect('admin');
    extensions = kubeConfig.makeApiClient(ApiextensionsV1Api);
    crd = loadYaml<V1CustomResourceDefinition>(
      readFileSync(
        path.join(
          sharedDir(),
          'crds-providers/kgateway/gateway.kgateway.dev_gatewayparameters.yaml',
        ),
        'utf8',
      ),
    );
    namespace = await createNamespace(admin, 'no-crd');
    await extensions.deleteCustomResourceDefinition({ name: CRD });
    await waitFor(`CRD ${CRD} to be gone`, async () =>
      extensions
        .readCustomResourceDefinition({ name: CRD })
        .then(() => false)
        .catch(() => true),
    );
  });

  afterAll(async () => {
    await extensions.createCustomResourceDefinition({
      body: { ...crd, metadata: { name: crd.metadata!.name } },
    });
    await waitFor(`CRD ${CRD} to be Established`, async () => {
      const back = await extensions.readCustomResourceDefinition({
        name: CRD,
      });
      return (back.status?.conditions ?? []).some(
        c => c.type === 'Established' && c.status === 'True',
      );
    });
  });

  it('preflight fails its check, naming the CRD and what needs it', async () => {
    const { checks, error } = await runAction('preflight', {
      ...SPEC,
      namespace,
    });
    expect(checks[`crd:${CRD}`]).toMatchObject({
      status: 'fail',
      message: `CRD ${CRD} is not installed; it is needed for the kgateway proxy settings on OpenShift`,
    });
    expect(checks['crd:leaderworkersets.leaderworkerset.x-k8s.io'].status).toBe(
      'pass',
    );
    expect(error.message).toContain(`FAIL CRD ${CRD}`);
  });

  it('apply (dry run) fails with NotFoundError naming the kind, and the task log names the object', async () => {
    const { error, lines, cluster } = await runAction('apply', {
      ...SPEC,
      namespace,
    });
    expect(error.name).toBe('NotFoundError');
    expect(error.message).toContain(
      `cluster "${cluster}" does not serve kind GatewayParameters in gateway.kgateway.dev/v1alpha1; install the CRD that defines it`,
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^error failed GatewayParameters ${namespace}/\\S+ .*does not serve kind GatewayParameters`,
        ),
      ),
    );
  });
});

async function waitFor(what: string, ok: () => Promise<boolean>) {
  const deadline = Date.now() + 60_000;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 200));
  }
}

const allow = {
  authorize: async (requests: unknown[]) =>
    requests.map(() => ({ result: 'ALLOW' })),
  authorizeConditional: async () => [],
} as unknown as PermissionsService;

/** Runs wide-ep:preflight or a dry-run wide-ep:apply as the scaffolder would. */
async function runAction(which: 'preflight' | 'apply', input: WideEpSpecInput) {
  const registry = ClusterRegistry.fromConfig(await appConfigFor('admin'));
  const cluster = registry.names()[0];
  const action =
    which === 'preflight'
      ? createWideEpPreflightAction({ clusters: registry, permissions: allow })
      : createWideEpApplyAction({ clusters: registry, permissions: allow });
  const run = runScaffolderAction(
    action,
    { ...input, cluster },
    { isDryRun: which === 'apply' },
  );
  const error = await run.promise.then(
    () => undefined,
    e => e,
  );
  const { lines, outputs } = run;
  const checks = Object.fromEntries(
    (outputs.checks ?? []).map((c: any) => [c.id, c]),
  );
  return { cluster, lines, error, checks };
}
