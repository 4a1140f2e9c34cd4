import { getComponentData } from '@backstage/core-plugin-api';
import {
  wideEpPlugin,
  EntityWideEpRankCard,
  WideEpTopologyPreviewFieldExtension,
  isWideEpAvailable,
  wideEpApiRef,
} from './index';

describe('legacy exports', () => {
  it('registers the API factory on the legacy plugin', () => {
    expect(wideEpPlugin.getId()).toBe('wide-ep');
    expect([...wideEpPlugin.getApis()].map(f => f.api.id)).toEqual([
      wideEpApiRef.id,
    ]);
  });

  it('exports the card and the scaffolder field extension', () => {
    expect(EntityWideEpRankCard).toBeInstanceOf(Function);
    expect(
      getComponentData<{ name: string }>(
        <WideEpTopologyPreviewFieldExtension />,
        'scaffolder.extensions.field.v1',
      )?.name,
    ).toBe('WideEpTopologyPreview');
  });

  it('detects the deployment annotation', () => {
    const entity = {
      apiVersion: 'v1',
      kind: 'Component',
      metadata: { name: 'x' },
    };
    expect(isWideEpAvailable(entity)).toBe(false);
    expect(
      isWideEpAvailable({
        ...entity,
        metadata: {
          name: 'x',
          annotations: { 'wide-ep.backstage.io/deployment': 'x' },
        },
      }),
    ).toBe(true);
  });
});
