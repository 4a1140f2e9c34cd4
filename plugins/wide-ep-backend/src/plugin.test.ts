import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { LWS_H200_SEED } from '@internal/plugin-wide-ep-common';
import { wideEpPlugin } from './plugin';

// Nothing listens on port 1: the API server is unreachable.
const UNREACHABLE = {
  name: 'test',
  url: 'http://127.0.0.1:1',
  authProvider: 'serviceAccount',
  serviceAccountToken: 'secret-token-value',
  skipTLSVerify: true,
};

const entity = (name: string, annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/platform',
  },
});
const ANNOTATED = {
  'backstage.io/kubernetes-namespace': 'llm-d-wide-ep',
  'wide-ep.backstage.io/deployment': 'wide-ep',
  'wide-ep.backstage.io/orchestrator': 'lws',
  'wide-ep.backstage.io/hardware': 'h200',
};
const ENTITIES = [
  entity('wide-ep', ANNOTATED),
  entity('bare', {}),
  entity('elsewhere', {
    ...ANNOTATED,
    'backstage.io/kubernetes-cluster': 'nope',
  }),
];

async function backend(
  options: {
    clusters?: object[];
    permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
  } = {},
) {
  const { server } = await startTestBackend({
    features: [
      wideEpPlugin,
      mockServices.rootConfig.factory({
        data: {
          kubernetes: {
            clusterLocatorMethods: [
              { type: 'config', clusters: options.clusters ?? [UNREACHABLE] },
            ],
          },
          wideEp: { rankHealth: { probeTimeoutMs: 200, freshnessMs: 1000 } },
        },
      }),
      catalogServiceMock.factory({ entities: ENTITIES }),
      mockServices.permissions.factory({
        result: options.permission ?? AuthorizeResult.ALLOW,
      }),
    ],
  });
  return server;
}

const errorBody = (
  url: string,
  statusCode: number,
  name: string,
  message: string,
) => ({
  error: { name, message },
  // The error middleware reports the URL below the plugin's mount point.
  request: { method: 'GET', url: url.replace('/api/wide-ep', '') },
  response: { statusCode },
});

// Each test starts a whole backend; on a loaded 2-core CI machine that alone
// can take several seconds.
jest.setTimeout(30_000);

describe('GET /api/wide-ep/ranks', () => {
  it('400 without entityRef', async () => {
    const server = await backend();
    const res = await request(server).get('/api/wide-ep/ranks');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject(
      errorBody(
        '/api/wide-ep/ranks',
        400,
        'InputError',
        'query parameter entityRef is required once, e.g. ?entityRef=component:default/wide-ep',
      ),
    );
  });

  it('400 for an entityRef that is not one', async () => {
    const server = await backend();
    const url = '/api/wide-ep/ranks?entityRef=http%3A%2F%2F169.254.169.254%2F';
    const res = await request(server).get(url);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject(
      errorBody(
        url,
        400,
        'InputError',
        'entityRef "http://169.254.169.254/" is not an entity reference such as component:default/wide-ep',
      ),
    );
  });

  it('401 without credentials', async () => {
    const server = await backend();
    const res = await request(server)
      .get('/api/wide-ep/ranks?entityRef=component:default/wide-ep')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
    expect(res.body.error.name).toBe('AuthenticationError');
  });

  it('403 when the wide-ep.health.read permission is denied', async () => {
    const server = await backend({ permission: AuthorizeResult.DENY });
    const url = '/api/wide-ep/ranks?entityRef=component:default/wide-ep';
    const res = await request(server).get(url);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject(
      errorBody(
        url,
        403,
        'NotAllowedError',
        'not allowed to read rank health (wide-ep.health.read)',
      ),
    );
  });

  it('/diff: 403 when wide-ep.health.read is denied, as the plugin wires it', async () => {
    const server = await backend({ permission: AuthorizeResult.DENY });
    const url = '/api/wide-ep/diff?entityRef=component:default/wide-ep';
    const res = await request(server).get(url);
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({
      name: 'NotAllowedError',
      message: 'not allowed to read the deployment (wide-ep.health.read)',
    });
  });

  it('/diff: 400 naming the annotation for an entity without a wide-EP spec', async () => {
    const server = await backend();
    const url = '/api/wide-ep/diff?entityRef=component:default/wide-ep';
    const res = await request(server).get(url);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(
      'metadata.annotations["wide-ep.backstage.io/spec"]: missing',
    );
  });

  it('404 for an entity the catalog does not have', async () => {
    const server = await backend();
    const url = '/api/wide-ep/ranks?entityRef=component:default/missing';
    const res = await request(server).get(url);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject(
      errorBody(
        url,
        404,
        'NotFoundError',
        'entity component:default/missing not found',
      ),
    );
  });

  it('400 naming the missing annotation', async () => {
    const server = await backend();
    const url = '/api/wide-ep/ranks?entityRef=component:default/bare';
    const res = await request(server).get(url);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject(
      errorBody(
        url,
        400,
        'InputError',
        'entity component:default/bare has no wide-ep.backstage.io/deployment annotation (the wide-EP deployment name); it is written by the wide-EP template into catalog-info.yaml',
      ),
    );
  });

  it('400 for a cluster annotation naming an unknown cluster', async () => {
    const server = await backend();
    const url = '/api/wide-ep/ranks?entityRef=component:default/elsewhere';
    const res = await request(server).get(url);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject(
      errorBody(
        url,
        400,
        'InputError',
        'unknown cluster "nope"; configured: test',
      ),
    );
  });

  it('503, not 500, when the cluster cannot be reached and nothing is cached; the token never appears', async () => {
    const server = await backend();
    const url = '/api/wide-ep/ranks?entityRef=component:default/wide-ep';
    const res = await request(server).get(url);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject(
      errorBody(
        url,
        503,
        'ServiceUnavailableError',
        'cluster "test" could not be reached (ECONNREFUSED) while trying to list Pod objects in namespace "llm-d-wide-ep"',
      ),
    );
    expect(JSON.stringify(res.body)).not.toContain('secret-token-value');
  });

  it('names why the entity cluster cannot be used, with the config path', async () => {
    const server = await backend({
      clusters: [{ ...UNREACHABLE, authProvider: 'google' }],
    });
    const url = '/api/wide-ep/ranks?entityRef=component:default/wide-ep';
    const res = await request(server).get(url);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      name: 'InputError',
      message:
        'entity component:default/wide-ep has no backstage.io/kubernetes-cluster annotation and 0 clusters are configured (none); annotate the entity with the cluster name; "test" cannot be used: authProvider "google" is not supported for wide-EP deployments, which connect with a server-side token; use "serviceAccount" (kubernetes.clusterLocatorMethods[0].clusters[0])',
    });
  });

  it('503 explaining the configuration when it is invalid', async () => {
    const server = await backend({
      clusters: [UNREACHABLE, UNREACHABLE],
    });
    const url = '/api/wide-ep/ranks?entityRef=component:default/wide-ep';
    const res = await request(server).get(url);
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(
        /^rank health is not configured: .*duplicate cluster name "test"/,
      ),
    });
  });
});

