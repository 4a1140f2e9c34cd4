import { ENTITY_ANNOTATIONS } from '../constants';
import { renderDeployment } from '../render';
import { LWS_H200_SEED } from '../seeds';
import { WideEpSpec, parseSpec } from '../spec';
import type { KubernetesObject } from '../types';
import { diffDeployment, diffObject } from './liveDiff';
import { planUpdate } from './planUpdate';
import { specFromEntity } from './specFromEntity';
import { updateSpec } from './updateSpec';

function seed(): WideEpSpec {
  const parsed = parseSpec({ ...LWS_H200_SEED, cluster: 'gpu-east' });
  if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
  return parsed.spec;
}

describe('specFromEntity', () => {
  it('reads back the spec the entity was rendered from', () => {
    const spec = seed();
    const { entity } = renderDeployment(spec);
    expect(specFromEntity(entity)).toEqual({ success: true, spec });
  });

  it('names the annotation when it is missing, not JSON, or invalid', () => {
    const entity = renderDeployment(seed()).entity;
    const withAnnotation = (value?: string) => ({
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: {
          ...entity.metadata.annotations,
          [ENTITY_ANNOTATIONS.spec]: value as string,
        },
      },
    });
    const where = `metadata.annotations["${ENTITY_ANNOTATIONS.spec}"]`;
    expect(specFromEntity(withAnnotation(undefined))).toMatchObject({
      success: false,
      issues: [{ path: where, message: expect.stringMatching(/^missing/) }],
    });
    expect(specFromEntity(withAnnotation('{oops'))).toMatchObject({
      success: false,
      issues: [{ path: where, message: expect.stringMatching(/^not JSON/) }],
    });
    const bad = { ...seed(), decode: { replicas: 0, dataParallelSize: 16 } };
    expect(specFromEntity(withAnnotation(JSON.stringify(bad)))).toMatchObject({
      success: false,
      issues: [
        { path: `${where}.decode.replicas`, message: 'must be at least 1' },
      ],
    });
  });
});

describe('updateSpec', () => {
  it('replaces the given fields and names what changed', () => {
    const current = seed();
    const result = updateSpec(current, {
      decode: { ...current.decode, replicas: current.decode.replicas + 1 },
      prefill: undefined,
    });
    expect(result).toMatchObject({
      success: true,
      changedFields: ['decode'],
      spec: { decode: { replicas: current.decode.replicas + 1 } },
    });
  });

  it('merges an object field one level deep', () => {
    const current = seed();
    const result = updateSpec(current, { decode: { replicas: 2 } });
    expect(result).toMatchObject({
      success: true,
      spec: {
        decode: {
          replicas: 2,
          dataParallelSize: current.decode.dataParallelSize,
        },
      },
    });
  });

  it('accepts the whole spec back unchanged, and reports no change', () => {
    const current = seed();
    expect(updateSpec(current, { ...current })).toEqual({
      success: true,
      spec: current,
      changedFields: [],
    });
  });

  it('refuses to change an identity field, naming it', () => {
    const result = updateSpec(seed(), { namespace: 'elsewhere', name: 'x' });
    expect(result.success).toBe(false);
    expect(!result.success && result.issues.map(i => i.path)).toEqual([
      'name',
      'namespace',
    ]);
  });

  it('validates the merged spec, with the field path', () => {
    const result = updateSpec(seed(), {
      decode: { replicas: 1, dataParallelSize: 12 },
    });
    expect(result.success).toBe(false);
    expect(!result.success && result.issues[0].path).toBe(
      'decode.dataParallelSize',
    );
  });
});

describe('planUpdate', () => {
  it('scaling decode changes the decode workload, the entity and the README, nothing else', () => {
    const current = seed();
    const next = {
      ...current,
      decode: { ...current.decode, replicas: current.decode.replicas + 1 },
    };
    const plan = planUpdate(current, next);
    expect(plan.unchanged).toBe(false);
    const changed = plan.files.filter(f => f.change !== 'unchanged');
    expect(changed.map(f => f.path).sort()).toEqual([
      'README.md',
      'catalog-info.yaml',
      `manifests/leaderworkerset-${current.name}-decode.yaml`,
    ]);
    expect(changed.every(f => f.change === 'modified')).toBe(true);
    expect(
      plan.objects.filter(o => o.change !== 'unchanged').map(o => o.name),
    ).toEqual([`${current.name}-decode`]);
  });

  it('switching the gateway from Istio to kgateway removes the Istio-only objects and files', () => {
    const current = seed();
    const next = parseSpec({
      ...current,
      gateway: 'kgateway',
      rankPorts: false,
    });
    if (!next.success) throw new Error(JSON.stringify(next.issues));
    const plan = planUpdate(current, next.spec);
    expect(
      plan.objects.filter(o => o.change === 'removed').map(o => o.kind),
    ).toEqual(['ConfigMap', 'DestinationRule']);
    expect(
      plan.files.filter(f => f.change === 'removed').map(f => f.path),
    ).toEqual([
      'manifests/configmap-wide-ep-inference-gateway.yaml',
      'manifests/destinationrule-wide-ep-infpool-epp.yaml',
    ]);
    expect(planUpdate(current, current).unchanged).toBe(true);
  });
});

