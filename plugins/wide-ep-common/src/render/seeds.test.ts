/**
 * The two upstream guides this product reproduces, compared field by field
 * with the upstream manifests in shared/reference where upstream is right,
 * and with the correction asserted where upstream is wrong (defect numbers
 * from wide-ep-domain.md §13).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { parseSpec, WideEpSpecInput } from '../spec';
import { renderDeployment } from './index';
import { GROVE_GB200_SEED, LWS_H200_SEED } from '../seeds';
import { sharedDir } from '../__testUtils__/sharedDir';
import { podTemplates, selects } from '../__testUtils__/podTemplates';

const guides = path.join(sharedDir(), 'reference/llm-d/guides');
const upstream = (rel: string) =>
  parse(fs.readFileSync(path.join(guides, rel), 'utf8'));
const render = (input: WideEpSpecInput) => {
  const r = parseSpec(input);
  if (!r.success) throw new Error(JSON.stringify(r.issues));
  return renderDeployment(r.spec);
};
const byName = (list: any[] = []) =>
  Object.fromEntries(list.map(x => [x.name, x]));
const envMap = (c: any) =>
  Object.fromEntries(
    (c.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]),
  );
const flags = (script: string) =>
  script
    .split('\n')
    .filter(line => !line.trim().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split(/\s+/)
    .filter(w => w.startsWith('--'));
const str = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));

describe('LWS on H200 (CoreWeave) against llm-d @ 7edda66 (revision D)', () => {
  const out = render(LWS_H200_SEED);
  const ours = (role: string) =>
    out.objects.find(
      o => o.kind === 'LeaderWorkerSet' && o.metadata.name.endsWith(role),
    ) as any;
  const theirs = (role: string) =>
    upstream(`wide-ep-lws/modelserver/gpu/vllm/base/${role}.yaml`);

  it.each(['prefill', 'decode'])(
    '%s: group shape, resources, probes, volumes and security match',
    role => {
      const o = ours(role).spec.leaderWorkerTemplate;
      const u = theirs(role).spec.leaderWorkerTemplate;
      expect(ours(role).spec.replicas).toBe(theirs(role).spec.replicas);
      expect(o.size).toBe(u.size);
      const oc = o.workerTemplate.spec.containers[0];
      const uc = u.workerTemplate.spec.containers[0];
      expect(str(oc.resources.requests)).toMatchObject(
        str(uc.resources.requests),
      );
      expect(str(oc.resources.limits)).toMatchObject(str(uc.resources.limits));
      // CoreWeave overlay: one InfiniBand device per pod.
      expect(oc.resources.limits['rdma/ib']).toBe('1');
      for (const p of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
        // initialDelaySeconds: 0 is the API default; we leave it out.
        const { initialDelaySeconds = 0, ...rest } = uc[p];
        expect(initialDelaySeconds).toBe(0);
        expect(oc[p]).toEqual(rest);
      }
      expect(oc.securityContext).toMatchObject(uc.securityContext);
      expect(oc.volumeMounts).toEqual(uc.volumeMounts);
      expect(o.workerTemplate.spec.volumes[0]).toEqual(
        u.workerTemplate.spec.volumes[0],
      );
      // CoreWeave overlay's cache volumes, as named volumes rather than positional patches (#6).
      expect(byName(o.workerTemplate.spec.volumes)['hf-cache']).toEqual({
        name: 'hf-cache',
        hostPath: { path: '/mnt/local/hf-cache', type: 'DirectoryOrCreate' },
      });
      expect(envMap(oc)).toMatchObject({
        NCCL_IB_HCA: 'ibp',
        NVSHMEM_HCA_PREFIX: 'ibp',
      });
    },
  );

  it.each(['prefill', 'decode'])(
    '%s: every upstream env var is set to the same value',
    role => {
      const oc =
        ours(role).spec.leaderWorkerTemplate.workerTemplate.spec.containers[0];
      const uc =
        theirs(role).spec.leaderWorkerTemplate.workerTemplate.spec
          .containers[0];
      const theirsEnv = envMap(uc);
      // MAX_TOKENS only fed the script; we write the value as a literal flag.
      delete theirsEnv.MAX_TOKENS;
      expect(envMap(oc)).toMatchObject(theirsEnv);
    },
  );

  it.each(['prefill', 'decode'])(
    '%s: vLLM flags match, with sizes written as literals',
    role => {
      const oc =
        ours(role).spec.leaderWorkerTemplate.workerTemplate.spec.containers[0];
      const uc =
        theirs(role).spec.leaderWorkerTemplate.workerTemplate.spec
          .containers[0];
      const theirsFlags = flags(uc.args[0]).map(f => f.split('=')[0]);
      const oursFlags = flags(oc.args[0]).map(f => f.split('=')[0]);
      expect(oursFlags).toEqual(
        expect.arrayContaining(
          theirsFlags.map(f =>
            f === '--kv_transfer_config' ? '--kv-transfer-config' : f,
          ),
        ),
      );
      expect(oc.args[0]).toContain('--data-parallel-size 16 ');
      expect(oc.args[0]).toContain(
        `--port ${role === 'decode' ? 8200 : 8000} `,
      );
      expect(oc.args[0]).toContain(
        `--data-parallel-supervisor-port=${role === 'decode' ? 8208 : 8008}`,
      );
    },
  );

  it('decode: sidecar args and rank ports match', () => {
    const o = ours('decode').spec.leaderWorkerTemplate.workerTemplate.spec;
    const u = theirs('decode').spec.leaderWorkerTemplate.workerTemplate.spec;
    expect(o.initContainers[0].args).toEqual(u.initContainers[0].args);
    expect(o.initContainers[0].image).toBe(u.initContainers[0].image);
    expect(o.initContainers[0].ports).toEqual(u.initContainers[0].ports);
    expect(o.initContainers[0].restartPolicy).toBe('Always');
    const vllmPorts = byName(o.containers[0].ports);
    for (const p of u.containers[0].ports) expect(vllmPorts[p.name]).toEqual(p);
  });

  it('pool targets the 8 rank ports the router values list', () => {
    const pool: any = out.objects.find(o => o.kind === 'InferencePool');
    const values = upstream('wide-ep-lws/router/wide-ep-lws.values.yaml');
    expect(pool.spec.targetPorts).toEqual(
      values.router.modelServers.targetPorts,
    );
    expect(pool.spec.endpointPickerRef).toMatchObject({
      kind: 'Service',
      port: { number: 9002 },
      failureMode: 'FailOpen',
    });
  });

  it('EPP plugin config is the P/D config of the router values', () => {
    const cm: any = out.objects.find(
      o => o.kind === 'ConfigMap' && o.metadata.name.endsWith('epp-config'),
    );
    const values = upstream('wide-ep-lws/router/wide-ep-lws.values.yaml');
    const theirsCfg = parse(
      values.router.epp.pluginsCustomConfig['wide-ep-lws-config.yaml'],
    );
    expect(parse(cm.data['epp-config.yaml'])).toEqual(theirsCfg);
  });

  it('Istio DestinationRule keeps the upstream traffic policy, with host = our EPP service (#3)', () => {
    const dr: any = out.objects.find(o => o.kind === 'DestinationRule');
    const values = upstream(
      'wide-ep-lws/experimental-dp-aware/manifests/inferencepool.values.yaml',
    );
    expect(dr.spec.trafficPolicy).toEqual(
      values.provider.istio.destinationRule.trafficPolicy,
    );
    expect(dr.spec.host).toBe('wide-ep-infpool-epp');
    expect(
      out.objects.some(
        o => o.kind === 'Service' && o.metadata.name === dr.spec.host,
      ),
    ).toBe(true);
  });

  it('corrects: unique port names in the pod (#10), readiness on the supervisor /readyz (#11)', () => {
    const spec = ours('decode').spec.leaderWorkerTemplate.workerTemplate.spec;
    const names = [
      ...spec.initContainers[0].ports,
      ...spec.containers[0].ports,
    ].map((p: any) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(spec.containers[0].readinessProbe.httpGet).toEqual({
      path: '/readyz',
      port: 'supervisor',
    });
  });

  it('Istio gateway recipe: label, parameters ConfigMap, HTTPRoute with 0s timeouts', () => {
    const gw: any = out.objects.find(o => o.kind === 'Gateway');
    const theirsGw = upstream('recipes/gateway/istio/gateway.yaml');
    expect(gw.metadata.labels).toMatchObject(theirsGw.metadata.labels);
    expect(gw.spec.gatewayClassName).toBe(theirsGw.spec.gatewayClassName);
    expect(gw.spec.infrastructure.parametersRef).toMatchObject({
      group: '',
      kind: 'ConfigMap',
    });
    const cm: any = out.objects.find(
      o =>
        o.kind === 'ConfigMap' &&
        o.metadata.name === gw.spec.infrastructure.parametersRef.name,
    );
    const theirsCm = upstream('recipes/gateway/istio/configmap.yaml');
    expect(parse(cm.data.deployment)).toEqual(parse(theirsCm.data.deployment));
    const route: any = out.objects.find(o => o.kind === 'HTTPRoute');
    const theirsRoute = upstream('recipes/gateway/base/httproute.yaml');
    expect(route.spec.rules[0].timeouts).toEqual(
      theirsRoute.spec.rules[0].timeouts,
    );
    expect(route.spec.rules[0].backendRefs[0]).toMatchObject({
      ...theirsRoute.spec.rules[0].backendRefs[0],
      name: 'wide-ep-infpool',
    });
  });
});

describe('Grove on GB200 (GKE) against llm-d @ 018994e/a377b08 (revision G)', () => {
  const out = render(GROVE_GB200_SEED);
  const pcs: any = out.objects.find(o => o.kind === 'PodCliqueSet');
  const theirs = upstream('wide-ep/modelserver/gpu/grove/podCliqueSet.yaml');
  const ourCliques = byName(pcs.spec.template.cliques);
  const theirCliques = byName(theirs.spec.template.cliques);

  it('same cliques, replicas, scaling group and auto-MNNVL annotation', () => {
    expect(pcs.spec.replicas).toBe(theirs.spec.replicas);
    expect(pcs.metadata.annotations).toEqual(theirs.metadata.annotations);
    expect(Object.keys(ourCliques).sort()).toEqual(
      Object.keys(theirCliques).sort(),
    );
    for (const name of Object.keys(theirCliques)) {
      expect(ourCliques[name].spec).toMatchObject({
        replicas: theirCliques[name].spec.replicas,
        minAvailable: theirCliques[name].spec.minAvailable,
        roleName: theirCliques[name].spec.roleName,
      });
    }
    expect(pcs.spec.template.podCliqueScalingGroups).toEqual(
      theirs.spec.template.podCliqueScalingGroups,
    );
  });

  it.each(['prefill', 'decode-leader', 'decode-worker'])(
    '%s: resources, tolerations, scheduler, GKE NICs and env match',
    name => {
      const o = ourCliques[name];
      const u = theirCliques[name];
      const oc = o.spec.podSpec.containers[0];
      const uc = u.spec.podSpec.containers[0];
      expect(str(oc.resources.limits)).toEqual(str(uc.resources.limits));
      expect(str(oc.resources.requests)).toEqual(str(uc.resources.requests));
      expect(o.spec.podSpec.tolerations).toEqual(u.spec.podSpec.tolerations);
      expect(o.spec.podSpec.schedulerName).toBe(u.spec.podSpec.schedulerName);
      expect(byName(o.spec.podSpec.volumes).dshm).toEqual(
        byName(u.spec.podSpec.volumes).dshm,
      );
      expect(o.labels['kai.scheduler/queue']).toBe(
        u.labels['kai.scheduler/queue'],
      );
      expect(JSON.parse(o.annotations['networking.gke.io/interfaces'])).toEqual(
        JSON.parse(u.annotations['networking.gke.io/interfaces']),
      );
      const theirsEnv = envMap(uc);
      // G sets NVIDIA_GDRCOPY=1 and a NIXL log level; both are IBGDA/debug knobs with no effect on NVLink.
      delete theirsEnv.NVIDIA_GDRCOPY;
      delete theirsEnv.NIXL_LOG_LEVEL;
      // Side-channel port: one value (5600) for both orchestrators.
      delete theirsEnv.VLLM_NIXL_SIDE_CHANNEL_PORT;
      // vLLM 0.23.0 does not read it (src/conformance/vllmCli.test.ts).
      delete theirsEnv.VLLM_NIXL_ABORT_REQUEST_TIMEOUT;
      expect(envMap(oc)).toMatchObject(theirsEnv);
    },
  );

  it.each(['prefill', 'decode-leader'])('%s: vLLM flags match G', name => {
    const ours = flags(ourCliques[name].spec.podSpec.containers[0].args[0]).map(
      f => f.split('=')[0],
    );
    const theirsFlags = flags(
      theirCliques[name].spec.podSpec.containers[0].args[0],
    )
      .map(f => f.split('=')[0])
      // Empty unless B200 (#25); the other two are spelling changes of the same flag.
      .filter(
        f =>
          f !== '--kv-cache-memory-bytes' &&
          f !== '--async-scheduling' &&
          f !== '--disable-uvicorn-access-log',
      )
      .map(f => f.replace(/_/g, '-'));
    expect(ours).toEqual(expect.arrayContaining(theirsFlags));
  });

  it('corrects: hybrid pods get exactly one target port, not 8 (#9, PR #1855)', () => {
    const pool: any = out.objects.find(o => o.kind === 'InferencePool');
    expect(
      upstream('wide-ep/router/wide-ep.values.yaml').router.modelServers
        .targetPorts ?? [],
    ).not.toHaveLength(1);
    expect(pool.spec.targetPorts).toEqual([{ number: 8000 }]);
  });

  it('corrects: provider follows the gateway; kgateway gets no Istio DestinationRule (#1)', () => {
    expect(
      upstream('wide-ep/manifests/inferencepool.values.yaml').provider.name,
    ).toBe('istio');
    expect(out.objects.map(o => o.kind)).not.toContain('DestinationRule');
  });

  it('corrects: the pool selector selects every model pod (#15) and the model label is the served name (#21)', () => {
    const pool: any = out.objects.find(o => o.kind === 'InferencePool');
    for (const t of podTemplates(out.objects).filter(x =>
      x.owner.startsWith('PodCliqueSet'),
    )) {
      expect(selects(pool.spec.selector.matchLabels, t.labels)).toBe(true);
      expect(t.labels['llm-d.ai/model']).toBe('DeepSeek-R1');
    }
    expect(theirCliques.prefill.labels['llm-d.ai/model']).toBe(
      'DeepSeek-R1-0528',
    );
  });

  it('corrects: leader address from the scaling group (#14), own address for standalone prefill (#13)', () => {
    const decode =
      ourCliques['decode-worker'].spec.podSpec.containers[0].args[0];
    expect(
      theirCliques['decode-worker'].spec.podSpec.containers[0].args[0],
    ).toContain('${GROVE_PCLQ_NAME/worker/leader}');
    expect(decode).not.toContain('/worker/leader');
    expect(decode).toContain(
      'LEADER_ADDRESS="${GROVE_PCSG_NAME}-${GROVE_PCSG_INDEX}-decode-leader-0.${GROVE_HEADLESS_SERVICE}"',
    );
    expect(ourCliques.prefill.spec.podSpec.containers[0].args[0]).toContain(
      'LEADER_ADDRESS="${GROVE_PCLQ_NAME}-${GROVE_PCLQ_POD_INDEX}.${GROVE_HEADLESS_SERVICE}"',
    );
  });

  it('corrects: no packDomain (#17), no empty --kv-cache-memory-bytes (#25), topology only when named (#22)', () => {
    const text = JSON.stringify(pcs);
    expect(text).not.toContain('packDomain');
    expect(text).not.toContain('KV_CACHE_MEMORY_BYTES');
    expect(pcs.spec.template.topologyConstraint).toBeUndefined();
    const withTopology = render({
      ...GROVE_GB200_SEED,
      grove: { topologyName: 'cluster-topology' },
    });
    const p2: any = withTopology.objects.find(o => o.kind === 'PodCliqueSet');
    expect(p2.spec.template.topologyConstraint).toEqual(
      theirs.spec.template.topologyConstraint,
    );
  });

  it('corrects: worker and leader env identical but for the node-rank offset (#16)', () => {
    const leader = ourCliques['decode-leader'].spec.podSpec.containers[0].env;
    const worker = ourCliques['decode-worker'].spec.podSpec.containers[0].env;
    const diff = worker.filter(
      (e: any, i: number) => JSON.stringify(e) !== JSON.stringify(leader[i]),
    );
    expect(diff).toEqual([{ name: 'WIDE_EP_NODE_RANK_OFFSET', value: '1' }]);
    expect(envMap({ env: worker }).VLLM_USE_NCCL_SYMM_MEM).toBe('1');
  });
});

describe('LWS on GB200 against the OCI DeepSeek-V4 ComputeDomain (revision D)', () => {
  const out = render({
    ...LWS_H200_SEED,
    hardware: 'gb200',
    clusterProvider: 'generic',
    gateway: 'istio',
  });
  it('wires one explicit ComputeDomain with numNodes 0 (#19) and claims it from every pod, arm64 on both roles (#7)', () => {
    const theirsCd = upstream(
      'wide-ep-lws/modelserver/gpu/vllm-deepseek-v4/providers/oci/compute-domain.yaml',
    );
    const cd: any = out.objects.find(o => o.kind === 'ComputeDomain');
    expect(cd.apiVersion).toBe(theirsCd.apiVersion);
    expect(cd.spec.numNodes).toBe(0);
    for (const t of podTemplates(out.objects).filter(x =>
      x.owner.startsWith('LeaderWorkerSet'),
    )) {
      expect(t.podSpec.resourceClaims).toEqual([
        {
          name: 'compute-domain-channel',
          resourceClaimTemplateName: cd.spec.channel.resourceClaimTemplate.name,
        },
      ]);
      expect(t.podSpec.containers[0].resources.claims).toEqual([
        { name: 'compute-domain-channel' },
      ]);
      expect(t.podSpec.containers[0].resources.limits['nvidia.com/gpu']).toBe(
        '4',
      );
      expect(t.podSpec.nodeSelector).toEqual({ 'kubernetes.io/arch': 'arm64' });
    }
  });
});
