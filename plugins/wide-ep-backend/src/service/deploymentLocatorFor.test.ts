import { InputError } from '@backstage/errors';
import type { Entity } from '@backstage/catalog-model';
import { deploymentLocatorFor } from './deploymentLocatorFor';

function clusters(...names: string[]) {
  return {
    names: () => names,
    get: (name: string) => {
      if (!names.includes(name))
        throw new InputError(
          `unknown cluster "${name}"; configured: ${names.join(', ')}`,
        );
      return { name };
    },
  };
}

// Annotations as renderCatalogInfo writes them for the LWS H200 seed.
const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'wide-ep', namespace: 'default', annotations },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/platform',
  },
});
const GENERATED = {
  'backstage.io/kubernetes-id': 'wide-ep',
  'backstage.io/kubernetes-namespace': 'llm-d-wide-ep',
  'wide-ep.backstage.io/deployment': 'wide-ep',
  'wide-ep.backstage.io/orchestrator': 'lws',
  'wide-ep.backstage.io/hardware': 'h200',
  'wide-ep.backstage.io/pod-selector':
    'llm-d.ai/inference-serving=true,wide-ep.backstage.io/deployment=wide-ep',
  'wide-ep.backstage.io/workloads':
    'LeaderWorkerSet/wide-ep-prefill,LeaderWorkerSet/wide-ep-decode',
};

describe('deploymentLocatorFor', () => {
  it('reads the generated annotations; the only configured cluster is used', () => {
    expect(deploymentLocatorFor(entity(GENERATED), clusters('prod'))).toEqual({
      cluster: 'prod',
      namespace: 'llm-d-wide-ep',
      deployment: 'wide-ep',
      orchestrator: 'lws',
      computeDomains: false,
    });
  });

  it('honours backstage.io/kubernetes-cluster, and rejects clusters that are not configured', () => {
    const annotated = {
      ...GENERATED,
      'backstage.io/kubernetes-cluster': 'staging',
    };
    expect(
      deploymentLocatorFor(entity(annotated), clusters('prod', 'staging'))
        .cluster,
    ).toBe('staging');
    expect(() =>
      deploymentLocatorFor(
        entity({
          ...GENERATED,
          'backstage.io/kubernetes-cluster': 'https://evil.example.com',
        }),
        clusters('prod'),
      ),
    ).toThrow(
      expect.objectContaining({
        name: 'InputError',
        message: 'unknown cluster "https://evil.example.com"; configured: prod',
      }),
    );
  });

  it('needs the cluster annotation when several clusters are configured', () => {
    expect(() =>
      deploymentLocatorFor(entity(GENERATED), clusters('prod', 'staging')),
    ).toThrow(
      'entity component:default/wide-ep has no backstage.io/kubernetes-cluster annotation and 2 clusters are configured (prod, staging); annotate the entity with the cluster name',
    );
  });

  it.each([
    ['wide-ep.backstage.io/deployment', 'the wide-EP deployment name'],
    ['backstage.io/kubernetes-namespace', 'the namespace of the deployment'],
  ])('names a missing %s annotation', (key, what) => {
    const annotations: Record<string, string> = { ...GENERATED };
    delete annotations[key];
    expect(() =>
      deploymentLocatorFor(entity(annotations), clusters('prod')),
    ).toThrow(
      expect.objectContaining({
        name: 'InputError',
        message: `entity component:default/wide-ep has no ${key} annotation (${what}); it is written by the wide-EP template into catalog-info.yaml`,
      }),
    );
  });

  it('falls back to the workloads annotation for the orchestrator, else names the missing annotation', () => {
    const { 'wide-ep.backstage.io/orchestrator': _, ...rest } = GENERATED;
    expect(
      deploymentLocatorFor(
        entity({
          ...rest,
          'wide-ep.backstage.io/workloads': 'PodCliqueSet/wide-ep',
        }),
        clusters('prod'),
      ).orchestrator,
    ).toBe('grove');
    const { 'wide-ep.backstage.io/workloads': __, ...none } = rest;
    expect(() => deploymentLocatorFor(entity(none), clusters('prod'))).toThrow(
      'entity component:default/wide-ep has no wide-ep.backstage.io/orchestrator annotation (lws or grove)',
    );
  });

  it.each([
    ['wide-ep.backstage.io/deployment', 'wide-ep,app!=x'],
    ['backstage.io/kubernetes-namespace', 'kube-system/../secrets'],
    ['wide-ep.backstage.io/deployment', 'http://10.0.0.1:8200'],
  ])('rejects annotation %s=%j that is not a DNS label', (key, value) => {
    expect(() =>
      deploymentLocatorFor(
        entity({ ...GENERATED, [key]: value }),
        clusters('prod'),
      ),
    ).toThrow(
      `entity component:default/wide-ep: annotation ${key} must be a DNS-1123 label, got "${value}"`,
    );
  });

  it('watches ComputeDomains on GB200 and when the hardware is not annotated', () => {
    expect(
      deploymentLocatorFor(
        entity({ ...GENERATED, 'wide-ep.backstage.io/hardware': 'gb200' }),
        clusters('prod'),
      ).computeDomains,
    ).toBe(true);
    const { 'wide-ep.backstage.io/hardware': _, ...rest } = GENERATED;
    expect(
      deploymentLocatorFor(entity(rest), clusters('prod')).computeDomains,
    ).toBe(true);
  });
});
