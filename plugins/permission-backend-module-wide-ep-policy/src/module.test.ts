/*
 * The policy as the backend wires it: the real permission backend with this
 * module as its policy, the real scaffolder backend with the real wide-EP
 * module, the real wide-EP backend plugin (which owns the wide-ep-cluster
 * resource type and applies the policy's conditions), and the backend's
 * default permissions service, which asks the permission backend over HTTP.
 *
 * Two test services stand in for production ones:
 * - auth: the mock auth service, except that a token a plugin obtained on a
 *   user's behalf authenticates as that user *with an actor*, as the real
 *   auth service does. (The permission backend refuses resource-permission
 *   queries without a resourceRef, which the scaffolder makes, and the
 *   apply-conditions endpoint refuses direct user calls; both accept calls a
 *   plugin makes on a user's behalf.)
 * - userInfo: ownership references per user, as the sign-in resolver would
 *   set them from the catalog: alice is in group:default/platform, bob not.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AuthService,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import permissionPlugin from '@backstage/plugin-permission-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import scaffolderModuleWideEp from '@internal/plugin-scaffolder-backend-module-wide-ep';
// The wiring under test includes the plugin that evaluates the conditions.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import wideEpPlugin from '@internal/plugin-wide-ep-backend';
import {
  LWS_H200_SEED,
  parseSpec,
  renderDeployment,
  wideEpDeploymentApplyPermission,
  wideEpDeploymentDeletePermission,
  wideEpRankHealthReadPermission,
} from '@internal/plugin-wide-ep-common';
import request from 'supertest';
import permissionModuleWideEpPolicy from './index';

jest.setTimeout(60_000);

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const OWNERSHIP: Record<string, string[]> = {
  [ALICE]: [ALICE, 'group:default/platform'],
  [BOB]: [BOB, 'group:default/ml'],
};

const MOCK_SERVICE_TOKEN_PREFIX = 'mock-service-token:';

/** The mock auth service, giving on-behalf-of tokens their actor. */
const authWithActors = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }): AuthService {
    const inner = mockServices.auth({ pluginId: plugin.getId() });
    return {
      async authenticate(token, options) {
        const credentials = await inner.authenticate(token, options);
        if (
          token.startsWith(MOCK_SERVICE_TOKEN_PREFIX) &&
          inner.isPrincipal(credentials, 'user')
        ) {
          return mockCredentials.user(credentials.principal.userEntityRef, {
            actor: { subject: 'plugin:on-behalf-of' },
          }) as typeof credentials;
        }
        return credentials;
      },
      getNoneCredentials: () => inner.getNoneCredentials(),
      getOwnServiceCredentials: () => inner.getOwnServiceCredentials(),
      isPrincipal: inner.isPrincipal.bind(inner) as AuthService['isPrincipal'],
      getPluginRequestToken: options => inner.getPluginRequestToken(options),
      getLimitedUserToken: credentials =>
        inner.getLimitedUserToken(credentials),
      listPublicServiceKeys: () => inner.listPublicServiceKeys(),
    };
  },
});

const userInfoByUser = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials) {
      const { userEntityRef } = credentials.principal as {
        userEntityRef: string;
      };
      return {
        userEntityRef,
        ownershipEntityRefs: OWNERSHIP[userEntityRef] ?? [userEntityRef],
      };
    },
  }),
});

/** A cluster API server that answers 404 to everything and counts requests. */
async function countingApiServer() {
  let hits = 0;
  const server = http.createServer((_req, res) => {
    hits += 1;
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', status: 'Failure', code: 404 }));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => hits,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

function seedEntity(cluster: string) {
  const parsed = parseSpec({
    ...LWS_H200_SEED,
    name: `wide-ep-${cluster}`,
    cluster,
  });
  if (!parsed.success) throw new Error('seed spec invalid');
  return renderDeployment(parsed.spec).entity;
}

let clusters: Record<
  'prod-gb200' | 'local-demo',
  Awaited<ReturnType<typeof countingApiServer>>
>;

beforeAll(async () => {
  clusters = {
    'prod-gb200': await countingApiServer(),
    'local-demo': await countingApiServer(),
  };
});

afterAll(async () => {
  await Promise.all(Object.values(clusters).map(c => c.close()));
});

async function backend(
  permissionPolicy: object | null = {
    platformGroups: ['group:default/platform'],
    protectedClusters: ['prod-*'],
  },
) {
  const { server } = await startTestBackend({
    features: [
      permissionPlugin,
      permissionModuleWideEpPolicy,
      scaffolderPlugin,
      scaffolderModuleWideEp,
      wideEpPlugin,
      authWithActors,
      httpAuthServiceFactory,
      userInfoByUser,
      catalogServiceMock.factory({
        entities: [seedEntity('prod-gb200'), seedEntity('local-demo')] as any,
      }),
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true },
          wideEp: permissionPolicy ? { permissionPolicy } : {},
          kubernetes: {
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: Object.entries(clusters).map(([name, c]) => ({
                  name,
                  url: c.url,
                  authProvider: 'serviceAccount',
                  serviceAccountToken: 'not-a-real-token',
                  skipTLSVerify: true,
                })),
              },
            ],
          },
        },
      }),
    ],
  });
  return server;
}

