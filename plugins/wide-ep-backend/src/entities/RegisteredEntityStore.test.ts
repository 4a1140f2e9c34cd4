/*
 * The store on real databases: SQLite (local development) and a real
 * PostgreSQL (what several replicas share), either the one named by
 * BACKSTAGE_TEST_DATABASE_POSTGRES<n>_CONNECTION_STRING or Debian's,
 * started here for this file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  TestDatabaseId,
  TestDatabases,
  mockServices,
} from '@backstage/backend-test-utils';
import { toYaml } from '@internal/plugin-wide-ep-common';
import { startPostgresSync } from '@internal/wide-ep-rank-simulator';
import type { Knex } from 'knex';
import { RegisteredEntityStore } from './RegisteredEntityStore';
import { importEntitiesDirectory } from './importEntitiesDirectory';

jest.setTimeout(60_000);

/** The PostgreSQL TestDatabases should use, started now if none is configured. */
function postgres(): { id: TestDatabaseId; stop?: () => Promise<void> } {
  const configured = Object.keys(process.env)
    .map(k =>
      /^BACKSTAGE_TEST_DATABASE_POSTGRES(\d+)_CONNECTION_STRING$/.exec(k),
    )
    .find(m => m && process.env[m[0]]);
  if (configured) return { id: `POSTGRES_${configured[1]}` as TestDatabaseId };
  // TestDatabases reads the variable when created, before any hook could
  // await: start synchronously while the file loads.
  const pg = startPostgresSync();
  const id = `POSTGRES_${pg.version}` as TestDatabaseId;
  process.env[
    `BACKSTAGE_TEST_DATABASE_POSTGRES${pg.version}_CONNECTION_STRING`
  ] = pg.connectionString;
  return { id, stop: () => pg.stop() };
}

const pg = postgres();
const databases = TestDatabases.create({ ids: ['SQLITE_3', pg.id] });
// After TestDatabases' own afterAll, which drops its databases.
afterAll(async () => pg.stop?.(), 60_000);

const entity = (name: string, lifecycle = 'production') => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    annotations: { 'wide-ep.backstage.io/deployment': name },
  },
  spec: { type: 'service', owner: 'group:default/guests', lifecycle },
});

async function storeOn(knex: Knex) {
  return RegisteredEntityStore.create({
    database: { getClient: async () => knex },
  });
}

describe.each(databases.eachSupportedId())(
  'RegisteredEntityStore on %s',
  id => {
    it('registers once per entity ref: a second upsert replaces, never adds', async () => {
      const knex = await databases.init(id);
      const store = await storeOn(knex);
      expect(await store.upsert(entity('wide-ep'))).toEqual({
        entityRef: 'component:default/wide-ep',
        created: true,
      });
      // A recovered task registering again, with a ref in other letter case.
      const again = entity('Wide-EP', 'experimental');
      expect(await store.upsert(again)).toEqual({
        entityRef: 'component:default/wide-ep',
        created: false,
      });
      const all = await store.list();
      expect(all).toHaveLength(1);
      expect(all[0]).toMatchObject({
        entityRef: 'component:default/wide-ep',
        entity: again,
      });
      expect(Date.parse(all[0].createdAt)).not.toBeNaN();
      expect(Date.parse(all[0].updatedAt)).toBeGreaterThanOrEqual(
        Date.parse(all[0].createdAt),
      );
      expect(Math.abs(Date.parse(all[0].createdAt) - Date.now())).toBeLessThan(
        60_000,
      );
      expect(
        Number(
          (await knex('wide_ep_registered_entities').count({ n: '*' }))[0].n,
        ),
      ).toBe(1);
    });

    it('gets, lists in ref order and removes; removing twice says it was gone', async () => {
      const store = await storeOn(await databases.init(id));
      await store.upsert(entity('b'));
      await store.upsert(entity('a'));
      expect((await store.list()).map(r => r.entityRef)).toEqual([
        'component:default/a',
        'component:default/b',
      ]);
      expect((await store.get('Component:default/A'))?.entity).toEqual(
        entity('a'),
      );
      expect(await store.get('component:default/none')).toBeUndefined();
      expect(await store.remove('component:default/a')).toBe(true);
      expect(await store.remove('component:default/a')).toBe(false);
      expect((await store.list()).map(r => r.entityRef)).toEqual([
        'component:default/b',
      ]);
    });

    it('keeps one row when the same entity is registered concurrently', async () => {
      const knex = await databases.init(id);
      const store = await storeOn(knex);
      const results = await Promise.all(
        Array.from({ length: 8 }, () => store.upsert(entity('race'))),
      );
      expect(results.every(r => r.entityRef === 'component:default/race')).toBe(
        true,
      );
      expect(results.filter(r => r.created).length).toBeGreaterThanOrEqual(1);
      expect(await store.list()).toHaveLength(1);
    });

    it('migrates an existing database again without losing what it holds', async () => {
      const knex = await databases.init(id);
      await (await storeOn(knex)).upsert(entity('kept'));
      const reopened = await storeOn(knex);
      expect((await reopened.list()).map(r => r.entityRef)).toEqual([
        'component:default/kept',
      ]);
    });

    it('imports the deprecated folder once: a torn-down entity stays gone, an edited file comes in again', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wide-ep-import-'));
      try {
        const store = await storeOn(await databases.init(id));
        const logger = mockServices.logger.mock();
        const file = path.join(dir, 'component.default.legacy.yaml');
        fs.writeFileSync(file, toYaml(entity('legacy')));
        fs.writeFileSync(path.join(dir, 'junk.yaml'), '- not an entity');

        const first = await importEntitiesDirectory({
          directory: dir,
          store,
          logger,
        });
        expect(first).toEqual({
          imported: ['component:default/legacy'],
          alreadyImported: 0,
          unreadable: [
            { file: path.join(dir, 'junk.yaml'), message: expect.any(String) },
          ],
        });
        expect(logger.warn).toHaveBeenCalledWith(
          expect.stringMatching(
            /^wideEp\.catalog\.entitiesDirectory is deprecated/,
          ),
        );
        expect(logger.error).toHaveBeenCalledWith(
          expect.stringContaining(
            `not imported: ${path.join(dir, 'junk.yaml')}`,
          ),
        );

        // Torn down after the import: the next start must not bring it back.
        await store.remove('component:default/legacy');
        const second = await importEntitiesDirectory({
          directory: dir,
          store,
          logger,
        });
        expect(second.imported).toEqual([]);
        expect(second.alreadyImported).toBe(1);
        expect(await store.list()).toEqual([]);

        fs.writeFileSync(file, toYaml(entity('legacy', 'experimental')));
        const third = await importEntitiesDirectory({
          directory: dir,
          store,
          logger,
        });
        expect(third.imported).toEqual(['component:default/legacy']);
        expect((await store.get('component:default/legacy'))?.entity).toEqual(
          entity('legacy', 'experimental'),
        );
        // The files are left as they were.
        expect(fs.readdirSync(dir).sort()).toEqual([
          'component.default.legacy.yaml',
          'junk.yaml',
        ]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);

it('runs on PostgreSQL here, not only SQLite', () => {
  expect(databases.eachSupportedId().flat()).toEqual([
    'SQLITE_3',
    expect.stringMatching(/^POSTGRES_\d+$/),
  ]);
});
