import {
  CLUSTER_PROVIDERS,
  GATEWAYS,
  HARDWARE,
  ORCHESTRATORS,
  WideEpSpecInput,
  gatewayAcceptsRankPorts,
  parseSpec,
  renderDeployment,
} from '@internal/plugin-wide-ep-common';
import { isCustomResource } from './objectRef';
import {
  GROVE_GB200_SEED,
  LWS_H200_SEED,
} from '@internal/plugin-wide-ep-common';
import {
  CUSTOM_KIND_CRDS,
  preflightRequirements,
} from './preflightRequirements';

function requirementsOf(input: WideEpSpecInput) {
  const parsed = parseSpec(input);
  if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
  return preflightRequirements(renderDeployment(parsed.spec));
}

describe('preflightRequirements', () => {
  it('derives the LWS H200 CoreWeave requirements, Istio extras included', () => {
    expect(requirementsOf(LWS_H200_SEED)).toEqual({
      crds: [
        {
          name: 'leaderworkersets.leaderworkerset.x-k8s.io',
          versions: ['v1'],
          why: 'the model-server pods (LeaderWorkerSet)',
        },
        {
          name: 'inferencepools.inference.networking.k8s.io',
          versions: ['v1'],
          why: 'routing requests to the model servers',
        },
        {
          name: 'destinationrules.networking.istio.io',
          versions: ['v1beta1'],
          why: 'Istio TLS settings towards the endpoint picker',
        },
        {
          name: 'gateways.gateway.networking.k8s.io',
          versions: ['v1'],
          why: 'the inference gateway',
        },
        {
          name: 'httproutes.gateway.networking.k8s.io',
          versions: ['v1'],
          why: 'the route from the gateway to the InferencePool',
        },
      ],
      gatewayClassName: 'istio',
      namespace: 'llm-d-wide-ep',
      secret: { name: 'llm-d-hf-token', key: 'HF_TOKEN' },
      gpus: { resource: 'nvidia.com/gpu', perPod: 8, pods: 4 },
      extraResources: [{ resource: 'rdma/ib', perPod: 1, pods: 4 }],
    });
  });

  it('adds the Grove operator CRDs and needs no RDMA resource on generic GB200', () => {
    const requirements = requirementsOf({
      ...GROVE_GB200_SEED,
      clusterProvider: 'generic',
    });
    expect(requirements.crds.map(c => c.name)).toEqual([
      'podcliquesets.grove.io',
      'inferencepools.inference.networking.k8s.io',
      'gateways.gateway.networking.k8s.io',
      'httproutes.gateway.networking.k8s.io',
      'podcliques.grove.io',
      'podcliquescalinggroups.grove.io',
    ]);
    expect(requirements.gatewayClassName).toBe('kgateway');
    expect(requirements.gpus).toEqual({
      resource: 'nvidia.com/gpu',
      perPod: 4,
      pods: 9,
    });
    expect(requirements.extraResources).toBeUndefined();
  });

  it('needs a ComputeDomain CRD for LWS on GB200, and GKE RDMA networks on GKE GB200', () => {
    const requirements = requirementsOf({
      ...GROVE_GB200_SEED,
      orchestrator: 'lws',
      clusterProvider: 'gke',
    });
    expect(requirements.crds.map(c => c.name)).toContain(
      'computedomains.resource.nvidia.com',
    );
    expect(requirements.extraResources?.map(r => r.resource)).toEqual([
      'networking.gke.io.networks/rdma-0',
      'networking.gke.io.networks/rdma-1',
      'networking.gke.io.networks/rdma-2',
      'networking.gke.io.networks/rdma-3',
    ]);
  });

  it('asks for no Gateway API or GatewayClass with gateway none', () => {
    const requirements = requirementsOf({ ...LWS_H200_SEED, gateway: 'none' });
    expect(requirements.gatewayClassName).toBeUndefined();
    expect(requirements.crds.map(c => c.name)).toEqual([
      'leaderworkersets.leaderworkerset.x-k8s.io',
      'inferencepools.inference.networking.k8s.io',
    ]);
  });

  it('checks the topology binding CRD when grove.topologyName is set', () => {
    const requirements = requirementsOf({
      ...GROVE_GB200_SEED,
      grove: { topologyName: 'cluster-topology' },
    });
    expect(requirements.crds.map(c => c.name)).toContain(
      'clustertopologybindings.grove.io',
    );
  });

  it('knows the CRD of every custom kind the renderer emits, in all combinations', () => {
    let combinations = 0;
    for (const hardware of HARDWARE) {
      for (const clusterProvider of CLUSTER_PROVIDERS) {
        for (const orchestrator of ORCHESTRATORS) {
          for (const gateway of GATEWAYS) {
            const parsed = parseSpec({
              ...LWS_H200_SEED,
              hardware,
              clusterProvider,
              orchestrator,
              gateway,
              rankPorts: gatewayAcceptsRankPorts(gateway),
              prefill: { replicas: 1, dataParallelSize: 8 },
              decode: { replicas: 2, dataParallelSize: 16 },
            });
            if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
            const rendered = renderDeployment(parsed.spec);
            const requirements = preflightRequirements(rendered);
            const crdNames = requirements.crds.map(c => c.name);
            for (const object of rendered.objects.filter(o =>
              isCustomResource(o.apiVersion),
            )) {
              expect(CUSTOM_KIND_CRDS[object.kind]).toBeDefined();
              const group = object.apiVersion.split('/')[0];
              expect(crdNames).toContain(
                `${CUSTOM_KIND_CRDS[object.kind].plural}.${group}`,
              );
            }
            expect(requirements.gpus.pods).toBe(rendered.plan.totalPods);
            combinations++;
          }
        }
      }
    }
    expect(combinations).toBe(90);
  });
});