describe('POST /api/permission/authorize with the wide-EP policy', () => {
  async function authorize(
    server: Awaited<ReturnType<typeof backend>>,
    user: string,
    items: Array<{ permission: unknown; resourceRef?: string }>,
  ) {
    const res = await request(server)
      .post('/api/permission/authorize')
      .set('Authorization', mockCredentials.user.header(user))
      .send({ items: items.map((item, i) => ({ id: String(i), ...item })) });
    expect(res.status).toBe(200);
    return res.body.items.map((item: { result: string }) => item.result);
  }

  const on = (permission: unknown, cluster: string) => ({
    permission,
    resourceRef: cluster,
  });

  it('a platform member may apply and delete on prod-gb200 and local-demo', async () => {
    const server = await backend();
    await expect(
      authorize(server, ALICE, [
        on(wideEpDeploymentApplyPermission, 'prod-gb200'),
        on(wideEpDeploymentDeletePermission, 'prod-gb200'),
        on(wideEpDeploymentApplyPermission, 'local-demo'),
      ]),
    ).resolves.toEqual(['ALLOW', 'ALLOW', 'ALLOW']);
  });

  it('a non-member may not apply or delete on prod-gb200, but may on local-demo, and may read health', async () => {
    const server = await backend();
    await expect(
      authorize(server, BOB, [
        on(wideEpDeploymentApplyPermission, 'prod-gb200'),
        on(wideEpDeploymentDeletePermission, 'prod-gb200'),
        on(wideEpDeploymentApplyPermission, 'local-demo'),
        on(wideEpDeploymentDeletePermission, 'local-demo'),
        { permission: wideEpRankHealthReadPermission },
      ]),
    ).resolves.toEqual(['DENY', 'DENY', 'ALLOW', 'ALLOW', 'ALLOW']);
  });

  it('without wideEp.permissionPolicy everyone may do everything (local development)', async () => {
    const server = await backend(null);
    await expect(
      authorize(server, BOB, [
        on(wideEpDeploymentApplyPermission, 'prod-gb200'),
        on(wideEpDeploymentDeletePermission, 'prod-gb200'),
      ]),
    ).resolves.toEqual(['ALLOW', 'ALLOW']);
  });
});

