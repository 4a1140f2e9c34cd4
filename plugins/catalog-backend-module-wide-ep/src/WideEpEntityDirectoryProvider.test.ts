import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { writeDirectoryEntity } from '@internal/plugin-wide-ep-node';
import { WideEpEntityDirectoryProvider } from './WideEpEntityDirectoryProvider';

describe('WideEpEntityDirectoryProvider', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wide-ep-provider-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('provides every entity in the folder, with location annotations, as a full mutation', async () => {
    await writeDirectoryEntity(dir, {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'wide-ep',
        annotations: { 'backstage.io/kubernetes-id': 'wide-ep' },
      },
    });
    fs.writeFileSync(path.join(dir, 'junk.yaml'), '- a list');
    const runs: Array<() => Promise<void>> = [];
    const logger = mockServices.logger.mock();
    const provider = new WideEpEntityDirectoryProvider({
      directory: dir,
      logger,
      schedule: {
        run: async ({ fn }) => void runs.push(fn as () => Promise<void>),
      },
    });
    const applyMutation = jest.fn();
    await provider.connect({ applyMutation, refresh: jest.fn() });
    expect(runs).toHaveLength(1);
    await runs[0]();
    expect(applyMutation).toHaveBeenCalledWith({
      type: 'full',
      entities: [
        {
          locationKey: `wide-ep-directory:${dir}`,
          entity: expect.objectContaining({
            metadata: {
              name: 'wide-ep',
              annotations: {
                'backstage.io/kubernetes-id': 'wide-ep',
                'backstage.io/managed-by-location': `file:${path.join(
                  dir,
                  'component.default.wide-ep.yaml',
                )}`,
                'backstage.io/managed-by-origin-location': `file:${dir}`,
              },
            },
          }),
        },
      ],
    });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/junk\.yaml: not an entity/),
    );

    // Deleting the file unregisters the entity on the next run.
    fs.rmSync(path.join(dir, 'component.default.wide-ep.yaml'));
    await runs[0]();
    expect(applyMutation).toHaveBeenLastCalledWith({
      type: 'full',
      entities: [],
    });
  });
});
