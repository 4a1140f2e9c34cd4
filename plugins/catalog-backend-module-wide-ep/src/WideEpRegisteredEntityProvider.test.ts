import { mockServices } from '@backstage/backend-test-utils';
import type { RegisteredEntityRecord } from '@internal/plugin-wide-ep-node';
import { WideEpRegisteredEntityProvider } from './WideEpRegisteredEntityProvider';

const record = (name: string): RegisteredEntityRecord => ({
  entityRef: `component:default/${name}`,
  entity: {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: { 'backstage.io/kubernetes-id': name },
    },
  },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

function setUp(list: () => Promise<RegisteredEntityRecord[]>) {
  const runs: Array<() => Promise<void>> = [];
  const logger = mockServices.logger.mock();
  const provider = new WideEpRegisteredEntityProvider({
    entities: { list },
    logger,
    schedule: {
      run: async ({ fn }) => void runs.push(fn as () => Promise<void>),
    },
  });
  return { provider, runs, logger };
}

describe('WideEpRegisteredEntityProvider', () => {
  it('provides every registered entity, with location annotations, as a full mutation', async () => {
    let records = [record('wide-ep'), record('other')];
    const { provider, runs, logger } = setUp(async () => records);
    const applyMutation = jest.fn();
    await provider.connect({ applyMutation, refresh: jest.fn() });
    expect(provider.getProviderName()).toBe('wide-ep-registered-entities');
    expect(runs).toHaveLength(1);
    await runs[0]();
    expect(applyMutation).toHaveBeenCalledWith({
      type: 'full',
      entities: [
        {
          locationKey: 'wide-ep-registered-entities',
          entity: expect.objectContaining({
            metadata: {
              name: 'wide-ep',
              annotations: {
                'backstage.io/kubernetes-id': 'wide-ep',
                'backstage.io/managed-by-location':
                  'wide-ep:registered-entities/component:default/wide-ep',
                'backstage.io/managed-by-origin-location':
                  'wide-ep:registered-entities',
              },
            },
          }),
        },
        expect.objectContaining({ locationKey: 'wide-ep-registered-entities' }),
      ],
    });
    expect(logger.info).toHaveBeenCalledWith(
      'providing 2 registered wide-EP entities (apply-only rollouts)',
    );

    // Torn down (removed from the store): gone from the catalog on the next run.
    records = [];
    await runs[0]();
    expect(applyMutation).toHaveBeenLastCalledWith({
      type: 'full',
      entities: [],
    });
  });

  it('leaves the catalog as it is when the store cannot be read', async () => {
    const { provider, runs } = setUp(async () => {
      throw new Error('could not list registered entities');
    });
    const applyMutation = jest.fn();
    await provider.connect({ applyMutation, refresh: jest.fn() });
    await expect(runs[0]()).rejects.toThrow(
      'could not list registered entities',
    );
    expect(applyMutation).not.toHaveBeenCalled();
  });
});
