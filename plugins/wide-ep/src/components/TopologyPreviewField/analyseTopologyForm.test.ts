import {
  GROVE_GB200_SEED,
  LWS_H200_SEED,
} from '@internal/plugin-wide-ep-common';
import {
  analyseTopologyForm,
  specInputFromFormData,
} from './analyseTopologyForm';

describe('specInputFromFormData', () => {
  it('keeps spec fields, drops the rest and fills name and namespace', () => {
    const { input, provided } = specInputFromFormData({
      model: 'deepseek-ai/DeepSeek-R1-0528',
      name: '',
      repoUrl: 'github.com?owner=acme&repo=infra',
      rollout: 'pull-request',
      cluster: 'coreweave-us-east',
      preview: '32 GPUs on 4 nodes',
    });
    expect(input).toEqual({
      model: 'deepseek-ai/DeepSeek-R1-0528',
      name: 'wide-ep',
      namespace: 'default',
    });
    expect([...provided]).toEqual(['model']);
  });
});

describe('analyseTopologyForm', () => {
  it('plans and renders the LWS H200 seed', () => {
    const analysis = analyseTopologyForm({
      ...LWS_H200_SEED,
      repoUrl: 'x',
      rollout: 'apply',
    });

    expect(analysis.issues).toEqual([]);
    expect(analysis.plan?.totalGpus).toBe(32);
    expect(analysis.plan?.roles.decode.dataParallelSize).toBe(16);
    expect(analysis.files).toContain('catalog-info.yaml');
    expect(analysis.warnings).toEqual([
      {
        path: 'gateway',
        message: 'multi-port InferencePools need Istio 1.28.1 or later',
      },
    ]);
  });

  it('lists the monitoring objects the monitoring choice adds, and names a bad choice', () => {
    const files = (monitoring?: string) =>
      analyseTopologyForm({ ...LWS_H200_SEED, monitoring }).files.filter(f =>
        /podmonitor/.test(f),
      );
    expect(files()).toEqual([]);
    expect(files('prometheus-operator')).toEqual([
      'manifests/podmonitor-wide-ep-prefill.yaml',
      'manifests/podmonitor-wide-ep-decode.yaml',
      'manifests/podmonitor-wide-ep-infpool-epp.yaml',
    ]);
    expect(files('gke-managed-prometheus')).toHaveLength(3);
    expect(
      analyseTopologyForm({ ...LWS_H200_SEED, monitoring: 'datadog' }).issues,
    ).toEqual([
      {
        path: 'monitoring',
        message: expect.stringContaining('"prometheus-operator"'),
      },
    ]);
  });

  it('plans the Grove GB200 seed: 9 pods, 36 GPUs', () => {
    const analysis = analyseTopologyForm({ ...GROVE_GB200_SEED });

    expect(analysis.plan?.totalPods).toBe(9);
    expect(analysis.plan?.totalGpus).toBe(36);
    expect(analysis.plan?.launchMode).toBe('hybrid');
  });

  it('reports cross-field topology problems by field path', () => {
    const analysis = analyseTopologyForm({
      ...LWS_H200_SEED,
      decode: { replicas: 1, dataParallelSize: 12 },
    });

    expect(analysis.plan).toBeUndefined();
    expect(analysis.issues).toEqual([
      {
        path: 'decode.dataParallelSize',
        message:
          'must be a multiple of 8 GPUs per node on h200 (got 12; try 16)',
      },
    ]);
  });

  it('lists missing fields without reporting them as problems', () => {
    const analysis = analyseTopologyForm({
      name: 'wide-ep',
      model: 'deepseek-ai/DeepSeek-R1-0528',
    });

    expect(analysis.issues).toEqual([]);
    expect(analysis.plan).toBeUndefined();
    expect(analysis.missing).toEqual(
      expect.arrayContaining([
        'hardware',
        'clusterProvider',
        'orchestrator',
        'gateway',
        'prefill',
        'decode',
      ]),
    );
  });

  it('previews the topology before the gateway page, assuming what does not shape it', () => {
    const { gateway, clusterProvider, model, ...earlyPages } = LWS_H200_SEED;
    const analysis = analyseTopologyForm(earlyPages);

    expect(analysis.plan?.roles.decode.dataParallelSize).toBe(16);
    expect(analysis.assumed).toEqual([
      { field: 'model', value: 'deepseek-ai/DeepSeek-R1-0528' },
      { field: 'clusterProvider', value: 'generic' },
      { field: 'gateway', value: 'none' },
    ]);
  });

  it('checks the topology of filled-in fields while later pages are still empty', () => {
    const { gateway, ...earlyPages } = LWS_H200_SEED;
    const analysis = analyseTopologyForm({
      ...earlyPages,
      prefill: { replicas: 1, dataParallelSize: 20 },
    });

    expect(analysis.issues).toEqual([
      {
        path: 'prefill.dataParallelSize',
        message:
          'must be a multiple of 8 GPUs per node on h200 (got 20; try 24)',
      },
    ]);
    expect(analysis.missing).toEqual(['gateway']);
  });

  it('checks one role before the other is filled in, without previewing', () => {
    const analysis = analyseTopologyForm({
      hardware: 'gb200',
      eplb: true,
      decode: { replicas: 1, dataParallelSize: 80 },
    });

    expect(analysis.plan).toBeUndefined();
    expect(analysis.issues.map(i => `${i.path}: ${i.message}`)).toEqual([
      'decode.dataParallelSize: must be at most 72 on gb200: one data-parallel group must fit in one NVL72 rack (18 trays x 4 GPUs)',
      'decode.dataParallelSize: with eplb, 288 experts (256 routed + 32 redundant) must divide evenly across 80 ranks',
    ]);
    expect(analysis.missing).toEqual(
      expect.arrayContaining([
        'model',
        'clusterProvider',
        'orchestrator',
        'gateway',
        'prefill',
      ]),
    );
  });

  it('runs no cross-field checks before the hardware is chosen', () => {
    const analysis = analyseTopologyForm({
      decode: { replicas: 1, dataParallelSize: 12 },
    });

    expect(analysis.issues).toEqual([]);
    expect(analysis.missing).toContain('hardware');
  });

  it('reports invalid values of filled-in fields', () => {
    const analysis = analyseTopologyForm({ ...LWS_H200_SEED, name: 'Wide_EP' });

    // The wording belongs to -common; only the path and its gist matter here.
    expect(analysis.issues).toEqual([
      { path: 'name', message: expect.stringContaining('DNS-1123 label') },
    ]);
  });
});
