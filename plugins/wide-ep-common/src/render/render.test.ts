import { parse } from 'yaml';
import { parseSpec, WideEpSpec, WideEpSpecInput } from '../spec';
import { renderDeployment, RenderResult } from './index';
import { allVariants, refusedVariants } from '../variants';
import { crdErrors, loadCrdValidators } from '../__testUtils__/crdValidator';
import { podTemplates, selects } from '../__testUtils__/podTemplates';
import { HARDWARE_PROFILES } from '../hardware';
import { routerProvider } from './router';

const combos = allVariants();
const validators = loadCrdValidators();

function render(input: WideEpSpecInput): RenderResult {
  const r = parseSpec(input);
  if (!r.success)
    throw new Error(`${JSON.stringify(input)}: ${JSON.stringify(r.issues)}`);
  return renderDeployment(r.spec);
}
const results = combos.map(c => ({ input: c, out: render(c) }));
const label = (s: WideEpSpec) =>
  `${s.orchestrator}/${s.hardware}/${s.clusterProvider}/${s.gateway}/${
    s.rankPorts ? 'ports' : 'hybrid'
  }`;

const modelTemplates = (out: RenderResult) =>
  podTemplates(out.objects).filter(t => !t.owner.startsWith('Deployment/'));
const container = (t: any, name: string) =>
  [...(t.podSpec.containers ?? []), ...(t.podSpec.initContainers ?? [])].find(
    (c: any) => c.name === name,
  );
const script = (t: any): string => container(t, 'vllm').args[0];
const flagValue = (s: string, flag: string) => {
  const m = new RegExp(`${flag}[ =]("?[^\\s\\\\"]+"?)`).exec(s);
  return m?.[1];
};

