/*
 * One test per finding of shared/docs/serving-review.md (2026-12): each one
 * fails on the output rendered before the fix. The checks against the
 * components' own interfaces (vLLM CLI, EPP config loader and informers,
 * sidecar flags, a real API server's dry run) live in src/conformance and
 * test/integration; these pin the renderer's side of each fix.
 */
import { parse } from 'yaml';
import { LWS_H200_SEED, GROVE_GB200_SEED } from '../seeds';
import { parseSpec, WideEpSpecInput } from '../spec';
import { specWarnings } from '../validateTopology';
import { allVariants } from '../variants';
import { podTemplates, selects } from '../__testUtils__/podTemplates';
import { renderDeployment } from './index';

function render(input: WideEpSpecInput) {
  const r = parseSpec(input);
  if (!r.success) throw new Error(JSON.stringify(r.issues));
  return renderDeployment(r.spec);
}
function issues(input: WideEpSpecInput) {
  const r = parseSpec(input);
  return r.success ? [] : r.issues;
}
function warnings(input: WideEpSpecInput) {
  const r = parseSpec(input);
  if (!r.success) throw new Error(JSON.stringify(r.issues));
  return specWarnings(r.spec);
}
const find = (objects: any[], kind: string) =>
  objects.filter(o => o.kind === kind);
const env = (podSpec: any) =>
  Object.fromEntries(
    podSpec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]),
  );
const variants = allVariants().map(render);
const LWS_GB200: WideEpSpecInput = {
  ...LWS_H200_SEED,
  hardware: 'gb200',
  clusterProvider: 'generic',
  model: 'nvidia/DeepSeek-R1-NVFP4',
  prefill: { replicas: 2, dataParallelSize: 8 },
  decode: { replicas: 1, dataParallelSize: 16 },
};

describe('B2: the EPP Role covers every informer it starts', () => {
  it.each(['inference.networking.x-k8s.io', 'llm-d.ai'])(
    'grants list/watch on inferencemodelrewrites and inferenceobjectives in %s',
    group => {
      for (const out of variants) {
        const [role] = find(out.objects, 'Role');
        for (const resource of [
          'inferencemodelrewrites',
          'inferenceobjectives',
        ]) {
          expect(
            role.rules.some(
              (r: any) =>
                r.apiGroups.includes(group) &&
                r.resources.includes(resource) &&
                ['list', 'watch'].every(v => r.verbs.includes(v)),
            ),
          ).toBe(true);
        }
      }
    },
  );
});

describe('B3: LWS on GB200 keeps prefill and decode in one rack', () => {
  const out = render(LWS_GB200);
  const lwss = find(out.objects, 'LeaderWorkerSet');

  it('sets no exclusive-topology annotation, which the LWS webhook turns into anti-affinity between the roles', () => {
    for (const o of variants.flatMap(v => find(v.objects, 'LeaderWorkerSet')))
      expect(
        o.metadata.annotations?.[
          'leaderworkerset.sigs.k8s.io/exclusive-topology'
        ],
      ).toBeUndefined();
  });

  it('requires every pod of the deployment on one nvidia.com/gpu.clique, with a selector its own pods match', () => {
    const templates = podTemplates(out.objects).filter(t =>
      t.owner.startsWith('LeaderWorkerSet/'),
    );
    expect(templates).toHaveLength(2);
    const terms = templates.map(
      t =>
        t.podSpec.affinity.podAffinity
          .requiredDuringSchedulingIgnoredDuringExecution,
    );
    expect(terms[0]).toEqual(terms[1]);
    expect(terms[0]).toHaveLength(1);
    expect(terms[0][0].topologyKey).toBe('nvidia.com/gpu.clique');
    for (const t of templates)
      expect(selects(terms[0][0].labelSelector.matchLabels, t.labels)).toBe(
        true,
      );
    expect(lwss.map((l: any) => l.spec.replicas)).toEqual([2, 1]);
  });

  it('adds no rack affinity on RDMA hardware', () => {
    const h200 = render(LWS_H200_SEED);
    for (const t of podTemplates(h200.objects))
      expect(
        t.podSpec.affinity?.podAffinity
          ?.requiredDuringSchedulingIgnoredDuringExecution,
      ).toBeUndefined();
  });

  it('refuses a GB200 deployment larger than one NVL72 rack, naming the field', () => {
    expect(
      issues({ ...LWS_GB200, decode: { replicas: 4, dataParallelSize: 16 } }),
    ).toEqual([
      {
        path: 'decode.replicas',
        message: expect.stringContaining(
          'the deployment needs 80 GPUs (prefill 2 x 8 + decode 4 x 16)',
        ),
      },
    ]);
    expect(
      issues({
        ...GROVE_GB200_SEED,
        decode: { replicas: 3, dataParallelSize: 32 },
      }).map(i => i.path),
    ).toEqual(['decode.replicas']);
    expect(
      issues({ ...LWS_GB200, decode: { replicas: 1, dataParallelSize: 56 } }),
    ).toEqual([]);
  });
});