describe('diffDeployment', () => {
  const desired = (): KubernetesObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'epp', namespace: 'ns', labels: { app: 'epp' } },
    spec: {
      replicas: 1,
      template: {
        spec: {
          containers: [
            {
              name: 'epp',
              image: 'epp:v1',
              args: ['--a', '--b'],
              env: [{ name: 'A', value: '1' }],
              ports: [{ containerPort: 9002, name: 'grpc' }],
            },
          ],
        },
      },
    },
  });
  const applied: any = {
    manager: 'wide-ep-backstage',
    operation: 'Apply',
    fieldsType: 'FieldsV1',
    fieldsV1: {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:template': {
          'f:spec': {
            'f:containers': {
              'k:{"name":"epp"}': {
                '.': {},
                'f:name': {},
                'f:image': {},
                'f:args': {},
                'f:env': { 'k:{"name":"A"}': { '.': {}, 'f:value': {} } },
                'f:ports': {
                  'k:{"containerPort":9002,"protocol":"TCP"}': {
                    '.': {},
                    'f:name': {},
                  },
                },
              },
            },
          },
        },
      },
    },
  };

  it('is in sync when the cluster adds only defaults and its own bookkeeping', () => {
    const live = desired() as any;
    live.metadata.managedFields = [applied];
    live.metadata.uid = 'u';
    live.spec.template.spec.containers[0].imagePullPolicy = 'IfNotPresent';
    live.spec.template.spec.containers[0].ports[0].protocol = 'TCP';
    live.status = { replicas: 1 };
    expect(diffDeployment([desired()], [live])).toEqual([
      expect.objectContaining({ name: 'epp', state: 'in-sync', fields: [] }),
    ]);
  });

  it('names the changed fields and the manager that changed them', () => {
    const live = desired() as any;
    const c = live.spec.template.spec.containers[0];
    c.image = 'epp:hotfix';
    c.args = ['--a'];
    c.env.push({ name: 'DEBUG', value: 'true' });
    live.spec.replicas = 3;
    const ours = structuredClone(applied);
    // The Apply entry no longer owns what kubectl-edit took over.
    delete ours.fieldsV1['f:spec']['f:template']['f:spec']['f:containers'][
      'k:{"name":"epp"}'
    ]['f:image'];
    live.metadata.managedFields = [
      ours,
      {
        manager: 'kubectl-edit',
        operation: 'Update',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:spec': {
            'f:template': {
              'f:spec': {
                'f:containers': {
                  'k:{"name":"epp"}': {
                    'f:image': {},
                    'f:env': {
                      'k:{"name":"DEBUG"}': { '.': {}, 'f:value': {} },
                    },
                  },
                },
              },
            },
          },
        },
      },
      {
        manager: 'kubectl',
        operation: 'Update',
        subresource: 'scale',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:replicas': {} } },
      },
    ];
    const fields = diffObject(desired(), live);
    expect(fields).toEqual([
      {
        path: 'spec.replicas',
        desired: 1,
        live: 3,
        managers: ['kubectl (scale)', 'wide-ep-backstage'],
      },
      {
        path: 'spec.template.spec.containers[name=epp].image',
        desired: 'epp:v1',
        live: 'epp:hotfix',
        managers: ['kubectl-edit'],
      },
      {
        path: 'spec.template.spec.containers[name=epp].args',
        desired: ['--a', '--b'],
        live: ['--a'],
        managers: ['wide-ep-backstage'],
      },
      {
        path: 'spec.template.spec.containers[name=epp].env[name=DEBUG]',
        live: { name: 'DEBUG', value: 'true' },
        managers: ['kubectl-edit'],
      },
    ]);
  });

  it('ignores defaults the API server fills inside atomic list elements', () => {
    const route = (weight?: number): KubernetesObject => ({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'r' },
      spec: {
        rules: [
          {
            backendRefs: [
              {
                kind: 'InferencePool',
                name: 'p',
                ...(weight ? { weight } : {}),
              },
            ],
          },
        ],
      },
    });
    expect(diffObject(route(), route(1))).toEqual([]);
    const twoRules = route(1) as any;
    twoRules.spec.rules.push({ backendRefs: [] });
    expect(diffObject(route(), twoRules).map(f => f.path)).toEqual([
      'spec.rules',
    ]);
  });

  it('reports objects on one side only', () => {
    const other = {
      ...desired(),
      metadata: { name: 'stray', namespace: 'ns' },
    };
    const result = diffDeployment([desired()], [other]);
    expect(result.map(r => [r.name, r.state])).toEqual([
      ['epp', 'missing-in-cluster'],
      ['stray', 'only-in-cluster'],
    ]);
  });
});