describe('every combination', () => {
  it('covers 2 orchestrators x 3 hardware x 3 providers x 5 gateways x rankPorts = 180, less the 36 refused', () => {
    expect(new Set(results.map(r => label(r.out.spec))).size).toBe(144);
    const refused = refusedVariants();
    expect(refused).toHaveLength(36);
    for (const input of refused) {
      const r = parseSpec(input);
      expect(r.success).toBe(false);
      expect(!r.success && r.issues.map(i => i.path)).toEqual(['rankPorts']);
      expect(input.gateway).toMatch(/^kgateway/);
    }
  });

  it.each(results.map(r => [label(r.out.spec), r.out] as const))(
    '%s: custom resources validate against their CRDs',
    (_, out) => {
      const crs = out.objects.filter(
        o =>
          !['v1', 'apps/v1', 'rbac.authorization.k8s.io/v1'].includes(
            o.apiVersion,
          ),
      );
      const checked = crs.map(o => ({
        kind: o.kind,
        errors: crdErrors(validators, o),
      }));
      // Kinds without a CRD in shared/crds (Istio, GKE, kgateway) are checked by shape tests below.
      const known = checked.filter(c => c.errors !== undefined);
      expect(known.map(k => k.kind)).toEqual(
        expect.arrayContaining(['InferencePool']),
      );
      expect(known.flatMap(k => k.errors)).toEqual([]);
    },
  );

  it.each(results.map(r => [label(r.out.spec), r.out] as const))(
    '%s: ports agree between vLLM, sidecar and pool',
    (_, out) => {
      const { plan } = out;
      const pool: any = out.objects.find(o => o.kind === 'InferencePool');
      const targetPorts: number[] = pool.spec.targetPorts.map(
        (p: any) => p.number,
      );
      expect(targetPorts).toEqual(plan.targetPorts);
      expect(targetPorts.length).toBeLessThanOrEqual(8);
      const supervisor = plan.launchMode === 'supervisor';
      for (const t of modelTemplates(out)) {
        const role = t.labels['llm-d.ai/role'] as 'prefill' | 'decode';
        const rp = plan.roles[role];
        const s = script(t);
        const vllm = container(t, 'vllm');
        const sidecar = container(t, 'routing-proxy');
        const vllmPorts: number[] = vllm.ports.map((p: any) => p.containerPort);
        // What the pool routes to: the sidecar's ports on decode, vLLM's own on prefill.
        const served: number[] = (sidecar ?? vllm).ports
          .map((p: any) => p.containerPort)
          .filter((p: number) => p >= 8000 && p < 8008);
        const names = [...vllm.ports, ...(sidecar?.ports ?? [])].map(
          (p: any) => p.name,
        );
        expect({
          port: flagValue(s, '--port'),
          vllmPortsDeclared: rp.vllmPorts.every(p => vllmPorts.includes(p)),
          // Every pool target port has a listener on every pod (PR #1855: 7 of 8 had none).
          served: [...served].sort(),
          sidecarArgs: sidecar?.args.filter((a: string) =>
            /^--(port|vllm-port|data-parallel-size)=/.test(a),
          ),
          modeFlags: [
            '--data-parallel-hybrid-lb',
            '--data-parallel-multi-port-external-lb',
            `--data-parallel-supervisor-port=${rp.supervisorPort}`,
          ].filter(f => s.includes(f)),
          uniquePortNames: new Set(names).size === names.length,
          probesOnDeclaredPorts: [
            'startupProbe',
            'livenessProbe',
            'readinessProbe',
          ].every(p => names.includes(vllm[p].httpGet.port)),
        }).toEqual({
          port: String(rp.vllmBasePort),
          vllmPortsDeclared: true,
          served: [...targetPorts].sort(),
          sidecarArgs:
            role === 'decode'
              ? [
                  '--port=8000',
                  `--vllm-port=${rp.vllmBasePort}`,
                  ...(supervisor
                    ? [`--data-parallel-size=${rp.localSize}`]
                    : []),
                ]
              : undefined,
          modeFlags: supervisor
            ? [
                '--data-parallel-multi-port-external-lb',
                `--data-parallel-supervisor-port=${rp.supervisorPort}`,
              ]
            : ['--data-parallel-hybrid-lb'],
          uniquePortNames: true,
          probesOnDeclaredPorts: true,
        });
      }
      const route: any = out.objects.find(o => o.kind === 'HTTPRoute');
      const routePorts = route ? [route.spec.rules[0].backendRefs[0].port] : [];
      expect(routePorts.every(p => targetPorts.includes(p))).toBe(true);
    },
  );

  it.each(results.map(r => [label(r.out.spec), r.out] as const))(
    '%s: labels, selector, GPUs, wiring',
    (_, out) => {
      const { spec, plan } = out;
      const pool: any = out.objects.find(o => o.kind === 'InferencePool');
      const selector = pool.spec.selector.matchLabels;
      const models = modelTemplates(out);
      // The pool selects every model-server template and nothing else.
      expect(
        podTemplates(out.objects).map(t => [
          t.owner,
          t.name,
          selects(selector, t.labels),
        ]),
      ).toEqual(
        podTemplates(out.objects).map(t => [
          t.owner,
          t.name,
          !t.owner.startsWith('Deployment/'),
        ]),
      );
      expect(new Set(models.map(t => t.labels['llm-d.ai/role']))).toEqual(
        new Set(['prefill', 'decode']),
      );
      const L = HARDWARE_PROFILES[spec.hardware].gpusPerNode;
      for (const t of models) {
        const role = t.labels['llm-d.ai/role'];
        const vllm = container(t, 'vllm');
        expect({
          gpus: vllm.resources.limits['nvidia.com/gpu'],
          dpSizeLocal: vllm.env.find((e: any) => e.name === 'DP_SIZE_LOCAL')
            .value,
          // The sidecar runs on decode only.
          sidecar: !!container(t, 'routing-proxy'),
          // The HF token only ever comes from a Secret.
          tokens: vllm.env.filter((e: any) => /TOKEN/.test(e.name)),
          podPrivileged: t.podSpec.securityContext?.privileged,
        }).toEqual({
          gpus: String(L),
          dpSizeLocal: String(L),
          sidecar: role === 'decode',
          tokens: [
            {
              name: 'HF_TOKEN',
              valueFrom: { secretKeyRef: spec.hfTokenSecret },
            },
          ],
          podPrivileged: undefined,
        });
      }
      const gpusOf = (role: string) =>
        models
          .filter(t => t.labels['llm-d.ai/role'] === role)
          .reduce(
            (n, t) =>
              n +
              t.pods *
                Number(container(t, 'vllm').resources.limits['nvidia.com/gpu']),
            0,
          );
      expect({ prefill: gpusOf('prefill'), decode: gpusOf('decode') }).toEqual({
        prefill: spec.prefill.replicas * spec.prefill.dataParallelSize,
        decode: spec.decode.replicas * spec.decode.dataParallelSize,
      });
      expect(plan.roles.prefill.totalGpus + plan.roles.decode.totalGpus).toBe(
        gpusOf('prefill') + gpusOf('decode'),
      );

      // GB200: MNNVL exactly once (a ComputeDomain with claims, or Grove auto-MNNVL).
      // H200/B200: RDMA wiring for the provider, never a ComputeDomain.
      const gb200 = spec.hardware === 'gb200';
      const cds = out.objects.filter(o => o.kind === 'ComputeDomain').length;
      const pcs: any = out.objects.find(o => o.kind === 'PodCliqueSet');
      const autoMnnvl =
        pcs?.metadata.annotations?.['grove.io/mnnvl-group'] !== undefined;
      expect({
        wiring: cds + Number(autoMnnvl),
        claimsOnEveryPod: models.every(t => !!t.podSpec.resourceClaims),
      }).toEqual({
        wiring: gb200 ? 1 : 0,
        claimsOnEveryPod: cds === 1,
      });
      for (const t of models) {
        const c = container(t, 'vllm');
        const envNames: string[] = c.env.map((e: any) => e.name);
        expect({
          arm64Toleration: (t.podSpec.tolerations ?? []).some(
            (x: any) => x.value === 'arm64',
          ),
          arm64Image: /gb200/.test(c.image),
          ibgda: envNames.includes('NVSHMEM_IB_ENABLE_IBGDA'),
          mnnvlEnv: envNames.includes('NCCL_MNNVL_ENABLE'),
          ipcLock: c.securityContext.capabilities.add.includes('IPC_LOCK'),
          rdmaIb: c.resources.limits['rdma/ib'],
          privileged: c.securityContext.privileged === true,
          gkeNics: !!t.annotations['networking.gke.io/interfaces'],
        }).toEqual({
          arm64Toleration: gb200,
          arm64Image: gb200,
          ibgda: !gb200,
          mnnvlEnv: gb200,
          ipcLock: true,
          rdmaIb:
            !gb200 && spec.clusterProvider === 'coreweave' ? '1' : undefined,
          privileged: !gb200 && spec.clusterProvider === 'gke',
          gkeNics: spec.clusterProvider === 'gke',
        });
      }

      // provider.name semantics: extras exactly for the gateway that needs them.
      const provider = routerProvider(spec.gateway);
      const kinds = out.objects.map(o => o.kind);
      const dr: any = out.objects.find(o => o.kind === 'DestinationRule');
      expect({
        destinationRuleHost: dr?.spec.host,
        gkePolicies: out.objects
          .filter(o => o.apiVersion === 'networking.gke.io/v1')
          .map(o => o.kind)
          .sort(),
        gateway: kinds.includes('Gateway') && kinds.includes('HTTPRoute'),
        gatewayParameters: kinds.includes('GatewayParameters'),
      }).toEqual({
        destinationRuleHost:
          provider === 'istio' ? `${spec.name}-infpool-epp` : undefined,
        gkePolicies:
          provider === 'gke' ? ['GCPBackendPolicy', 'HealthCheckPolicy'] : [],
        gateway: spec.gateway !== 'none',
        gatewayParameters: spec.gateway === 'kgateway-openshift',
      });

      // Leader and worker env from one source: LWS has one template; Grove
      // cliques of a role differ only in the node-rank offset.
      const envsByRole = (role: string) =>
        models
          .filter(t => t.labels['llm-d.ai/role'] === role)
          .map(t =>
            JSON.stringify(
              container(t, 'vllm').env.filter(
                (e: any) => e.name !== 'WIDE_EP_NODE_RANK_OFFSET',
              ),
            ),
          );
      expect(new Set(envsByRole('prefill')).size).toBe(1);
      expect(new Set(envsByRole('decode')).size).toBe(1);
      expect(
        out.objects.some(
          (o: any) => o.spec?.leaderWorkerTemplate?.leaderTemplate,
        ),
      ).toBe(false);
      expect(JSON.stringify(out.objects)).not.toContain('packDomain');
    },
  );

  it.each(results.map(r => [label(r.out.spec), r] as const))(
    '%s: deterministic YAML that reads back unchanged as YAML 1.1',
    (_, r) => {
      const again = render(r.input);
      expect(again.files).toEqual(r.out.files);
      for (const o of r.out.objects) {
        const file = r.out.files.find(
          f =>
            f.path ===
            `manifests/${o.kind.toLowerCase()}-${o.metadata.name}.yaml`,
        )!;
        expect(parse(file.content, { version: '1.1' })).toEqual(
          JSON.parse(JSON.stringify(o)),
        );
      }
      const kustomization = parse(
        r.out.files.find(f => f.path === 'kustomization.yaml')!.content,
      );
      expect(kustomization.resources).toEqual(
        r.out.files
          .filter(f => f.path.startsWith('manifests/'))
          .map(f => f.path),
      );
    },
  );
});
