/*
 * The permission guards as the backend wires them: the real scaffolder
 * backend, the real wide-EP module, and a `coreServices.permissions` whose
 * policy denies the wide-EP and catalog permissions, handed to the module by
 * the backend. Nothing here builds
 * an action itself, so a module that forgets to hand an action its
 * permissions service fails these tests.
 */
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import request from 'supertest';
import {
  LWS_H200_SEED,
  parseSpec,
  renderDeployment,
} from '@internal/plugin-wide-ep-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import wideEpPlugin from '@internal/plugin-wide-ep-backend';
import scaffolderModuleWideEp from './index';

jest.setTimeout(60_000);

/**
 * The backend's permissions service with a policy that denies the named
 * permissions and allows the rest (the scaffolder's own). The real
 * permission backend cannot stand in here: with the test backend's mock
 * user tokens it rejects the scaffolder's own resource-permission checks as
 * direct user requests before any policy runs.
 */
function denyingPermissions(denied: string[]) {
  const seen: string[] = [];
  /** `<permission> on <resourceRef>` for each request with a resourceRef. */
  const seenOn: string[] = [];
  const decide = (asked: {
    permission: { name: string };
    resourceRef?: string;
  }) => {
    const { name } = asked.permission;
    seen.push(name);
    if (asked.resourceRef) seenOn.push(`${name} on ${asked.resourceRef}`);
    return denied.includes(name) ? AuthorizeResult.DENY : AuthorizeResult.ALLOW;
  };
  const factory = createServiceFactory({
    service: coreServices.permissions,
    deps: {},
    factory: () => ({
      authorize: async (requests: any[]) =>
        requests.map(r => ({ result: decide(r) })),
      authorizeConditional: async (requests: any[]) =>
        requests.map(r => ({ result: decide(r) })),
    }),
  });
  return { factory, seen, seenOn };
}

/** A configured cluster nobody listens on. */
function config() {
  return {
    // Nothing listens on the cluster's port: give up after 1 s, not 120 s.
    wideEp: {
      clusterCalls: { giveUpAfter: '1s' },
    },
    kubernetes: {
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: [
            {
              name: 'wide-ep-local',
              url: 'https://127.0.0.1:9',
              authProvider: 'serviceAccount',
              serviceAccountToken: 'not-a-real-token',
              skipTLSVerify: true,
            },
          ],
        },
      ],
    },
  };
}

/**
 * The deployment's entity as the template registers it. The catalog is the
 * catalog-node test double: these tests are about the guards, and a real
 * catalog backend adds nothing to them (the browser suite runs the real one).
 */
function seedEntity() {
  const parsed = parseSpec({ ...LWS_H200_SEED, cluster: 'wide-ep-local' });
  if (!parsed.success) throw new Error('seed spec invalid');
  return renderDeployment(parsed.spec).entity;
}

/** A one-step template running `action` with the LWS H200 seed. */
function template(action: string, input?: Record<string, unknown>) {
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: `one-step-${action.replace(':', '-')}` },
    spec: {
      type: 'service',
      steps: [
        {
          id: 'step',
          name: action,
          action,
          input: input ?? { ...LWS_H200_SEED, cluster: 'wide-ep-local' },
        },
      ],
    },
  };
}

async function dryRun(
  denied: string[],
  action: string,
  input?: Record<string, unknown>,
) {
  const policy = denyingPermissions(denied);
  const { server } = await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderModuleWideEp,
      // Where wide-ep:register registers: the real plugin, its store on SQLite.
      wideEpPlugin,
      policy.factory,
      catalogServiceMock.factory({ entities: [seedEntity() as any] }),
      mockServices.rootConfig.factory({ data: config() }),
    ],
  });
  const res = await request(server)
    .post('/api/scaffolder/v2/dry-run')
    .set('Authorization', mockCredentials.user.header())
    .send({
      template: template(action, input),
      values: {},
      secrets: {},
      directoryContents: [],
    });
  // A step error comes back as the response's error (a dry run stops there).
  const messages: string[] = [
    ...(res.body.log ?? []).map((l: any) => l.body.message),
    ...(res.body.error
      ? [`${res.body.error.name}: ${res.body.error.message}`]
      : []),
  ];
  const failed =
    res.status >= 400 ||
    (res.body.log ?? []).some((l: any) => l.body.status === 'failed');
  const registered = await request(server)
    .get('/api/wide-ep/registered-entities')
    .set(
      'Authorization',
      mockCredentials.service.header({
        onBehalfOf: mockCredentials.service('plugin:catalog'),
        targetPluginId: 'wide-ep',
      }),
    );
  const written = registered.body.items.map((i: any) => i.entityRef);
  return {
    res,
    messages,
    failed,
    written,
    seen: policy.seen,
    seenOn: policy.seenOn,
  };
}