describe('B4: the GKE HealthCheckPolicy names its port the way the CRD requires', () => {
  it('uses portSpecification USE_FIXED_PORT with the pool port and the chart intervals', () => {
    const gke = variants.filter(
      v => v.spec.gateway === 'gke-l7-regional-external-managed',
    );
    expect(gke.length).toBeGreaterThan(0);
    for (const out of gke) {
      const [hcp] = find(out.objects, 'HealthCheckPolicy');
      expect(hcp.spec.default).toMatchObject({
        timeoutSec: 2,
        checkIntervalSec: 2,
        config: {
          type: 'HTTP',
          httpHealthCheck: {
            requestPath: '/health',
            portSpecification: 'USE_FIXED_PORT',
            port: 8000,
          },
        },
      });
    }
  });
});

describe('M1: gateways and multi-port pools', () => {
  it.each(['kgateway', 'kgateway-openshift'] as const)(
    'refuses rankPorts with %s, naming the field and the evidence',
    gateway => {
      expect(issues({ ...LWS_H200_SEED, gateway, rankPorts: true })).toEqual([
        {
          path: 'rankPorts',
          message: expect.stringMatching(
            /is not supported by kgateway.*v2\.1\.1.*#12238.*turn rankPorts off/,
          ),
        },
      ]);
      expect(issues({ ...LWS_H200_SEED, gateway, rankPorts: false })).toEqual(
        [],
      );
    },
  );

  it('warns with the minimum Istio version and that GKE L7 is unverified', () => {
    expect(warnings({ ...LWS_H200_SEED, gateway: 'istio' })).toContainEqual({
      path: 'gateway',
      message: expect.stringContaining('Istio 1.28.1 or later'),
    });
    expect(
      warnings({
        ...LWS_H200_SEED,
        clusterProvider: 'gke',
        gateway: 'gke-l7-regional-external-managed',
      }),
    ).toContainEqual({
      path: 'gateway',
      message: expect.stringContaining('has not been shown to route'),
    });
    expect(
      warnings({ ...LWS_H200_SEED, gateway: 'istio', rankPorts: false }).filter(
        w => w.path === 'gateway',
      ),
    ).toEqual([]);
  });
});

