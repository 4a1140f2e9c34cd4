/*
 * POST /api/wide-ep/preflight (the template form's cluster checks) through
 * the real wide-EP backend plugin in startTestBackend, against the real
 * kube-apiserver of test/cluster. The test cluster has no nodes, so the GPU
 * check fails there; only the permission service is mocked.
 */
import request from 'supertest';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { LWS_H200_SEED } from '@internal/plugin-wide-ep-common';
import wideEpBackend from '@internal/plugin-wide-ep-backend';
import { appConfigFor } from './testCluster';

jest.setTimeout(60_000);

async function backend(result: AuthorizeResult.ALLOW | AuthorizeResult.DENY) {
  const config = await appConfigFor('admin', 'it');
  const { server } = await startTestBackend({
    features: [
      wideEpBackend,
      mockServices.rootConfig.factory({ data: config.get() as any }),
      catalogServiceMock.factory({ entities: [] }),
      mockServices.permissions.factory({ result }),
    ],
  });
  return server;
}

const SPEC = { ...LWS_H200_SEED, namespace: 'wide-ep-form-preflight' };

describe('POST /api/wide-ep/preflight against kube-apiserver', () => {
  it('answers the read-only checks of the picked cluster for the form', async () => {
    const server = await backend(AuthorizeResult.ALLOW);
    const res = await request(server)
      .post('/api/wide-ep/preflight')
      .set('Authorization', mockCredentials.user.header())
      .send({ cluster: 'it', spec: SPEC });
    expect(res.status).toBe(200);
    expect(res.body.cluster).toBe('it');
    const byId = Object.fromEntries(res.body.checks.map((c: any) => [c.id, c]));
    expect(byId['crd:leaderworkersets.leaderworkerset.x-k8s.io'].status).toBe(
      'pass',
    );
    expect(byId.namespace).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('wide-ep-form-preflight'),
      remedy: expect.any(String),
    });
    expect(byId['resource:nvidia.com/gpu'].status).toBe('fail');
  });

  it('names the spec field that is wrong', async () => {
    const server = await backend(AuthorizeResult.ALLOW);
    const res = await request(server)
      .post('/api/wide-ep/preflight')
      .set('Authorization', mockCredentials.user.header())
      .send({
        cluster: 'it',
        spec: { ...SPEC, decode: { replicas: 1, dataParallelSize: 12 } },
      });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(
      'decode.dataParallelSize: must be a multiple of 8 GPUs per node on h200 (got 12; try 16)',
    );
  });

  it('refuses users without wide-ep.deployment.apply, and unknown clusters', async () => {
    const denied = await backend(AuthorizeResult.DENY);
    const res = await request(denied)
      .post('/api/wide-ep/preflight')
      .set('Authorization', mockCredentials.user.header())
      .send({ cluster: 'it', spec: SPEC });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain(
      'permission wide-ep.deployment.apply',
    );

    const server = await backend(AuthorizeResult.ALLOW);
    const unknown = await request(server)
      .post('/api/wide-ep/preflight')
      .set('Authorization', mockCredentials.user.header())
      .send({ cluster: 'nope', spec: SPEC });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe(
      'unknown cluster "nope"; configured: it',
    );
    const noCluster = await request(server)
      .post('/api/wide-ep/preflight')
      .set('Authorization', mockCredentials.user.header())
      .send({ spec: SPEC });
    expect(noCluster.status).toBe(400);
    expect(noCluster.body.error.message).toBe(
      'cluster: is required (a configured cluster name)',
    );
  });
});
