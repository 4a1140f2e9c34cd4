import { screen, waitFor } from '@testing-library/react';
import {
  createExtensionTester,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { createTestEntityPage } from '@backstage/plugin-catalog-react/testUtils';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import type { Entity } from '@backstage/catalog-model';
import { ENTITY_ANNOTATIONS } from '@internal/plugin-wide-ep-common';
import wideEpPlugin, {
  wideEpClusterPickerFormField,
  wideEpRankHealthCard,
  wideEpTopologyPreviewFormField,
} from './alpha';
import { wideEpApiRef, type WideEpApi } from './api';
import { makeRankHealthResponse } from './__testUtils__/rankHealthFixtures';

const annotated: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'wide-ep',
    annotations: { [ENTITY_ANNOTATIONS.deployment]: 'wide-ep' },
  },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/platform',
  },
};
const plain: Entity = { ...annotated, metadata: { name: 'web' } };

/** An API whose deployment has one decode pod of 8 healthy ranks. */
function oneDecodePodApi(): WideEpApi {
  return {
    listClusters: jest.fn(),
    preflight: jest.fn(),
    getDiff: jest.fn(),
    getRankHistory: jest.fn(),
    getRankHealth: jest.fn(async () =>
      makeRankHealthResponse({
        decode: { groups: 1, podsPerGroup: 1, ranksPerPod: 8 },
      }),
    ),
  };
}

describe('wide-ep frontend plugin', () => {
  it('has the plugin id wide-ep and the documented extension ids', () => {
    expect(wideEpPlugin.id).toBe('wide-ep');
    expect(wideEpPlugin.getExtension('api:wide-ep')).toBeDefined();
    expect(
      wideEpPlugin.getExtension('entity-card:wide-ep/rank-health'),
    ).toBeDefined();
    expect(
      wideEpPlugin.getExtension(
        'scaffolder-form-field:wide-ep/topology-preview',
      ),
    ).toBeDefined();
    expect(
      wideEpPlugin.getExtension('entity-content:wide-ep/deployment'),
    ).toBeDefined();
    expect(
      wideEpPlugin.getExtension('scaffolder-form-field:wide-ep/update-preview'),
    ).toBeDefined();
    expect(
      wideEpPlugin.getExtension('scaffolder-form-field:wide-ep/cluster-picker'),
    ).toBeDefined();
  });

  it('attaches the card to the catalog overview', () => {
    const tester = createExtensionTester(wideEpRankHealthCard);
    expect(tester.query(wideEpRankHealthCard).node.spec.attachTo).toEqual({
      id: 'entity-content:catalog/overview',
      input: 'cards',
    });
  });

  it('offers the rank card only for entities with the deployment annotation', () => {
    const tester = createExtensionTester(wideEpRankHealthCard);
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction);

    expect(filter).toBeDefined();
    expect(filter!(annotated)).toBe(true);
    expect(filter!(plain)).toBe(false);
    expect(tester.get(EntityCardBlueprint.dataRefs.type)).toBe('content');
  });

  it('lets operators replace the filter through config', () => {
    const tester = createExtensionTester(wideEpRankHealthCard, {
      config: { filter: { kind: 'resource' } },
    });
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction);

    expect(filter!(annotated)).toBe(false);
    expect(filter!({ ...plain, kind: 'Resource' })).toBe(true);
  });

  it('renders the card on an entity page with data from the API', async () => {
    const api = oneDecodePodApi();
    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: annotated }),
        wideEpRankHealthCard,
      ],
      apis: [[wideEpApiRef, api]],
    });

    expect(await screen.findByText('Rank health')).toBeInTheDocument();
    expect(
      await screen.findAllByRole('button', {
        name: /^decode rank \d, healthy$/,
      }),
    ).toHaveLength(8);
  });

  it('takes its title and refresh interval from the extension config', async () => {
    const api = oneDecodePodApi();
    renderTestApp({
      extensions: [createTestEntityPage({ entity: annotated })],
      features: [wideEpPlugin],
      apis: [[wideEpApiRef, api]],
      config: {
        app: {
          extensions: [
            {
              'entity-card:wide-ep/rank-health': {
                config: { refreshIntervalMs: 1000, title: 'DP ranks' },
              },
            },
          ],
        },
      },
    });

    expect(await screen.findByText('DP ranks')).toBeInTheDocument();
    // A second request one interval after the first: the default is 10 s.
    await waitFor(() => expect(api.getRankHealth).toHaveBeenCalledTimes(2), {
      timeout: 3000,
    });
  });

  it('rejects a refresh interval that would hammer the backend, naming the field', () => {
    expect(() =>
      createExtensionTester(wideEpRankHealthCard, {
        config: { refreshIntervalMs: 200 },
      }).get(EntityCardBlueprint.dataRefs.type),
    ).toThrow(
      "Invalid configuration for extension 'entity-card:rank-health'; caused by Error: must be 0 (no polling) or at least 1000 ms at 'refreshIntervalMs'",
    );
  });

  it('provides the WideEpTopologyPreview form field to the scaffolder', async () => {
    const tester = createExtensionTester(wideEpTopologyPreviewFormField);
    const loader = tester.get(FormFieldBlueprint.dataRefs.formFieldLoader);

    expect(
      tester.query(wideEpTopologyPreviewFormField).node.spec.attachTo,
    ).toEqual({
      id: 'api:scaffolder/form-fields',
      input: 'formFields',
    });
    await expect(loader()).resolves.toMatchObject({
      $$type: '@backstage/scaffolder/FormField',
      name: 'WideEpTopologyPreview',
    });
  });

  it('provides the WideEpClusterPicker form field to the scaffolder', async () => {
    const tester = createExtensionTester(wideEpClusterPickerFormField);
    const loader = tester.get(FormFieldBlueprint.dataRefs.formFieldLoader);
    await expect(loader()).resolves.toMatchObject({
      $$type: '@backstage/scaffolder/FormField',
      name: 'WideEpClusterPicker',
    });
  });
});
