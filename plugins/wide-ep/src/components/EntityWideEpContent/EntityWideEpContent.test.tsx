import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import {
  LWS_H200_SEED,
  parseSpec,
  renderDeployment,
  type WideEpDiffResponse,
} from '@internal/plugin-wide-ep-common';
import { wideEpApiRef, type WideEpApi } from '../../api';
import { makeRankHealthResponse } from '../../__testUtils__/rankHealthFixtures';
import { EntityWideEpContent } from './EntityWideEpContent';

const H200 = { groups: 1, podsPerGroup: 2, ranksPerPod: 8 };

function deploymentEntity(): Entity {
  const parsed = parseSpec({ ...LWS_H200_SEED, cluster: 'gpu-east' });
  if (!parsed.success) throw new Error('seed invalid');
  return renderDeployment(parsed.spec).entity as Entity;
}

const DRIFT: WideEpDiffResponse = {
  entityRef: 'component:default/wide-ep',
  cluster: 'gpu-east',
  namespace: 'llm-d-wide-ep',
  deployment: 'wide-ep',
  inSync: false,
  unservedKinds: [],
  objects: [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'wide-ep-infpool-epp',
      state: 'differs',
      fields: [
        {
          path: 'spec.template.spec.containers[name=epp].image',
          desired: 'epp:v0.9.0',
          live: 'epp:hotfix',
          managers: ['kubectl-patch'],
        },
      ],
    },
  ],
};

function api() {
  return {
    getRankHealth: jest.fn(async () =>
      makeRankHealthResponse({ prefill: H200, decode: H200 }),
    ),
    getRankHistory: jest.fn(),
    listClusters: jest.fn(),
    preflight: jest.fn(),
    getDiff: jest.fn(async (_options: { entityRef: string }) => DRIFT),
  } satisfies WideEpApi;
}

describe('EntityWideEpContent', () => {
  it('shows the spec and links to the day-2 templates prefilled for the entity', async () => {
    await renderInTestApp(
      <EntityProvider entity={deploymentEntity()}>
        <EntityWideEpContent />
      </EntityProvider>,
      { apis: [[wideEpApiRef, api()]] },
    );
    const spec = await screen.findByRole('table', { name: 'Deployment spec' });
    expect(spec).toHaveTextContent('Decode1 x DP16');
    expect(spec).toHaveTextContent('GPUs32');
    expect(spec).toHaveTextContent('Version setllm-d v0.8.0');
    const update = screen.getByRole('link', { name: 'Scale or upgrade' });
    const url = new URL(update.getAttribute('href')!, 'http://x');
    expect(url.pathname).toBe('/create/templates/default/wide-ep-update');
    expect(JSON.parse(url.searchParams.get('formData')!)).toEqual({
      entityRef: 'component:default/wide-ep',
      prefill: { replicas: 1, dataParallelSize: 16 },
      decode: { replicas: 1, dataParallelSize: 16 },
    });
    const teardown = screen.getByRole('link', { name: 'Tear down' });
    expect(
      JSON.parse(
        new URL(teardown.getAttribute('href')!, 'http://x').searchParams.get(
          'formData',
        )!,
      ),
    ).toEqual({ entityRef: 'component:default/wide-ep' });
  });

  it('compares with the cluster on request and names the field manager', async () => {
    const wideEp = api();
    await renderInTestApp(
      <EntityProvider entity={deploymentEntity()}>
        <EntityWideEpContent />
      </EntityProvider>,
      { apis: [[wideEpApiRef, wideEp]] },
    );
    expect(wideEp.getDiff).not.toHaveBeenCalled();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Compare with the cluster' }),
    );
    const list = await screen.findByRole('list', { name: 'Differences' });
    expect(list).toHaveTextContent(
      'spec.template.spec.containers[name=epp].image: cluster "epp:hotfix", spec "epp:v0.9.0" (field manager kubectl-patch)',
    );
    expect(wideEp.getDiff).toHaveBeenCalledWith({
      entityRef: 'component:default/wide-ep',
    });
  });

  it('says what is missing for an entity without the spec annotation', async () => {
    const entity = deploymentEntity();
    delete entity.metadata.annotations!['wide-ep.backstage.io/spec'];
    await renderInTestApp(
      <EntityProvider entity={entity}>
        <EntityWideEpContent />
      </EntityProvider>,
      { apis: [[wideEpApiRef, api()]] },
    );
    expect(
      await screen.findByText(/Day 2 needs the spec annotation/),
    ).toHaveTextContent(
      'metadata.annotations["wide-ep.backstage.io/spec"]: missing',
    );
    expect(screen.queryByRole('link', { name: 'Scale or upgrade' })).toBeNull();
  });
});
