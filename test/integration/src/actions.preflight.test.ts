import {
  GROVE_GB200_SEED,
  LWS_H200_SEED,
} from '@internal/plugin-wide-ep-common';
/*
 * wide-ep:preflight against a real kube-apiserver (test/cluster), through
 * the production cluster registry and client. The test cluster runs no
 * kubelet, so it has no nodes: the GPU check always fails there.
 */
import { tmpdir } from 'node:os';
import type { PermissionsService } from '@backstage/backend-plugin-api';
import { createWideEpPreflightAction } from '@internal/plugin-scaffolder-backend-module-wide-ep';
import {
  ClusterRegistry,
  KubeClient,
  applyManifests,
  assertApplySucceeded,
} from '@internal/plugin-wide-ep-node';
import { appConfigFor, connect, createNamespace } from './testCluster';

jest.setTimeout(60_000);

let admin: KubeClient;

beforeAll(async () => {
  ({ client: admin } = await connect('admin'));
});

const allow = {
  authorize: async (requests: unknown[]) =>
    requests.map(() => ({ result: 'ALLOW' })),
  authorizeConditional: async () => [],
} as unknown as PermissionsService;

async function preflight(input: Record<string, unknown>) {
  const registry = ClusterRegistry.fromConfig(await appConfigFor('admin'));
  const cluster = registry.names()[0];
  const action = createWideEpPreflightAction({
    clusters: registry,
    permissions: allow,
  });
  const lines: string[] = [];
  const log = (message: string) => lines.push(message);
  const logger = {
    info: log,
    warn: log,
    error: log,
    debug: () => {},
    child: () => logger,
  };
  // Only what the handlers use; typed loosely as test input may be invalid.
  const ctx: any = {
    input: { ...input, cluster } as any,
    logger: logger as any,
    workspacePath: tmpdir(),
    output: jest.fn(),
    checkpoint: async ({ fn }: { fn: () => Promise<any> }) => fn(),
    createTemporaryDirectory: async () => tmpdir(),
    getInitiatorCredentials: async () => ({} as any),
    task: { id: 'integration-task' },
  };
  const error = await action.handler(ctx).then(
    () => undefined,
    e => e,
  );
  const outputs = Object.fromEntries(
    (ctx.output as jest.Mock).mock.calls,
  ) as Record<string, any>;
  return { cluster, lines, outputs, error };
}

describe('wide-ep:preflight against kube-apiserver', () => {
  it('passes the installed CRDs, namespace, Secret and GatewayClass, and fails on missing GPUs before any apply', async () => {
    const namespace = await createNamespace(admin, 'pre-act');
    assertApplySucceeded(
      await applyManifests({
        client: admin,
        dryRun: false,
        objects: [
          {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: 'llm-d-hf-token', namespace },
            stringData: { HF_TOKEN: 'hf_not_a_real_token' },
          } as any,
          {
            apiVersion: 'gateway.networking.k8s.io/v1',
            kind: 'GatewayClass',
            metadata: { name: 'kgateway' },
            spec: { controllerName: 'kgateway.dev/kgateway' },
          } as any,
        ],
      }),
    );

    const { cluster, lines, outputs, error } = await preflight({
      ...GROVE_GB200_SEED,
      clusterProvider: 'generic',
      namespace,
    });

    expect(outputs.checks.map((c: any) => `${c.status} ${c.id}`)).toEqual([
      'pass crd:podcliquesets.grove.io',
      'pass crd:inferencepools.inference.networking.k8s.io',
      'pass crd:gateways.gateway.networking.k8s.io',
      'pass crd:httproutes.gateway.networking.k8s.io',
      'pass crd:podcliques.grove.io',
      'pass crd:podcliquescalinggroups.grove.io',
      // No gateway controller runs, so the class is never Accepted.
      'warn gateway-class',
      'pass namespace',
      'pass secret',
      'fail resource:nvidia.com/gpu',
    ]);
    expect(lines).toContain(
      'PASS CRD podcliquesets.grove.io: established; serves v1alpha1',
    );
    expect(lines).toContain(
      `PASS Secret ${namespace}/llm-d-hf-token: Secret llm-d-hf-token has key HF_TOKEN`,
    );
    expect(lines.join('\n')).not.toContain('hf_not_a_real_token');
    expect(error?.name).toBe('InputError');
    expect(error.message.split('\n')[0]).toBe(
      `preflight failed on cluster "${cluster}": 1 of 10 checks failed`,
    );
    expect(error.message).toMatch(
      /\nFAIL Allocatable nvidia\.com\/gpu: need 9 pods × 4 nvidia\.com\/gpu; 0 of \d+ schedulable nodes/,
    );
  });

  // The cluster now has every CRD the output uses; a really absent one is
  // tested in crdCoverage.test.ts.
  it('passes the GKE policy CRDs, which the cluster now has', async () => {
    const { outputs } = await preflight({
      ...LWS_H200_SEED,
      clusterProvider: 'gke',
      gateway: 'gke-l7-regional-external-managed',
      namespace: 'wide-ep-preflight-missing',
    });
    const byId = Object.fromEntries(outputs.checks.map((c: any) => [c.id, c]));
    expect(byId['crd:healthcheckpolicies.networking.gke.io'].status).toBe(
      'pass',
    );
    expect(byId['crd:gcpbackendpolicies.networking.gke.io'].status).toBe(
      'pass',
    );
    expect(byId['crd:destinationrules.networking.istio.io']).toBeUndefined();
  });
});