describe('GET /api/wide-ep/ranks/history, as the plugin wires it', () => {
  const history = (query: string) => `/api/wide-ep/ranks/history?${query}`;

  it.each([
    [
      'metric=running',
      'query parameter entityRef is required once, e.g. ?entityRef=component:default/wide-ep',
    ],
    [
      'entityRef=component:default/wide-ep',
      'query parameter metric must be one of running, waiting, kvCacheUsage, promptTokensPerSecond, generationTokensPerSecond, ttftP95Seconds, itlP95Seconds',
    ],
    [
      'entityRef=component:default/wide-ep&metric=gpuTemperature',
      'query parameter metric must be one of running, waiting, kvCacheUsage, promptTokensPerSecond, generationTokensPerSecond, ttftP95Seconds, itlP95Seconds',
    ],
    [
      'entityRef=component:default/wide-ep&metric=running&window=24h',
      'query parameter window must be 15m or 60m',
    ],
    [
      'entityRef=component:default/wide-ep&metric=running&window=15m&window=60m',
      'query parameter window must be 15m or 60m',
    ],
  ])(
    '400 for %s, naming the parameter, never cached',
    async (query, message) => {
      const server = await backend();
      const res = await request(server).get(history(query));
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ name: 'InputError', message });
      expect(res.headers['cache-control']).toBe('no-store');
    },
  );

  it('403 when the wide-ep.health.read permission is denied', async () => {
    const server = await backend({ permission: AuthorizeResult.DENY });
    const res = await request(server).get(
      history('entityRef=component:default/wide-ep&metric=running&window=60m'),
    );
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({
      name: 'NotAllowedError',
      message: 'not allowed to read rank health (wide-ep.health.read)',
    });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('401 without credentials', async () => {
    const server = await backend();
    const res = await request(server)
      .get(history('entityRef=component:default/wide-ep&metric=running'))
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });

  it('the same entity lookup as /ranks: 404 for an entity the catalog does not have', async () => {
    const server = await backend();
    const res = await request(server).get(
      history('entityRef=component:default/missing&metric=waiting'),
    );
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe(
      'entity component:default/missing not found',
    );
  });
});

describe('wideEp.prometheus, as the plugin reads it at startup', () => {
  it('a Prometheus for a cluster that is not configured stops the backend, naming the key', async () => {
    await expect(
      startTestBackend({
        features: [
          wideEpPlugin,
          mockServices.rootConfig.factory({
            data: {
              kubernetes: {
                clusterLocatorMethods: [
                  { type: 'config', clusters: [UNREACHABLE] },
                ],
              },
              wideEp: {
                prometheus: {
                  clusters: [{ cluster: 'prod', url: 'http://127.0.0.1:9090' }],
                },
              },
            },
          }),
          catalogServiceMock.factory({ entities: ENTITIES }),
        ],
      }),
    ).rejects.toThrow(
      'wideEp.prometheus.clusters[0].cluster: unknown cluster "prod"; configured: test',
    );
  });
});

