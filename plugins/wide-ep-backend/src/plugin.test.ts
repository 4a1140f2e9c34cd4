import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
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