describe('M2: RDMA devices on H200/B200', () => {
  const generic: WideEpSpecInput = {
    ...LWS_H200_SEED,
    clusterProvider: 'generic',
  };
  const limits = (input: WideEpSpecInput) =>
    podTemplates(render(input).objects)
      .filter(t => !t.owner.startsWith('Deployment/'))
      .map(t => t.podSpec.containers[0].resources);

  it('warns on a generic cluster without an rdma request', () => {
    expect(warnings(generic)).toContainEqual({
      path: 'rdma',
      message: expect.stringContaining('DeepEP over IBGDA needs them'),
    });
    expect(
      warnings({
        ...generic,
        rdma: { resource: 'rdma/ib', count: 1 },
      }).map(w => w.path),
    ).not.toContain('rdma');
  });

  it('requests the spec’s RDMA resource on every model-server pod, CoreWeave’s rdma/ib by default', () => {
    for (const r of limits({
      ...generic,
      rdma: { resource: 'nvidia.com/hostdev', count: 8 },
    })) {
      expect(r.limits['nvidia.com/hostdev']).toBe('8');
      expect(r.requests['nvidia.com/hostdev']).toBe('8');
    }
    for (const r of limits(LWS_H200_SEED))
      expect(r.limits['rdma/ib']).toBe('1');
    for (const r of limits(generic))
      expect(Object.keys(r.limits).filter(k => k.startsWith('rdma'))).toEqual(
        [],
      );
  });

  it('refuses rdma on GKE and on GB200, naming the field', () => {
    expect(
      issues({
        ...LWS_H200_SEED,
        clusterProvider: 'gke',
        rdma: { resource: 'rdma/ib', count: 1 },
      }).map(i => i.path),
    ).toEqual(['rdma']);
    expect(
      issues({ ...LWS_GB200, rdma: { resource: 'rdma/ib', count: 1 } }).map(
        i => i.path,
      ),
    ).toEqual(['rdma']);
    expect(
      issues({ ...generic, rdma: { resource: 'rdma ib', count: 0 } }).map(
        i => i.path,
      ),
    ).toEqual(['rdma.resource', 'rdma.count']);
  });
});

describe('M3, M4: Grove gang termination', () => {
  const pcs = (input: WideEpSpecInput) =>
    find(render(input).objects, 'PodCliqueSet')[0].spec.template;

  it('defaults terminationDelay to the startup budget: 2h on GB200, 45m on H200', () => {
    expect(pcs(GROVE_GB200_SEED).terminationDelay).toBe('2h');
    expect(
      pcs({ ...LWS_H200_SEED, orchestrator: 'grove' }).terminationDelay,
    ).toBe('45m');
    expect(
      pcs({ ...GROVE_GB200_SEED, grove: { terminationDelay: '3h' } })
        .terminationDelay,
    ).toBe('3h');
  });

  it('warns when terminationDelay is shorter than the startup budget', () => {
    expect(
      warnings({ ...GROVE_GB200_SEED, grove: { terminationDelay: '10m' } }),
    ).toContainEqual({
      path: 'grove.terminationDelay',
      message: expect.stringContaining('shorter than the 120 min startup'),
    });
  });

  it('lets one broken group be replaced alone: minAvailable 1 on scaling groups and standalone cliques', () => {
    const t = pcs({
      ...GROVE_GB200_SEED,
      prefill: { replicas: 3, dataParallelSize: 4 },
      decode: { replicas: 2, dataParallelSize: 16 },
    });
    expect(
      t.podCliqueScalingGroups.map((g: any) => [g.replicas, g.minAvailable]),
    ).toEqual([[2, 1]]);
    const byName = Object.fromEntries(
      t.cliques.map((c: any) => [
        c.name,
        [c.spec.replicas, c.spec.minAvailable],
      ]),
    );
    expect(byName).toEqual({
      prefill: [3, 1],
      'decode-leader': [1, 1],
      'decode-worker': [3, 3],
    });
  });
});

describe('M5: Grove on GB200 without a topology', () => {
  it('warns that nothing packs the deployment into one rack', () => {
    expect(warnings(GROVE_GB200_SEED)).toContainEqual({
      path: 'grove.topologyName',
      message: expect.stringContaining('one NVL72 rack'),
    });
    expect(
      warnings({
        ...GROVE_GB200_SEED,
        grove: { topologyName: 'cluster-topology' },
      }).map(w => w.path),
    ).not.toContain('grove.topologyName');
  });
});

describe('M7: every prefill keeps idle sidecar connections open', () => {
  it('sets VLLM_HTTP_TIMEOUT_KEEP_ALIVE=120 on every prefill pod and on no decode pod', () => {
    for (const out of variants) {
      for (const t of podTemplates(out.objects).filter(
        x => !x.owner.startsWith('Deployment/'),
      )) {
        const prefill = t.labels['llm-d.ai/role'] === 'prefill';
        expect(env(t.podSpec).VLLM_HTTP_TIMEOUT_KEEP_ALIVE).toBe(
          prefill ? '120' : undefined,
        );
      }
    }
  });
});

