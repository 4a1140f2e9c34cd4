/*
 * Day 2 against a real kube-apiserver (test/cluster): wide-ep:update,
 * wide-ep:diff and wide-ep:teardown with the production cluster registry
 * and client. The registered entities are the wide-EP backend plugin's
 * store on a real SQLite database; the catalog is a stub returning the
 * deployment's entity from it as the wide-EP catalog module provides it;
 * the permission decision is a stub (ALLOW). The real kubectl binary (test/cluster/.bin) plays the user who
 * edits the cluster by hand.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { PermissionsService } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import { RegisteredEntityStore } from '@internal/plugin-wide-ep-backend';
import {
  createWideEpApplyAction,
  createWideEpDiffAction,
  createWideEpTeardownAction,
  createWideEpUpdateAction,
} from '@internal/plugin-scaffolder-backend-module-wide-ep';
import {
  LABELS,
  LWS_H200_SEED,
  parseSpec,
  renderDeployment,
  specFromEntity,
} from '@internal/plugin-wide-ep-common';
import {
  ClusterRegistry,
  KubeClient,
  REGISTERED_ENTITIES_LOCATION,
} from '@internal/plugin-wide-ep-node';
import { runAction } from './actionContext';
import { appConfigFor, connect, createNamespace } from './testCluster';

jest.setTimeout(120_000);

const KUBECTL = path.resolve(__dirname, '../../cluster/.bin/kubectl');

const allow = {
  authorize: async (requests: unknown[]) =>
    requests.map(() => ({ result: 'ALLOW' })),
  authorizeConditional: async () => [],
} as unknown as PermissionsService;

let admin: KubeClient;
let namespace: string;
let registry: ClusterRegistry;
let cluster: string;
let entities: RegisteredEntityStore;
let kubeconfigFile: string;

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

beforeAll(async () => {
  ({ client: admin } = await connect('admin'));
  namespace = await createNamespace(admin, 'day2');
  registry = ClusterRegistry.fromConfig(await appConfigFor('admin'));
  cluster = registry.names()[0];
  entities = await RegisteredEntityStore.create({
    database: { getClient: async () => databases.init('SQLITE_3') },
  });
  kubeconfigFile = process.env.WIDE_EP_TEST_KUBECONFIG!;
});

function spec() {
  const parsed = parseSpec({
    ...LWS_H200_SEED,
    namespace,
    cluster,
    decode: { replicas: 1, dataParallelSize: 16 },
  });
  if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
  return parsed.spec;
}

/** The entity as the wide-EP catalog module serves it from the store. */
async function catalogEntity() {
  const found = await entities.get(`component:default/${spec().name}`);
  if (!found) return undefined;
  return {
    ...found.entity,
    metadata: {
      ...found.entity.metadata,
      annotations: {
        ...found.entity.metadata.annotations,
        'backstage.io/managed-by-location': `${REGISTERED_ENTITIES_LOCATION}/${found.entityRef}`,
        'backstage.io/managed-by-origin-location': REGISTERED_ENTITIES_LOCATION,
      },
    },
  };
}
const catalog = { getEntityByRef: async () => (await catalogEntity()) as any };

const kubectl = (...args: string[]) =>
  execFileSync(KUBECTL, ['--kubeconfig', kubeconfigFile, ...args], {
    encoding: 'utf8',
  });

const labelled = async (kind: string, apiVersion: string) =>
  admin.list({
    apiVersion,
    kind,
    namespace,
    labelSelector: `${LABELS.deployment}=${spec().name}`,
  });

