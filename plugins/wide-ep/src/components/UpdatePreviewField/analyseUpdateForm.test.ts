import {
  LWS_H200_SEED,
  parseSpec,
  renderDeployment,
} from '@internal/plugin-wide-ep-common';
import { analyseUpdateForm, updateSummary } from './analyseUpdateForm';

function entity() {
  const parsed = parseSpec({ ...LWS_H200_SEED, cluster: 'gpu-east' });
  if (!parsed.success) throw new Error('seed invalid');
  return renderDeployment(parsed.spec).entity;
}

describe('analyseUpdateForm', () => {
  it('one more decode group: 32 -> 48 GPUs, three files change', () => {
    const analysis = analyseUpdateForm(entity(), {
      entityRef: 'component:default/wide-ep',
      decode: { replicas: 2, dataParallelSize: 16 },
    });
    expect(analysis.issues).toEqual([]);
    expect(analysis.gpus).toEqual({ before: 32, after: 48 });
    expect(analysis.changedFields).toEqual(['decode']);
    expect(analysis.files.map(f => f.path).sort()).toEqual([
      'README.md',
      'catalog-info.yaml',
      'manifests/leaderworkerset-wide-ep-decode.yaml',
    ]);
    expect(updateSummary(analysis)).toBe('3 files change; GPUs 32 -> 48');
  });

  it('empty fields keep the current value: no change', () => {
    const analysis = analyseUpdateForm(entity(), {
      decode: { replicas: undefined, dataParallelSize: undefined },
    });
    expect(updateSummary(analysis)).toBe('no change');
  });

  it('names the field of an invalid size, as the action would', () => {
    const analysis = analyseUpdateForm(entity(), {
      decode: { dataParallelSize: 12 },
    });
    expect(analysis.issues[0].path).toBe('decode.dataParallelSize');
    expect(updateSummary(analysis)).toBe('invalid update');
  });

  it('monitoring switched on adds the PodMonitors; an empty choice keeps the current value', () => {
    const on = analyseUpdateForm(entity(), {
      monitoring: 'prometheus-operator',
    });
    expect(on.issues).toEqual([]);
    expect(on.changedFields).toEqual(['monitoring']);
    const added = on.files.filter(f => f.change === 'added').map(f => f.path);
    expect(added.length).toBeGreaterThan(0);
    expect(added.every(p => p.startsWith('manifests/podmonitor-'))).toBe(true);
    expect(updateSummary(analyseUpdateForm(entity(), { monitoring: '' }))).toBe(
      'no change',
    );
  });
});
