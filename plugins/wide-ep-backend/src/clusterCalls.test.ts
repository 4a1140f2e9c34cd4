/*
 * The plugin's HTTP routes against a cluster whose API server accepts
 * connections and never answers: they answer 503 naming the cluster and
 * the call within the bound, instead of hanging.
 */
import net from 'node:net';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ENTITY_ANNOTATIONS,
  LWS_H200_SEED,
} from '@internal/plugin-wide-ep-common';
import { loadClientNode } from '@internal/plugin-wide-ep-node';
import request from 'supertest';
import { wideEpPlugin } from './plugin';

const sockets = new Set<net.Socket>();
// Accepts connections and never answers, like a SIGSTOPped API server.
const frozen = net.createServer(socket => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
});
let port: number;

beforeAll(async () => {
  // Loaded once up front, so the timings below are the calls' own.
  await loadClientNode();
  port = await new Promise<number>(resolve =>
    frozen.listen(0, '127.0.0.1', () =>
      resolve((frozen.address() as net.AddressInfo).port),
    ),
  );
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise(resolve => frozen.close(resolve));
});

const SPEC = { ...LWS_H200_SEED, cluster: 'frozen' };

async function backend() {
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
                  {
                    name: 'frozen',
                    url: `http://127.0.0.1:${port}`,
                    authProvider: 'serviceAccount',
                    serviceAccountToken: 'secret-token-value',
                    skipTLSVerify: true,
                  },
                ],
              },
            ],
          },
          wideEp: {
            clusterCalls: { attemptTimeout: '300ms', giveUpAfter: '2s' },
          },
        },
      }),
      catalogServiceMock.factory({
        entities: [
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: {
              name: 'wide-ep',
              namespace: 'default',
              annotations: {
                [ENTITY_ANNOTATIONS.spec]: JSON.stringify(SPEC),
              },
            },
            spec: { type: 'service', lifecycle: 'production', owner: 'x' },
          } as Entity,
        ],
      }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
    ],
  });
  return server;
}

describe('routes on a cluster that does not answer', () => {
  it('POST /preflight: 503 naming the cluster and the call within the bound', async () => {
    const server = await backend();
    const start = Date.now();
    const res = await request(server)
      .post('/api/wide-ep/preflight')
      .send({ cluster: 'frozen', spec: SPEC });
    const took = Date.now() - start;
    expect(res.status).toBe(503);
    expect(res.body.error.name).toBe('ServiceUnavailableError');
    expect(res.body.error.message).toMatch(
      /^gave up on (read|list) \S+ .*on cluster "frozen" after \d+ s and \d+ attempts: no answer within 0\.3 s/,
    );
    expect(took).toBeLessThan(3_500);
  });

  it('GET /diff: 503 naming the cluster and the call within the bound', async () => {
    const server = await backend();
    const start = Date.now();
    const res = await request(server).get(
      '/api/wide-ep/diff?entityRef=component:default/wide-ep',
    );
    const took = Date.now() - start;
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(
      /^gave up on list \S+ \S+ on cluster "frozen" after \d+ s and \d+ attempts: no answer within 0\.3 s$/,
    );
    expect(took).toBeLessThan(3_500);
  });
});
