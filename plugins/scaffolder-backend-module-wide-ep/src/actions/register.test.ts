import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'yaml';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { LWS_H200_SEED } from '@internal/plugin-wide-ep-common';
import { createWideEpRegisterAction } from './register';
import { registerExamples } from './register.examples';
import { fakePermissions } from '../__testUtils__/permissions';

describe('wide-ep:register', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wide-ep-register-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const input = { ...LWS_H200_SEED, cluster: 'demo' } as any;
  const allow = fakePermissions('ALLOW');

  it('writes the rendered entity, with the cluster annotation, for the catalog module to provide', async () => {
    const ctx = createMockActionContext({ input });
    await createWideEpRegisterAction({
      entitiesDirectory: dir,
      permissions: allow,
    }).handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/wide-ep',
    );
    const [file] = fs.readdirSync(dir);
    const entity = yaml.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    expect(entity.metadata.annotations).toMatchObject({
      'backstage.io/kubernetes-cluster': 'demo',
      'backstage.io/kubernetes-namespace': 'llm-d-wide-ep',
      'wide-ep.backstage.io/deployment': 'wide-ep',
    });
  });

  it('asks catalog.entity.create for the initiator and writes nothing when denied', async () => {
    const permissions = fakePermissions('DENY');
    const ctx = createMockActionContext({ input });
    await expect(
      createWideEpRegisterAction({
        entitiesDirectory: dir,
        permissions,
      }).handler(ctx),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(
        /is not allowed to register component:default\/wide-ep \(permission catalog.entity.create\)$/,
      ),
    });
    expect(permissions.authorize).toHaveBeenCalledWith(
      [
        {
          permission: expect.objectContaining({
            name: 'catalog.entity.create',
          }),
        },
      ],
      { credentials: expect.anything() },
    );
    expect(fs.readdirSync(dir)).toEqual([]);

    await createWideEpRegisterAction({
      entitiesDirectory: dir,
      permissions: fakePermissions('ALLOW'),
    }).handler(createMockActionContext({ input }));
    expect(fs.readdirSync(dir)).toHaveLength(1);
  });

  it('writes nothing in a dry run', async () => {
    const ctx = { ...createMockActionContext({ input }), isDryRun: true };
    await createWideEpRegisterAction({
      entitiesDirectory: dir,
      permissions: allow,
    }).handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/wide-ep',
    );
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('explains the missing configuration instead of losing the entity silently', async () => {
    const ctx = createMockActionContext({ input });
    await expect(
      createWideEpRegisterAction({ permissions: allow }).handler(ctx),
    ).rejects.toThrow(/wideEp.catalog.entitiesDirectory is not configured/);
  });

  it('rejects an invalid spec with field-named lines', async () => {
    const ctx = createMockActionContext({
      input: { ...input, decode: { replicas: 1, dataParallelSize: 12 } },
    });
    await expect(
      createWideEpRegisterAction({
        entitiesDirectory: dir,
        permissions: allow,
      }).handler(ctx),
    ).rejects.toThrow(
      'decode.dataParallelSize: must be a multiple of 8 GPUs per node on h200 (got 12; try 16)',
    );
  });

  it.each(registerExamples.map(e => [e.description, e.example]))(
    'runs example: %s',
    async (_, example) => {
      const step = yaml.parse(example).steps[0];
      const ctx = createMockActionContext({ input: step.input });
      await createWideEpRegisterAction({
        entitiesDirectory: dir,
        permissions: allow,
      }).handler(ctx);
      expect(fs.readdirSync(dir)).toHaveLength(1);
    },
  );
});
