import type { ApiHolder } from '@backstage/frontend-plugin-api';
import {
  LWS_H200_SEED,
  GROVE_GB200_SEED,
} from '@internal/plugin-wide-ep-common';
import { validateTopologyPreview } from './topologyPreviewValidation';

async function errorsFor(formData: Record<string, unknown>): Promise<string[]> {
  const errors: string[] = [];
  await validateTopologyPreview(
    undefined,
    {
      addError: (message: string) => errors.push(message),
      __errors: [],
    } as any,
    {
      formData: formData as any,
      apiHolder: { get: () => undefined } as ApiHolder,
      schema: { type: 'string' },
    },
  );
  return errors;
}

describe('validateTopologyPreview', () => {
  it('accepts both seeds', async () => {
    expect(
      await errorsFor({
        ...LWS_H200_SEED,
        preview: 'x',
        repoUrl: 'github.com?repo=a',
      }),
    ).toEqual([]);
    expect(await errorsFor({ ...GROVE_GB200_SEED })).toEqual([]);
  });

  it('adds one error per problem, prefixed with the field path', async () => {
    expect(
      await errorsFor({
        ...LWS_H200_SEED,
        decode: { replicas: 1, dataParallelSize: 20 },
        eplb: true,
      }),
    ).toEqual([
      'decode.dataParallelSize: must be a multiple of 8 GPUs per node on h200 (got 20; try 24)',
      'decode.dataParallelSize: with eplb, 288 experts (256 routed + 32 redundant) must divide evenly across 20 ranks',
    ]);
  });

  it('rejects a GB200 group larger than one rack', async () => {
    expect(
      await errorsFor({
        ...GROVE_GB200_SEED,
        decode: { replicas: 1, dataParallelSize: 80 },
      }),
    ).toEqual([
      'decode.dataParallelSize: must be at most 72 on gb200: one data-parallel group must fit in one NVL72 rack (18 trays x 4 GPUs)',
    ]);
  });

  it('does not block an early page for fields asked later', async () => {
    expect(await errorsFor({ name: 'wide-ep', namespace: 'llm-d' })).toEqual(
      [],
    );
  });
});