describe('GET /api/wide-ep/clusters', () => {
  it('lists cluster names and titles for the template, usable first, never URLs or tokens', async () => {
    const server = await backend({
      clusters: [
        { ...UNREACHABLE, name: 'gke-prod', authProvider: 'google' },
        { ...UNREACHABLE, title: 'Test cluster' },
        { ...UNREACHABLE, name: 'second' },
      ],
    });
    const res = await request(server).get('/api/wide-ep/clusters');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        { name: 'test', title: 'Test cluster', usable: true },
        { name: 'second', usable: true },
        {
          name: 'gke-prod',
          usable: false,
          reason:
            'authProvider "google" is not supported for wide-EP deployments, which connect with a server-side token; use "serviceAccount" (kubernetes.clusterLocatorMethods[0].clusters[0])',
        },
      ],
    });
    expect(res.text).not.toContain('127.0.0.1');
    expect(res.text).not.toContain('secret-token-value');
  });

  it('401 without credentials', async () => {
    const server = await backend();
    const res = await request(server)
      .get('/api/wide-ep/clusters')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });

  it('503 with the reason when the cluster configuration is invalid', async () => {
    const server = await backend({ clusters: [UNREACHABLE, UNREACHABLE] });
    const res = await request(server).get('/api/wide-ep/clusters');
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(
      /^wide-EP clusters are not configured: .*duplicate cluster name "test"/,
    );
  });
});

describe('POST /api/wide-ep/preflight, as the plugin wires it', () => {
  /** A cluster API server that only counts the requests it gets. */
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

  /** The backend's permissions service answering `result`, recording requests. */
  function recordingPermissions(
    result: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
  ) {
    const requests: Array<{
      permission: { name: string };
      resourceRef?: string;
    }> = [];
    const factory = createServiceFactory({
      service: coreServices.permissions,
      deps: {},
      factory: () => ({
        authorize: async (batch: any[]) => {
          requests.push(...batch);
          return batch.map(() => ({ result }));
        },
        authorizeConditional: async (batch: any[]) => {
          requests.push(...batch);
          return batch.map(() => ({ result }));
        },
      }),
    });
    return { factory, requests };
  }

  async function preflightBackend(
    result: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
    clusterUrl: string,
  ) {
    const permissions = recordingPermissions(result);
    const { server } = await startTestBackend({
      features: [
        wideEpPlugin,
        mockServices.rootConfig.factory({
          data: {
            kubernetes: {
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: [
                    { ...UNREACHABLE, name: 'prod-gb200', url: clusterUrl },
                  ],
                },
              ],
            },
          },
        }),
        catalogServiceMock.factory({ entities: ENTITIES }),
        permissions.factory,
      ],
    });
    return { server, requests: permissions.requests };
  }

  const body = { cluster: 'prod-gb200', spec: LWS_H200_SEED };

  it('403 naming wide-ep.deployment.apply when denied; asks for the cluster and never contacts it', async () => {
    const api = await countingApiServer();
    try {
      const { server, requests } = await preflightBackend(
        AuthorizeResult.DENY,
        api.url,
      );
      const res = await request(server)
        .post('/api/wide-ep/preflight')
        .set('Authorization', mockCredentials.user.header())
        .send(body);
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({
        name: 'NotAllowedError',
        message:
          'not allowed to check or deploy wide-EP deployments on cluster "prod-gb200" (permission wide-ep.deployment.apply)',
      });
      expect(requests).toEqual([
        {
          permission: expect.objectContaining({
            name: 'wide-ep.deployment.apply',
            resourceType: 'wide-ep-cluster',
          }),
          resourceRef: 'prod-gb200',
        },
      ]);
      expect(api.hits()).toBe(0);
    } finally {
      await api.close();
    }
  });

  it('contacts the cluster when allowed (the counter above can count)', async () => {
    const api = await countingApiServer();
    try {
      const { server } = await preflightBackend(AuthorizeResult.ALLOW, api.url);
      await request(server)
        .post('/api/wide-ep/preflight')
        .set('Authorization', mockCredentials.user.header())
        .send(body);
      expect(api.hits()).toBeGreaterThan(0);
    } finally {
      await api.close();
    }
  });

  it('401 for a caller without user credentials, before any permission check', async () => {
    const { server, requests } = await preflightBackend(
      AuthorizeResult.ALLOW,
      'http://127.0.0.1:1',
    );
    const res = await request(server)
      .post('/api/wide-ep/preflight')
      .set('Authorization', mockCredentials.none.header())
      .send(body);
    expect(res.status).toBe(401);
    expect(requests).toEqual([]);
  });
});
