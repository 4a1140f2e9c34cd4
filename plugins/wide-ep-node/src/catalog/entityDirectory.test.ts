import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { toYaml } from '@internal/plugin-wide-ep-common';
import {
  readDirectoryEntities,
  readEntitiesDirectory,
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

describe('the deprecated entity directory (read for the one-time import)', () => {
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

  it('reads the entity files and reports files that are not entities without hiding the others', async () => {
    fs.writeFileSync(
      path.join(dir, 'component.default.wide-ep.yaml'),
      toYaml(entity),
    );
    fs.writeFileSync(path.join(dir, 'broken.yaml'), 'kind: [unclosed');
    fs.writeFileSync(path.join(dir, 'empty.yaml'), 'just: a map');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not yaml, not read');
    const { entities, errors } = await readDirectoryEntities(dir);
    expect(entities).toEqual([
      { file: path.join(dir, 'component.default.wide-ep.yaml'), entity },
    ]);
    expect(errors.map(e => path.basename(e.file)).sort()).toEqual([
      'broken.yaml',
      'empty.yaml',
    ]);
    expect(errors.find(e => e.file.endsWith('empty.yaml'))!.message).toBe(
      'not an entity (apiVersion, kind and metadata.name are required)',
    );
  });

  it('treats a missing folder as empty', async () => {
    expect(await readDirectoryEntities(path.join(dir, 'nope'))).toEqual({
      entities: [],
      errors: [],
    });
  });
});
