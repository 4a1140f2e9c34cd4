import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  createWideEpClusterConditionalDecision,
  wideEpClusterConditions,
  wideEpDeploymentApplyPermission,
} from '@internal/plugin-wide-ep-common';
import request from 'supertest';
import { wideEpPlugin } from './plugin';

jest.setTimeout(30_000);

describe('the wide-ep-cluster resource type, as the plugin wires it, with the conditions of -common', () => {
  const decision = createWideEpClusterConditionalDecision(
    wideEpDeploymentApplyPermission,
    { not: wideEpClusterConditions.isClusterNamed({ patterns: ['prod-*'] }) },
  );

  it('applies the conditions per cluster name at the apply-conditions endpoint the permission backend calls', async () => {
    const { server } = await startTestBackend({
      features: [
        wideEpPlugin,
        mockServices.rootConfig.factory({ data: {} }),
        catalogServiceMock.factory({ entities: [] }),
      ],
    });
    const item = (id: string, resourceRef: string) => ({
      id,
      resourceRef,
      resourceType: decision.resourceType,
      conditions: decision.conditions,
    });
    const res = await request(server)
      .post('/api/wide-ep/.well-known/backstage/permissions/apply-conditions')
      .set('Authorization', mockCredentials.service.header())
      .send({
        items: [item('1', 'prod-gb200'), item('2', 'local-demo')],
      });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        { id: '1', result: AuthorizeResult.DENY },
        { id: '2', result: AuthorizeResult.ALLOW },
      ],
    });

    // The rule is listed for policy authors (and the permission backend's
    // metadata endpoint) with its parameter schema.
    const metadata = await request(server)
      .get('/api/wide-ep/.well-known/backstage/permissions/metadata')
      .set('Authorization', mockCredentials.service.header());
    expect(metadata.body.rules).toEqual([
      expect.objectContaining({
        name: 'IS_CLUSTER_NAMED',
        resourceType: 'wide-ep-cluster',
        paramsSchema: expect.objectContaining({
          properties: { patterns: expect.objectContaining({ type: 'array' }) },
        }),
      }),
    ]);
    expect(metadata.body.permissions.map((p: any) => p.name).sort()).toEqual([
      'wide-ep.deployment.apply',
      'wide-ep.deployment.delete',
      'wide-ep.health.read',
    ]);
  });
});
