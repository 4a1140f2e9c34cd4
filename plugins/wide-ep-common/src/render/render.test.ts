import { parse } from 'yaml';
import { parseSpec, WideEpSpec, WideEpSpecInput } from '../spec';
import { renderDeployment, RenderResult } from './index';
import { allVariants } from '../variants';
import { crdErrors, loadCrdValidators } from '../__testUtils__/crdValidator';
import { podTemplates, selects } from '../__testUtils__/podTemplates';
import { HARDWARE_PROFILES } from '../hardware';
import { routerProvider } from './router';

const combos = allVariants();
const validators = loadCrdValidators();

function render(input: WideEpSpecInput): RenderResult {
  const r = parseSpec(input);
  if (!r.success) throw new Error(`${JSON.stringify(input)}: ${JSON.stringify(r.issues)}`);
  return renderDeployment(r.spec);
}
const results = combos.map(c => ({ input: c, out: render(c) }));
const label = (s: WideEpSpec) =>
  `${s.orchestrator}/${s.hardware}/${s.clusterProvider}/${s.gateway}/${s.rankPorts ? 'ports' : 'hybrid'}`;

const modelTemplates = (out: RenderResult) => podTemplates(out.objects).filter(t => !t.owner.startsWith('Deployment/'));
const container = (t: any, name: string) =>
  [...(t.podSpec.containers ?? []), ...(t.podSpec.initContainers ?? [])].find((c: any) => c.name === name);
const script = (t: any): string => container(t, 'vllm').args[0];
const flagValue = (s: string, flag: string) => {
  const m = new RegExp(`${flag}[ =]("?[^\\s\\\\"]+"?)`).exec(s);
  return m?.[1];
};