describe('day 2 on a real API server', () => {
  const entityRef = 'component:default/wide-ep';

  it('starts from an applied deployment, an HF token Secret and a registered entity', async () => {
    kubectl(
      '-n',
      namespace,
      'create',
      'secret',
      'generic',
      spec().hfTokenSecret.name,
      `--from-literal=${spec().hfTokenSecret.key}=SIMULATED`,
    );
    const applied = runAction(
      createWideEpApplyAction({ clusters: registry, permissions: allow }),
      { ...spec(), wait: false },
    );
    await applied.promise;
    await entities.upsert(renderDeployment(spec()).entity);
    expect(await catalogEntity()).toBeDefined();
  });

  it('diff: in sync right after the apply, with no false difference from server defaults', async () => {
    const run = runAction(
      createWideEpDiffAction({ clusters: registry, catalog }),
      {
        entityRef,
      },
    );
    await run.promise;
    const differing = run.outputs.objects.filter(
      (o: any) => o.state !== 'in-sync',
    );
    expect(differing).toEqual([]);
    expect(run.outputs.inSync).toBe(true);
  });

  it('update (apply rollout): decode 1 -> 2 groups, the entity carries the new spec', async () => {
    const run = runAction(
      createWideEpUpdateAction({
        clusters: registry,
        catalog,
        permissions: allow,
        entities,
      }),
      { entityRef, decode: { replicas: 2 }, wait: false },
    );
    await run.promise;
    expect(run.outputs).toMatchObject({
      rollout: 'apply',
      unchanged: false,
      changedFields: ['decode'],
    });
    const lws = await admin.read<any>({
      apiVersion: 'leaderworkerset.x-k8s.io/v1',
      kind: 'LeaderWorkerSet',
      namespace,
      name: `${spec().name}-decode`,
    });
    expect(lws.spec.replicas).toBe(2);
    const entity = await catalogEntity();
    const read = specFromEntity(entity as any);
    expect(read.success && read.spec.decode.replicas).toBe(2);
    expect(run.lines.join('\n')).toMatch(
      /configured LeaderWorkerSet .*-decode/,
    );
  });

  it('update again with the same values: nothing to roll out', async () => {
    const run = runAction(
      createWideEpUpdateAction({
        clusters: registry,
        catalog,
        permissions: allow,
        entities,
      }),
      { entityRef, decode: { replicas: 2 } },
    );
    await run.promise;
    expect(run.outputs.unchanged).toBe(true);
  });

  it('diff: names a field edited with kubectl and its field manager', async () => {
    const epp = `${spec().name}-infpool-epp`;
    const hotfix = 'ghcr.io/llm-d/llm-d-router-endpoint-picker:hotfix';
    kubectl(
      '-n',
      namespace,
      'patch',
      'deployment',
      epp,
      '-p',
      JSON.stringify({
        spec: {
          template: { spec: { containers: [{ name: 'epp', image: hotfix }] } },
        },
      }),
    );
    const run = runAction(
      createWideEpDiffAction({ clusters: registry, catalog }),
      {
        entityRef,
      },
    );
    await run.promise;
    const differing = run.outputs.objects.filter(
      (o: any) => o.state !== 'in-sync',
    );
    expect(differing).toEqual([
      expect.objectContaining({
        kind: 'Deployment',
        name: epp,
        state: 'differs',
        fields: [
          {
            path: 'spec.template.spec.containers[name=epp].image',
            desired: 'ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.9.0',
            live: hotfix,
            managers: ['kubectl-patch'],
          },
        ],
      }),
    ]);
    expect(run.outputs.inSync).toBe(false);
    expect(run.lines.join('\n')).toContain('(field manager kubectl-patch)');
  });

  it('teardown: refuses a wrong name, then deletes every labelled object, keeps the Secret and the namespace, removes the entity', async () => {
    const action = createWideEpTeardownAction({
      clusters: registry,
      catalog,
      permissions: allow,
      entities,
      waitIntervalMs: 100,
    });
    const wrong = runAction(action, { entityRef, confirm: 'other' });
    await expect(wrong.promise).rejects.toThrow(/^confirm: type/);

    const dry = runAction(action, {
      entityRef,
      confirm: spec().name,
      dryRun: true,
    });
    await dry.promise;
    expect(
      (await labelled('LeaderWorkerSet', 'leaderworkerset.x-k8s.io/v1')).length,
    ).toBe(2);

    const run = runAction(action, { entityRef, confirm: spec().name });
    await run.promise;
    const outcomes = run.outputs.objects.map(
      (o: any) => `${o.kind}:${o.outcome}`,
    );
    expect(outcomes.filter((o: string) => !o.endsWith(':deleted'))).toEqual([]);
    // Routing goes first, prerequisites last.
    const kinds = run.outputs.objects.map((o: any) => o.kind);
    expect(kinds.indexOf('HTTPRoute')).toBeLessThan(
      kinds.indexOf('LeaderWorkerSet'),
    );
    expect(kinds.indexOf('LeaderWorkerSet')).toBeLessThan(
      kinds.indexOf('ServiceAccount'),
    );
    for (const [kind, apiVersion] of [
      ['LeaderWorkerSet', 'leaderworkerset.x-k8s.io/v1'],
      ['Deployment', 'apps/v1'],
      ['ConfigMap', 'v1'],
      ['InferencePool', 'inference.networking.k8s.io/v1'],
      ['HTTPRoute', 'gateway.networking.k8s.io/v1'],
    ]) {
      expect(await labelled(kind, apiVersion)).toEqual([]);
    }
    expect(
      await admin.read({
        apiVersion: 'v1',
        kind: 'Secret',
        namespace,
        name: spec().hfTokenSecret.name,
      }),
    ).toBeDefined();
    expect(
      await admin.read({
        apiVersion: 'v1',
        kind: 'Namespace',
        name: namespace,
      }),
    ).toBeDefined();
    expect(run.outputs.entityRemoved).toBe(true);
    expect(await catalogEntity()).toBeUndefined();
  });
});