describe('minor findings', () => {
  it('names the model-server ServiceAccount apart from the PodCliqueSet, which Grove would take over', () => {
    for (const out of variants) {
      const sa = find(out.objects, 'ServiceAccount').map(
        (o: any) => o.metadata.name,
      );
      expect(sa).toContain(`${out.spec.name}-vllm`);
      for (const t of podTemplates(out.objects).filter(
        x => !x.owner.startsWith('Deployment/'),
      ))
        expect(t.podSpec.serviceAccountName).toBe(`${out.spec.name}-vllm`);
      for (const p of find(out.objects, 'PodCliqueSet'))
        expect(sa).not.toContain(p.metadata.name);
    }
  });

  it('gives the EPP Service no appProtocol (it serves TLS gRPC)', () => {
    for (const out of variants) {
      const svc = find(out.objects, 'Service').find((s: any) =>
        s.metadata.name.endsWith('-epp'),
      );
      expect(svc.spec.ports.map((p: any) => p.appProtocol)).toEqual([
        undefined,
        undefined,
      ]);
    }
  });

  it('declares no fixed NIXL ports, which would be wrong on every pod with start rank > 0', () => {
    for (const out of variants)
      for (const t of podTemplates(out.objects))
        for (const c of t.podSpec.containers)
          expect(
            (c.ports ?? []).filter((p: any) => /^nixl/.test(p.name)),
          ).toEqual([]);
  });

  it('README: creates the namespace, reads the GKE gateway address, lists the gateway prerequisites', () => {
    const readme = (input: WideEpSpecInput) =>
      render(input).files.find(f => f.path === 'README.md')!.content;
    const istio = readme(LWS_H200_SEED);
    expect(istio).toContain('kubectl create namespace llm-d-wide-ep');
    expect(istio).toContain('ENABLE_GATEWAY_API_INFERENCE_EXTENSION=true');
    expect(istio).toContain('Istio 1.28.1 or later');
    expect(istio).toContain('5600..5615');
    const gke = readme({
      ...LWS_H200_SEED,
      clusterProvider: 'gke',
      gateway: 'gke-l7-regional-external-managed',
    });
    expect(gke).toContain(".status.addresses[0].value}')");
    expect(gke).not.toContain('port-forward svc/');
    expect(
      readme({ ...LWS_H200_SEED, gateway: 'kgateway', rankPorts: false }),
    ).toContain('inferenceExtension.enabled: true');
    expect(
      readme({
        ...LWS_H200_SEED,
        gateway: 'kgateway-openshift',
        rankPorts: false,
      }),
    ).toContain('SecurityContextConstraints');
    expect(readme(GROVE_GB200_SEED)).toContain('Grove v0.1.0-alpha.10');
  });

  it('the EPP config in the ConfigMap is the version set’s schema', () => {
    for (const out of variants) {
      const cm = find(out.objects, 'ConfigMap').find((c: any) =>
        c.metadata.name.endsWith('-epp-config'),
      );
      const config = parse(Object.values(cm.data)[0] as string);
      expect(config.apiVersion).toBe('llm-d.ai/v1alpha1');
    }
  });

  it('lets the pod memory and CPU be set: the GB200 sizes are GKE A4X ones', () => {
    const vllm = (input: WideEpSpecInput) =>
      podTemplates(render(input).objects)
        .filter(t => !t.owner.startsWith('Deployment/'))
        .map(t => t.podSpec.containers[0].resources);
    for (const r of vllm(GROVE_GB200_SEED)) {
      expect(r.limits.memory).toBe('850Gi');
      expect(r.requests.cpu).toBe('120');
    }
    for (const r of vllm({
      ...GROVE_GB200_SEED,
      podResources: { memory: '700Gi', cpu: '96' },
    })) {
      expect(r.limits.memory).toBe('700Gi');
      expect(r.requests.memory).toBe('700Gi');
      expect(r.requests.cpu).toBe('96');
    }
    expect(
      issues({ ...GROVE_GB200_SEED, podResources: { memory: 'lots' } }).map(
        i => i.path,
      ),
    ).toEqual(['podResources.memory']);
  });
});
