/*
 * The registered-entity routes as the backend wires the plugin: the real
 * plugin in a test backend (SQLite database, mock tokens), called as the
 * scaffolder, the catalog, another plugin, an external caller and a user.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import {
  LWS_H200_SEED,
  parseSpec,
  renderDeployment,
  toYaml,
} from '@internal/plugin-wide-ep-common';
import { wideEpPlugin } from '../plugin';

jest.setTimeout(30_000);

const asPlugin = (pluginId: string) =>
  mockCredentials.service.header({
    onBehalfOf: mockCredentials.service(`plugin:${pluginId}`),
    targetPluginId: 'wide-ep',
  });
const SCAFFOLDER = asPlugin('scaffolder');
const CATALOG = asPlugin('catalog');

/** The entity wide-ep:register renders for the seed spec. */
function seedEntity(name = 'wide-ep') {
  const parsed = parseSpec({ ...LWS_H200_SEED, name, cluster: 'demo' });
  if (!parsed.success) throw new Error('seed spec invalid');
  return renderDeployment(parsed.spec).entity;
}

const ROUTE = '/api/wide-ep/registered-entities';

async function backend(wideEp: object = {}) {
  // No clusters configured: rank health answers 503, the entities do not care.
  const { server } = await startTestBackend({
    features: [
      wideEpPlugin,
      catalogServiceMock.factory(),
      mockServices.rootConfig.factory({ data: { wideEp } }),
    ],
  });
  return server;
}

describe('/api/wide-ep/registered-entities', () => {
  it('lets the scaffolder register (idempotently) and remove, and the catalog list', async () => {
    const server = await backend();
    const entity = seedEntity();
    const put = () =>
      request(server)
        .put(`${ROUTE}/component/default/wide-ep`)
        .set('Authorization', SCAFFOLDER)
        .send(entity);
    expect((await put()).body).toEqual({
      entityRef: 'component:default/wide-ep',
      created: true,
    });
    expect((await put()).body).toEqual({
      entityRef: 'component:default/wide-ep',
      created: false,
    });

    const list = await request(server).get(ROUTE).set('Authorization', CATALOG);
    expect(list.status).toBe(200);
    expect(list.headers['cache-control']).toBe('no-store');
    expect(list.body.items).toEqual([
      {
        entityRef: 'component:default/wide-ep',
        entity,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      },
    ]);
    const one = await request(server)
      .get(`${ROUTE}/component/default/wide-ep`)
      .set('Authorization', SCAFFOLDER);
    expect(one.body.entity).toEqual(entity);

    const del = () =>
      request(server)
        .delete(`${ROUTE}/component/default/wide-ep`)
        .set('Authorization', SCAFFOLDER);
    expect((await del()).body).toEqual({ removed: true });
    expect((await del()).body).toEqual({ removed: false });
    const gone = await request(server)
      .get(`${ROUTE}/component/default/wide-ep`)
      .set('Authorization', CATALOG);
    expect(gone.status).toBe(404);
    expect(gone.body.error).toMatchObject({
      name: 'NotFoundError',
      message: 'component:default/wide-ep is not registered',
    });
  });

  it('refuses users, anonymous callers, external callers and plugins other than the scaffolder for writes', async () => {
    const server = await backend();
    const entity = seedEntity();
    const put = (auth?: string) => {
      const r = request(server).put(`${ROUTE}/component/default/wide-ep`);
      return (auth ? r.set('Authorization', auth) : r).send(entity);
    };
    const user = await put(mockCredentials.user.header());
    expect(user.status).toBe(403);
    expect([401, 403]).toContain((await put()).status);
    const external = await put(mockCredentials.service.header());
    expect(external.status).toBe(403);
    expect(external.body.error.message).toBe(
      'only plugin:scaffolder may change registered wide-EP entities (caller: external:test-service)',
    );
    const catalog = await put(CATALOG);
    expect(catalog.status).toBe(403);
    const otherReader = await request(server)
      .get(ROUTE)
      .set('Authorization', asPlugin('techdocs'));
    expect(otherReader.status).toBe(403);
    expect(otherReader.body.error.message).toBe(
      'only plugin:catalog and plugin:scaffolder may read registered wide-EP entities (caller: plugin:techdocs)',
    );
    const userList = await request(server)
      .get(ROUTE)
      .set('Authorization', mockCredentials.user.header());
    expect(userList.status).toBe(403);
    const list = await request(server).get(ROUTE).set('Authorization', CATALOG);
    expect(list.body.items).toEqual([]);
  });

  it('answers 400 naming the field for a body that is not an entity, or another entity than the path', async () => {
    const server = await backend();
    const bad = await request(server)
      .put(`${ROUTE}/component/default/wide-ep`)
      .set('Authorization', SCAFFOLDER)
      .send({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {},
      });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(
      /^the body must be a catalog entity: body\.metadata\.name: /,
    );
    const other = await request(server)
      .put(`${ROUTE}/component/default/other`)
      .set('Authorization', SCAFFOLDER)
      .send(seedEntity());
    expect(other.status).toBe(400);
    expect(other.body.error.message).toBe(
      'the body is entity component:default/wide-ep, but the path names component:default/other',
    );
  });

  it('imports the deprecated entity folder at startup', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wide-ep-legacy-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'component.default.legacy.yaml'),
        toYaml(seedEntity('legacy')),
      );
      const server = await backend({ catalog: { entitiesDirectory: dir } });
      const list = await request(server)
        .get(ROUTE)
        .set('Authorization', CATALOG);
      expect(list.body.items.map((i: any) => i.entityRef)).toEqual([
        'component:default/legacy',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
