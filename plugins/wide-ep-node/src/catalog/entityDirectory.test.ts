import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import {
  readDirectoryEntities,
  readEntitiesDirectory,
  writeDirectoryEntity,
} from './entityDirectory';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'wide-ep',
    annotations: { 'backstage.io/kubernetes-id': 'wide-ep' },
  },
  spec: {
    type: 'service',
    owner: 'group:default/guests',
    lifecycle: 'production',
  },
};

describe('entity directory', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wide-ep-entities-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('resolves the configured folder, or nothing', () => {
    expect(readEntitiesDirectory(new ConfigReader({}))).toBeUndefined();
    expect(
      readEntitiesDirectory(
        new ConfigReader({ wideEp: { catalog: { entitiesDirectory: 'x/y' } } }),
      ),
    ).toBe(path.resolve('x/y'));
  });

  it('writes an entity and reads it back; writing again replaces it', async () => {
    const file = await writeDirectoryEntity(dir, entity);
    expect(path.basename(file)).toBe('component.default.wide-ep.yaml');
    await writeDirectoryEntity(dir, {
      ...entity,
      spec: { ...entity.spec, lifecycle: 'experimental' },
    });
    const { entities, errors } = await readDirectoryEntities(dir);
    expect(errors).toEqual([]);
    expect(entities.map(e => (e.entity as any).spec.lifecycle)).toEqual([
      'experimental',
    ]);
    expect(fs.readdirSync(dir)).toEqual(['component.default.wide-ep.yaml']);
  });

  it('reports files that are not entities without hiding the others', async () => {
    await writeDirectoryEntity(dir, entity);
    fs.writeFileSync(path.join(dir, 'broken.yaml'), 'kind: [unclosed');
    fs.writeFileSync(path.join(dir, 'empty.yaml'), 'just: a map');
    const { entities, errors } = await readDirectoryEntities(dir);
    expect(entities.map(e => e.entity.metadata.name)).toEqual(['wide-ep']);
    expect(errors.map(e => path.basename(e.file)).sort()).toEqual([
      'broken.yaml',
      'empty.yaml',
    ]);
  });

  it('says what to configure when no folder is set', async () => {
    await expect(writeDirectoryEntity(undefined, entity)).rejects.toThrow(
      /wideEp.catalog.entitiesDirectory is not configured.*use the pull-request rollout/,
    );
  });

  it('treats a missing folder as empty', async () => {
    expect(await readDirectoryEntities(path.join(dir, 'nope'))).toEqual({
      entities: [],
      errors: [],
    });
  });
});
