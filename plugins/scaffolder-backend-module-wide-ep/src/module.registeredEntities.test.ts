/*
 * wide-ep:register as the backend wires it, run for real (not a dry run):
 * the real scaffolder runs the task, the module's client gets a service
 * token and calls the real wide-EP backend plugin, which keeps the entity in
 * its database (SQLite here; PostgreSQL in the two-replica suite).
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import wideEpPlugin from '@internal/plugin-wide-ep-backend';
import { LWS_H200_SEED } from '@internal/plugin-wide-ep-common';
import scaffolderModuleWideEp from './index';

jest.setTimeout(60_000);

const TEMPLATE = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'register-only', namespace: 'default' },
  spec: {
    type: 'service',
    parameters: [],
    steps: [
      {
        id: 'register',
        name: 'Register',
        action: 'wide-ep:register',
        input: { ...LWS_H200_SEED, cluster: 'wide-ep-local' },
      },
    ],
  },
};

async function backend(options: { withWideEpPlugin: boolean }) {
  const { server } = await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderModuleWideEp,
      ...(options.withWideEpPlugin ? [wideEpPlugin] : []),
      catalogServiceMock.factory({ entities: [TEMPLATE as any] }),
      mockServices.rootConfig.factory({ data: {} }),
    ],
  });
  return server;
}

type Server = Awaited<ReturnType<typeof backend>>;

/** Starts the template as a user; resolves with the finished task's status and log. */
async function runTask(server: Server) {
  const created = await request(server)
    .post('/api/scaffolder/v2/tasks')
    .set('Authorization', mockCredentials.user.header())
    .send({ templateRef: 'template:default/register-only', values: {} });
  expect(created.status).toBe(201);
  const { id } = created.body;
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    const task = await request(server)
      .get(`/api/scaffolder/v2/tasks/${id}`)
      .set('Authorization', mockCredentials.user.header());
    if (['completed', 'failed'].includes(task.body.status)) {
      const events = await request(server)
        .get(`/api/scaffolder/v2/tasks/${id}/events`)
        .set('Authorization', mockCredentials.user.header());
      return {
        status: task.body.status as string,
        log: events.body
          .map((e: any) => e.body?.message ?? '')
          .join('\n') as string,
      };
    }
    await new Promise(r => setTimeout(r, 200));
  }
  throw new Error(`task ${id} did not finish within 30 s`);
}

async function registered(server: Server): Promise<string[]> {
  const res = await request(server)
    .get('/api/wide-ep/registered-entities')
    .set(
      'Authorization',
      mockCredentials.service.header({
        onBehalfOf: mockCredentials.service('plugin:catalog'),
        targetPluginId: 'wide-ep',
      }),
    );
  expect(res.status).toBe(200);
  return res.body.items.map((i: { entityRef: string }) => i.entityRef);
}

describe('wide-ep:register through the scaffolder and the wide-EP backend plugin', () => {
  it('registers the entity in the plugin database, once however often the task runs', async () => {
    const server = await backend({ withWideEpPlugin: true });
    const first = await runTask(server);
    expect(first.status).toBe('completed');
    expect(first.log).toContain(
      'Registered component:default/wide-ep; the catalog shows it within a few seconds',
    );
    const second = await runTask(server);
    expect(second.status).toBe('completed');
    expect(second.log).toContain(
      'component:default/wide-ep was registered already',
    );
    expect(await registered(server)).toEqual(['component:default/wide-ep']);
  });

  it('fails the task, saying which plugin is missing, when the backend has no wide-EP plugin', async () => {
    const server = await backend({ withWideEpPlugin: false });
    const task = await runTask(server);
    expect(task.status).toBe('failed');
    expect(task.log).toMatch(
      /could not register component:default\/wide-ep with the wide-EP backend plugin \(PUT http:\/\/.*\/api\/wide-ep\/registered-entities\/component\/default\/wide-ep\); is @internal\/plugin-wide-ep-backend installed in this backend\?/,
    );
  });
});
