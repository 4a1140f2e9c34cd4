import yaml from 'yaml';
import { mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { LWS_H200_SEED, specFromEntity } from '@internal/plugin-wide-ep-common';
import { createWideEpRegisterAction } from './register';
import { registerExamples } from './register.examples';
import { fakePermissions } from '../__testUtils__/permissions';
import { memoryRegisteredEntities } from '../__testUtils__/registeredEntities';

describe('wide-ep:register', () => {
  const input = { ...LWS_H200_SEED, cluster: 'demo' } as any;
  const allow = fakePermissions('ALLOW');

  it('registers the rendered entity, with the cluster annotation, for the catalog module to provide', async () => {
    const entities = memoryRegisteredEntities();
    const ctx = createMockActionContext({ input });
    await createWideEpRegisterAction({ entities, permissions: allow }).handler(
      ctx,
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/wide-ep',
    );
    const [record] = await entities.list();
    expect(record.entityRef).toBe('component:default/wide-ep');
    expect(record.entity.metadata.annotations).toMatchObject({
      'backstage.io/kubernetes-cluster': 'demo',
      'backstage.io/kubernetes-namespace': 'llm-d-wide-ep',
      'wide-ep.backstage.io/deployment': 'wide-ep',
    });
  });

  it('registering again (a recovered task, a second run) replaces the entity and says so', async () => {
    const entities = memoryRegisteredEntities();
    const action = createWideEpRegisterAction({ entities, permissions: allow });
    await action.handler(createMockActionContext({ input }));
    const logger = mockServices.logger.mock();
    const again = createMockActionContext({
      input: { ...input, decode: { replicas: 2, dataParallelSize: 16 } },
      logger,
    });
    await action.handler(again);
    const [record] = await entities.list();
    expect(await entities.list()).toHaveLength(1);
    const stored = specFromEntity(record.entity as any);
    expect(stored.success && stored.spec.decode.replicas).toBe(2);
    expect(logger.info).toHaveBeenCalledWith(
      'component:default/wide-ep was registered already; it now carries this spec (the catalog shows it within a few seconds)',
    );
  });

  it('asks catalog.entity.create for the initiator and registers nothing when denied', async () => {
    const entities = memoryRegisteredEntities();
    const permissions = fakePermissions('DENY');
    const ctx = createMockActionContext({ input });
    await expect(
      createWideEpRegisterAction({ entities, permissions }).handler(ctx),
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
    expect(await entities.list()).toEqual([]);

    await createWideEpRegisterAction({
      entities,
      permissions: fakePermissions('ALLOW'),
    }).handler(createMockActionContext({ input }));
    expect(await entities.list()).toHaveLength(1);
  });

  it('registers nothing in a dry run', async () => {
    const entities = memoryRegisteredEntities();
    const ctx = { ...createMockActionContext({ input }), isDryRun: true };
    await createWideEpRegisterAction({ entities, permissions: allow }).handler(
      ctx,
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/wide-ep',
    );
    expect(await entities.list()).toEqual([]);
  });

  it('fails the step with the store error instead of losing the entity silently', async () => {
    const entities = {
      upsert: async () => {
        throw new Error(
          'could not register component:default/wide-ep with the wide-EP backend plugin',
        );
      },
    };
    await expect(
      createWideEpRegisterAction({ entities, permissions: allow }).handler(
        createMockActionContext({ input }),
      ),
    ).rejects.toThrow(/could not register component:default\/wide-ep/);
  });

  it('rejects an invalid spec with field-named lines', async () => {
    const entities = memoryRegisteredEntities();
    const ctx = createMockActionContext({
      input: { ...input, decode: { replicas: 1, dataParallelSize: 12 } },
    });
    await expect(
      createWideEpRegisterAction({ entities, permissions: allow }).handler(ctx),
    ).rejects.toThrow(
      'decode.dataParallelSize: must be a multiple of 8 GPUs per node on h200 (got 12; try 16)',
    );
  });

  it.each(registerExamples.map(e => [e.description, e.example]))(
    'runs example: %s',
    async (_, example) => {
      const entities = memoryRegisteredEntities();
      const step = yaml.parse(example).steps[0];
      const ctx = createMockActionContext({ input: step.input });
      await createWideEpRegisterAction({
        entities,
        permissions: allow,
      }).handler(ctx);
      expect(await entities.list()).toHaveLength(1);
    },
  );
});
