import { applyStageOf, groupIntoApplyStages } from './applyStages';

describe('applyStageOf', () => {
  it.each([
    ['Namespace', 'namespace'],
    ['ServiceAccount', 'prerequisites'],
    ['RoleBinding', 'prerequisites'],
    ['ComputeDomain', 'prerequisites'],
    ['LeaderWorkerSet', 'workloads'],
    ['PodCliqueSet', 'workloads'],
    ['Service', 'workloads'],
    ['InferencePool', 'routing'],
    ['DestinationRule', 'routing'],
    ['HTTPRoute', 'routing'],
    ['PodMonitor', 'workloads'],
  ])('puts %s in %s', (kind, stage) => {
    expect(applyStageOf(kind)).toBe(stage);
  });
});

describe('groupIntoApplyStages', () => {
  it('orders stages, keeps input order within a stage and drops empty stages', () => {
    const objects = [
      'HTTPRoute',
      'Deployment',
      'ConfigMap',
      'Gateway',
      'Service',
      'Role',
    ].map(kind => ({ kind }));
    expect(
      groupIntoApplyStages(objects).map(g => [
        g.stage,
        g.entries.map(e => `${e.index}:${e.object.kind}`),
      ]),
    ).toEqual([
      ['prerequisites', ['2:ConfigMap', '5:Role']],
      ['workloads', ['1:Deployment', '4:Service']],
      ['routing', ['0:HTTPRoute', '3:Gateway']],
    ]);
  });
});