describe('the wide-EP actions through the scaffolder, with the wide-EP policy', () => {
  async function dryRun(
    server: Awaited<ReturnType<typeof backend>>,
    user: string,
    action: string,
    input: Record<string, unknown>,
  ) {
    const res = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header(user))
      .send({
        template: {
          apiVersion: 'scaffolder.backstage.io/v1beta3',
          kind: 'Template',
          metadata: { name: `one-step-${action.replace(':', '-')}` },
          spec: {
            type: 'service',
            steps: [{ id: 'step', name: action, action, input }],
          },
        },
        values: {},
        secrets: {},
        directoryContents: [],
      });
    // A failed step is the response's error, with its status.
    return [
      ...(res.body.log ?? []).map((l: any) => l.body.message),
      ...(res.body.error
        ? [`${res.body.error.name}: ${res.body.error.message}`]
        : []),
    ].join('\n');
  }

  const apply = (cluster: string) => ({
    ...LWS_H200_SEED,
    name: `wide-ep-${cluster}`,
    cluster,
  });

  it('wide-ep:apply: a non-member is refused on prod-gb200 before the cluster is contacted', async () => {
    const server = await backend();
    const before = clusters['prod-gb200'].hits();
    const log = await dryRun(server, BOB, 'wide-ep:apply', apply('prod-gb200'));
    // In a dry run the refusal is a warning and the objects are only rendered.
    expect(log).toContain(
      'server-side dry run skipped: user:default/bob is not allowed to deploy wide-EP deployments (permission wide-ep.deployment.apply)',
    );
    expect(clusters['prod-gb200'].hits()).toBe(before);
  });

  it('wide-ep:apply: a platform member reaches prod-gb200', async () => {
    const server = await backend();
    const before = clusters['prod-gb200'].hits();
    const log = await dryRun(
      server,
      ALICE,
      'wide-ep:apply',
      apply('prod-gb200'),
    );
    expect(log).not.toContain('is not allowed');
    expect(clusters['prod-gb200'].hits()).toBeGreaterThan(before);
  });

  it('wide-ep:apply: a non-member reaches local-demo', async () => {
    const server = await backend();
    const before = clusters['local-demo'].hits();
    const log = await dryRun(server, BOB, 'wide-ep:apply', apply('local-demo'));
    expect(log).not.toContain('is not allowed');
    expect(clusters['local-demo'].hits()).toBeGreaterThan(before);
  });

  it('wide-ep:teardown: a non-member gets NotAllowedError naming wide-ep.deployment.delete on prod-gb200', async () => {
    const server = await backend();
    const before = clusters['prod-gb200'].hits();
    const log = await dryRun(server, BOB, 'wide-ep:teardown', {
      entityRef: 'component:default/wide-ep-prod-gb200',
      confirm: 'wide-ep-prod-gb200',
      rollout: 'apply',
    });
    expect(log).toContain(
      'NotAllowedError: user:default/bob is not allowed to tear down component:default/wide-ep-prod-gb200 (permission wide-ep.deployment.delete)',
    );
    expect(clusters['prod-gb200'].hits()).toBe(before);
  });

  it('wide-ep:update: a non-member gets NotAllowedError naming wide-ep.deployment.apply on prod-gb200', async () => {
    const server = await backend();
    const before = clusters['prod-gb200'].hits();
    const log = await dryRun(server, BOB, 'wide-ep:update', {
      entityRef: 'component:default/wide-ep-prod-gb200',
      rollout: 'apply',
      decode: { replicas: 2, dataParallelSize: 16 },
    });
    expect(log).toContain(
      'NotAllowedError: user:default/bob is not allowed to update component:default/wide-ep-prod-gb200 (permission wide-ep.deployment.apply)',
    );
    expect(clusters['prod-gb200'].hits()).toBe(before);
  });

  it('wide-ep:teardown: a platform member reaches prod-gb200', async () => {
    const server = await backend();
    const before = clusters['prod-gb200'].hits();
    const log = await dryRun(server, ALICE, 'wide-ep:teardown', {
      entityRef: 'component:default/wide-ep-prod-gb200',
      confirm: 'wide-ep-prod-gb200',
      rollout: 'apply',
    });
    expect(log).not.toContain('is not allowed');
    expect(clusters['prod-gb200'].hits()).toBeGreaterThan(before);
  });
});

describe('POST /api/wide-ep/preflight with the wide-EP policy', () => {
  const body = (cluster: string) => ({ cluster, spec: LWS_H200_SEED });

  it('403 naming the permission for a non-member on prod-gb200; the cluster is not contacted', async () => {
    const server = await backend();
    const before = clusters['prod-gb200'].hits();
    const res = await request(server)
      .post('/api/wide-ep/preflight')
      .set('Authorization', mockCredentials.user.header(BOB))
      .send(body('prod-gb200'));
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({
      name: 'NotAllowedError',
      message:
        'not allowed to check or deploy wide-EP deployments on cluster "prod-gb200" (permission wide-ep.deployment.apply)',
    });
    expect(clusters['prod-gb200'].hits()).toBe(before);
  });

  it('a platform member and a non-member on local-demo get past the permission check', async () => {
    const server = await backend();
    for (const [user, cluster] of [
      [ALICE, 'prod-gb200'],
      [BOB, 'local-demo'],
    ] as const) {
      const before = clusters[cluster].hits();
      const res = await request(server)
        .post('/api/wide-ep/preflight')
        .set('Authorization', mockCredentials.user.header(user))
        .send(body(cluster));
      expect(res.status).not.toBe(403);
      expect(clusters[cluster].hits()).toBeGreaterThan(before);
    }
  });
});