describe('every combination', () => {
  it('covers 2 orchestrators x 3 hardware x 3 providers x 5 gateways x rankPorts = 180', () => {
    expect(new Set(results.map(r => label(r.out.spec))).size).toBe(180);
  });

  it.each(results.map(r => [label(r.out.spec), r.out] as const))('%s: custom resources validate against their CRDs', (_, out) => {
    const crs = out.objects.filter(o => !['v1', 'apps/v1', 'rbac.authorization.k8s.io/v1'].includes(o.apiVersion));
    const checked = crs.map(o => ({ kind: o.kind, errors: crdErrors(validators, o) }));
    // Kinds without a CRD in shared/crds (Istio, GKE, kgateway) are checked by shape tests below.
    const known = checked.filter(c => c.errors !== undefined);
    expect(known.map(k => k.kind)).toEqual(expect.arrayContaining(['InferencePool']));
    expect(known.flatMap(k => k.errors)).toEqual([]);
  });

  it.each(results.map(r => [label(r.out.spec), r.out] as const))('%s: ports agree between vLLM, sidecar and pool', (_, out) => {
    const { plan } = out;
    const pool: any = out.objects.find(o => o.kind === 'InferencePool');
    const targetPorts = pool.spec.targetPorts.map((p: any) => p.number);
    expect(targetPorts).toEqual(plan.targetPorts);
    expect(targetPorts.length).toBeLessThanOrEqual(8);
    for (const t of modelTemplates(out)) {
      const role = t.labels['llm-d.ai/role'] as 'prefill' | 'decode';
      const rp = plan.roles[role];
      const s = script(t);
      expect(flagValue(s, '--port')).toBe(String(rp.vllmBasePort));
      const vllmPorts = container(t, 'vllm').ports.map((p: any) => p.containerPort);
      expect(vllmPorts).toEqual(expect.arrayContaining(rp.vllmPorts));
      let served: number[];
      if (role === 'decode') {
        const sc = container(t, 'routing-proxy');
        expect(sc.args).toContain('--port=8000');
        expect(sc.args).toContain(`--vllm-port=${rp.vllmBasePort}`);
        expect(sc.args.includes(`--data-parallel-size=${rp.localSize}`)).toBe(plan.launchMode === 'supervisor');
        served = sc.ports.map((p: any) => p.containerPort);
      } else {
        served = vllmPorts.filter((p: number) => p >= 8000 && p < 8100);
      }
      // Every pool target port has a listener on every pod (PR #1855: 7 of 8 had none).
      expect(served.filter((p: number) => p < 8008).sort()).toEqual([...targetPorts].sort());
      if (plan.launchMode === 'supervisor') {
        expect(s).toContain(`--data-parallel-supervisor-port=${rp.supervisorPort}`);
        expect(s).toContain('--data-parallel-multi-port-external-lb');
      } else {
        expect(s).toContain('--data-parallel-hybrid-lb');
      }
      // Probed and declared ports match by name; names are unique in the pod.
      const names = [...container(t, 'vllm').ports, ...(container(t, 'routing-proxy')?.ports ?? [])].map((p: any) => p.name);
      expect(new Set(names).size).toBe(names.length);
      for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
        expect(names).toContain(container(t, 'vllm')[probe].httpGet.port);
      }
    }
    const route: any = out.objects.find(o => o.kind === 'HTTPRoute');
    if (route) expect(targetPorts).toContain(route.spec.rules[0].backendRefs[0].port);
  });

  it.each(results.map(r => [label(r.out.spec), r.out] as const))('%s: labels, selector, GPUs, wiring', (_, out) => {
    const { spec, plan } = out;
    const pool: any = out.objects.find(o => o.kind === 'InferencePool');
    const selector = pool.spec.selector.matchLabels;
    const all = podTemplates(out.objects);
    const models = modelTemplates(out);
    // The pool selects every model-server template and nothing else.
    for (const t of all) expect([t.owner, selects(selector, t.labels)]).toEqual([t.owner, !t.owner.startsWith('Deployment/')]);
    expect(models.map(t => t.labels['llm-d.ai/role']).sort()).toEqual(
      spec.orchestrator === 'lws' ? ['decode', 'prefill'] : expect.arrayContaining(['decode', 'prefill']),
    );
    for (const t of models) {
      expect(['prefill', 'decode']).toContain(t.labels['llm-d.ai/role']);
      const gpus = Number(container(t, 'vllm').resources.limits['nvidia.com/gpu']);
      expect(gpus).toBe(HARDWARE_PROFILES[spec.hardware].gpusPerNode);
      const env = container(t, 'vllm').env;
      expect(env.find((e: any) => e.name === 'DP_SIZE_LOCAL').value).toBe(String(gpus));
      // The sidecar runs on decode only.
      expect(!!container(t, 'routing-proxy')).toBe(t.labels['llm-d.ai/role'] === 'decode');
      // The HF token only ever comes from a Secret.
      const hf = env.filter((e: any) => /TOKEN/.test(e.name));
      expect(hf).toEqual([{ name: 'HF_TOKEN', valueFrom: { secretKeyRef: spec.hfTokenSecret } }]);
      expect(t.podSpec.securityContext?.privileged).toBeUndefined();
    }
    for (const role of ['prefill', 'decode'] as const) {
      const gpus = models
        .filter(t => t.labels['llm-d.ai/role'] === role)
        .reduce((n, t) => n + t.pods * Number(container(t, 'vllm').resources.limits['nvidia.com/gpu']), 0);
      expect(gpus).toBe(spec[role].replicas * spec[role].dataParallelSize);
      expect(gpus).toBe(plan.roles[role].totalGpus);
    }

    // MNNVL exactly once on GB200; RDMA per provider elsewhere.
    const cds = out.objects.filter(o => o.kind === 'ComputeDomain');
    const pcs: any = out.objects.find(o => o.kind === 'PodCliqueSet');
    const autoMnnvl = pcs?.metadata.annotations?.['grove.io/mnnvl-group'] !== undefined;
    const claims = models.map(t => !!t.podSpec.resourceClaims);
    if (spec.hardware === 'gb200') {
      expect(Number(cds.length === 1) + Number(autoMnnvl)).toBe(1);
      expect(claims.every(c => c === (cds.length === 1))).toBe(true);
      for (const t of models) {
        expect(t.podSpec.tolerations).toContainEqual({ key: 'kubernetes.io/arch', operator: 'Equal', value: 'arm64', effect: 'NoSchedule' });
        expect(container(t, 'vllm').image).toMatch(/gb200/);
        expect(JSON.stringify(container(t, 'vllm').env)).not.toMatch(/IBGDA/);
      }
    } else {
      expect(cds).toEqual([]);
      expect(autoMnnvl).toBe(false);
      for (const t of models) {
        const c = container(t, 'vllm');
        const envNames = c.env.map((e: any) => e.name);
        expect(envNames).toEqual(expect.arrayContaining(['NVSHMEM_IB_ENABLE_IBGDA', 'NVSHMEM_BOOTSTRAP_UID_SOCK_IFNAME']));
        expect(c.securityContext.capabilities.add).toContain('IPC_LOCK');
        expect(c.resources.limits['rdma/ib'] === '1').toBe(spec.clusterProvider === 'coreweave');
        expect(c.securityContext.privileged === true).toBe(spec.clusterProvider === 'gke');
        expect(!!t.annotations['networking.gke.io/interfaces']).toBe(spec.clusterProvider === 'gke');
      }
    }

    // provider.name semantics: extras exactly for the gateway that needs them.
    const provider = routerProvider(spec.gateway);
    const dr: any = out.objects.find(o => o.kind === 'DestinationRule');
    expect(!!dr).toBe(provider === 'istio');
    if (dr) expect(dr.spec.host).toBe(`${spec.name}-infpool-epp`);
    expect(out.objects.filter(o => o.apiVersion === 'networking.gke.io/v1').map(o => o.kind).sort()).toEqual(
      provider === 'gke' ? ['GCPBackendPolicy', 'HealthCheckPolicy'] : [],
    );
    expect(out.objects.some(o => o.kind === 'Gateway')).toBe(spec.gateway !== 'none');
    expect(out.objects.some(o => o.kind === 'GatewayParameters')).toBe(spec.gateway === 'kgateway-openshift');

    // Leader and worker env from one source; no packDomain anywhere.
    if (spec.orchestrator === 'grove') {
      for (const role of ['prefill', 'decode']) {
        const envs = models
          .filter(t => t.labels['llm-d.ai/role'] === role)
          .map(t => container(t, 'vllm').env.filter((e: any) => e.name !== 'WIDE_EP_NODE_RANK_OFFSET'));
        for (const e of envs) expect(e).toEqual(envs[0]);
      }
    } else {
      for (const o of out.objects.filter(x => x.kind === 'LeaderWorkerSet') as any[]) {
        expect(o.spec.leaderWorkerTemplate.leaderTemplate).toBeUndefined();
      }
    }
    expect(JSON.stringify(out.objects)).not.toContain('packDomain');
  });

  it.each(results.map(r => [label(r.out.spec), r] as const))('%s: deterministic YAML that reads back unchanged as YAML 1.1', (_, r) => {
    const again = render(r.input);
    expect(again.files).toEqual(r.out.files);
    for (const o of r.out.objects) {
      const file = r.out.files.find(f => f.path === `manifests/${o.kind.toLowerCase()}-${o.metadata.name}.yaml`)!;
      expect(parse(file.content, { version: '1.1' })).toEqual(JSON.parse(JSON.stringify(o)));
    }
    const kustomization = parse(r.out.files.find(f => f.path === 'kustomization.yaml')!.content);
    expect(kustomization.resources).toEqual(r.out.files.filter(f => f.path.startsWith('manifests/')).map(f => f.path));
  });
});