describe('permissions as the backend wires them', () => {
  it('wide-ep:register asks catalog.entity.create and is refused, writing nothing', async () => {
    const { messages, failed, written, seen } = await dryRun(
      ['catalog.entity.create'],
      'wide-ep:register',
    );
    expect(seen).toContain('catalog.entity.create');
    expect(failed).toBe(true);
    expect(messages.join('\n')).toMatch(
      /NotAllowedError: user:default\/mock is not allowed to register component:default\/wide-ep \(permission catalog\.entity\.create\)/,
    );
    expect(messages.join('\n')).not.toContain('Dry run: would register');
    expect(written).toEqual([]);
  });

  it('wide-ep:register goes on when the policy allows', async () => {
    const { messages, failed } = await dryRun([], 'wide-ep:register');
    expect(failed).toBe(false);
    expect(messages.join('\n')).toContain(
      'Dry run: would register component:default/wide-ep',
    );
  });

  it('wide-ep:apply asks wide-ep.deployment.apply and sends nothing to the cluster when refused', async () => {
    const { messages, seen, seenOn } = await dryRun(
      ['wide-ep.deployment.apply'],
      'wide-ep:apply',
    );
    expect(seen).toContain('wide-ep.deployment.apply');
    // Asked for the target cluster, so a policy can protect some clusters only.
    expect(seenOn).toContain('wide-ep.deployment.apply on wide-ep-local');
    const log = messages.join('\n');
    expect(log).toMatch(
      /is not allowed to deploy wide-EP deployments \(permission wide-ep\.deployment\.apply\)/,
    );
    // Refused before any cluster call: the unreachable cluster is never tried.
    expect(log).not.toContain('unreachable');
  });

  it('wide-ep:apply reaches the cluster step when the policy allows', async () => {
    const { messages } = await dryRun([], 'wide-ep:apply');
    const log = messages.join('\n');
    expect(log).not.toContain('is not allowed');
    expect(log).toMatch(/cluster "wide-ep-local" unreachable/);
  });

  it('wide-ep:preflight asks wide-ep.deployment.apply and checks nothing when refused', async () => {
    const { messages, seen, seenOn } = await dryRun(
      ['wide-ep.deployment.apply'],
      'wide-ep:preflight',
    );
    expect(seen).toContain('wide-ep.deployment.apply');
    expect(seenOn).toContain('wide-ep.deployment.apply on wide-ep-local');
    const log = messages.join('\n');
    expect(log).toMatch(/permission wide-ep\.deployment\.apply/);
    expect(log).not.toContain('unreachable');
  });

  const teardown = {
    entityRef: 'component:default/wide-ep',
    confirm: 'wide-ep',
    rollout: 'apply',
  };

  it('wide-ep:teardown asks wide-ep.deployment.delete and touches no cluster when refused', async () => {
    const { messages, failed, seen, seenOn } = await dryRun(
      ['wide-ep.deployment.delete'],
      'wide-ep:teardown',
      teardown,
    );
    expect(seen).toContain('wide-ep.deployment.delete');
    expect(seenOn).toContain('wide-ep.deployment.delete on wide-ep-local');
    expect(failed).toBe(true);
    const log = messages.join('\n');
    expect(log).toMatch(
      /NotAllowedError: user:default\/mock is not allowed to tear down component:default\/wide-ep \(permission wide-ep\.deployment\.delete\)/,
    );
    expect(log).not.toMatch(/Tearing down|wide-ep-local/);
  });

  it('wide-ep:teardown reaches the cluster when the policy allows', async () => {
    const { messages, failed } = await dryRun([], 'wide-ep:teardown', teardown);
    expect(failed).toBe(true);
    const log = messages.join('\n');
    expect(log).not.toContain('is not allowed');
    expect(log).toMatch(
      /gave up on list ServiceAccount llm-d-wide-ep on cluster "wide-ep-local" after [\d.]+ s and \d+ attempts?: connection refused/,
    );
  });

  it('wide-ep:teardown refuses a wrong confirmation before asking anything', async () => {
    const { messages, failed, seen } = await dryRun([], 'wide-ep:teardown', {
      ...teardown,
      confirm: 'wide-ep-prod',
    });
    expect(failed).toBe(true);
    expect(messages.join('\n')).toContain(
      'confirm: type the deployment\'s name "wide-ep" to tear it down (got "wide-ep-prod")',
    );
    expect(seen).not.toContain('wide-ep.deployment.delete');
  });

  it('wide-ep:update asks wide-ep.deployment.apply for an apply rollout and touches no cluster when refused', async () => {
    const { messages, failed, seen, seenOn } = await dryRun(
      ['wide-ep.deployment.apply'],
      'wide-ep:update',
      {
        entityRef: 'component:default/wide-ep',
        decode: { replicas: 2, dataParallelSize: 16 },
      },
    );
    expect(seen).toContain('wide-ep.deployment.apply');
    expect(seenOn).toContain('wide-ep.deployment.apply on wide-ep-local');
    expect(failed).toBe(true);
    const log = messages.join('\n');
    expect(log).toMatch(
      /not allowed to update component:default\/wide-ep \(permission wide-ep\.deployment\.apply\)/,
    );
    expect(log).not.toMatch(/gave up on|has not answered/);
  });
});
