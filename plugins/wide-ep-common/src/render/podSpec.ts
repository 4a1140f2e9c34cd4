import { LABELS, PORTS } from '../constants';
import { HARDWARE_PROFILES } from '../hardware';
import { VERSION_SET } from '../versionSet';
import type { Role, WideEpSpec } from '../specSchema';
import type { RolePlan } from '../topology';
import { objectNames } from '../names';
import { isFp4Model } from '../validateTopology';
import { NODE_RANK_OFFSET_ENV, vllmScript } from './vllmCommand';
import { vllmPortName } from './portNames';

type Env = { name: string; value?: string; valueFrom?: unknown };
type ContainerPort = { name: string; containerPort: number; protocol: 'TCP' };

/** Name of the pod-level claim on the explicit ComputeDomain channel. */
export const COMPUTE_DOMAIN_CLAIM = 'compute-domain-channel';

/** How a pod gets its multi-node NVLink channel, or none (RDMA hardware). @public */
export function mnnvlMode(
  spec: WideEpSpec,
): 'none' | 'computeDomain' | 'groveAuto' {
  if (HARDWARE_PROFILES[spec.hardware].fabric !== 'mnnvl') return 'none';
  return spec.orchestrator === 'grove' ? 'groveAuto' : 'computeDomain';
}

const value = (name: string, v: string): Env => ({ name, value: v });

/**
 * Environment of the vllm container. One list per role: LWS leader and
 * worker share the template, and Grove leader and worker cliques differ
 * only in {@link NODE_RANK_OFFSET_ENV} (upstream defect #16).
 */
export function vllmEnv(spec: WideEpSpec, plan: RolePlan): Env[] {
  const profile = HARDWARE_PROFILES[spec.hardware];
  const env: Env[] = [
    {
      name: 'HF_TOKEN',
      valueFrom: {
        secretKeyRef: {
          name: spec.hfTokenSecret.name,
          key: spec.hfTokenSecret.key,
        },
      },
    },
    value('DP_SIZE_LOCAL', String(plan.localSize)),
    value('TP_SIZE', '1'),
    value('VLLM_SKIP_P2P_CHECK', '1'),
    value('VLLM_RANDOMIZE_DP_DUMMY_INPUTS', '1'),
    value('VLLM_USE_DEEP_GEMM', '1'),
    value('VLLM_LOGGING_LEVEL', 'INFO'),
    value('GLOO_SOCKET_IFNAME', 'eth0'),
    value('NCCL_SOCKET_IFNAME', 'eth0'),
    {
      name: 'VLLM_NIXL_SIDE_CHANNEL_HOST',
      valueFrom: { fieldRef: { fieldPath: 'status.podIP' } },
    },
    value('VLLM_NIXL_SIDE_CHANNEL_PORT', String(PORTS.nixlSideChannel)),
  ];
  if (profile.fabric === 'rdma') {
    env.push(
      value('TRITON_LIBCUDA_PATH', '/usr/lib64'),
      value('VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS', '1'),
      value('NVIDIA_GDRCOPY', 'enabled'),
      value('NVSHMEM_REMOTE_TRANSPORT', 'ibgda'),
      value('NVSHMEM_IB_ENABLE_IBGDA', 'true'),
      value('NVSHMEM_BOOTSTRAP_UID_SOCK_IFNAME', 'eth0'),
    );
    if (plan.role === 'decode')
      env.push(value('NVSHMEM_SYMMETRIC_SIZE', '16G'));
    if (plan.role === 'prefill') {
      // The prefill engines take longest to warm up (revision D).
      env.push(value('VLLM_ENGINE_READY_TIMEOUT_S', '3000'));
    }
    if (spec.clusterProvider === 'gke') {
      env.push(
        value(
          'DEEP_EP_DEVICE_TO_HCA_MAPPING',
          Array.from({ length: 8 }, (_, i) => `${i}:mlx5_${i}:1`).join(','),
        ),
        // The GKE NCCL tuner and net plugins fight DeepEP's IBGDA path.
        value('NCCL_TUNER_PLUGIN', 'none'),
        value('NCCL_NET_PLUGIN', ''),
      );
    }
    if (spec.clusterProvider === 'coreweave') {
      env.push(value('NCCL_IB_HCA', 'ibp'), value('NVSHMEM_HCA_PREFIX', 'ibp'));
    }
  } else {
    env.push(
      value('UCX_TLS', 'cuda_copy,cuda_ipc,tcp'),
      value('UCX_CUDA_IPC_ENABLE_MNNVL', 'y'),
      value('UCX_MEMTYPE_CACHE', 'n'),
      value('NCCL_MNNVL_ENABLE', '1'),
      value('NCCL_CUMEM_ENABLE', '1'),
      value('NCCL_NVLS_ENABLE', '1'),
      value('NCCL_P2P_LEVEL', 'NVL'),
      value('VLLM_USE_NCCL_SYMM_MEM', '1'),
      value('TORCH_DISTRIBUTED_TIMEOUT', '7200'),
      value('NCCL_STORE_TIMEOUT', '7200'),
      value('TORCH_DIST_INIT_BARRIER_TIMEOUT', '7200'),
      value('VLLM_ENGINE_READY_TIMEOUT_S', '1800'),
    );
    if (isFp4Model(spec.model)) {
      env.push(
        value('VLLM_USE_FLASHINFER_MOE_FP4', '1'),
        value('VLLM_FLASHINFER_MOE_BACKEND', 'throughput'),
      );
    }
    // No VLLM_NIXL_ABORT_REQUEST_TIMEOUT (upstream G sets 600): vLLM 0.23.0
    // does not read it. Prefill holds KV blocks under a lease that decode
    // renews (kv_lease_duration in kv_connector_extra_config, default 30 s;
    // nixl/worker.py), checked by src/conformance/vllmCli.test.ts.
  }
  if (plan.role === 'prefill') {
    // The decode sidecar keeps idle connections to prefill for 90 s; vLLM's
    // 5 s keep-alive would reset them under load, on any fabric (review M7;
    // revision D base/prefill.yaml).
    env.push(value('VLLM_HTTP_TIMEOUT_KEEP_ALIVE', '120'));
  }
  env.push(
    value('CUDA_CACHE_PATH', '/var/cache/vllm/cuda'),
    value('CCACHE_DIR', '/var/cache/vllm/ccache'),
    value('VLLM_CACHE_ROOT', '/var/cache/vllm/vllm'),
    value('FLASHINFER_WORKSPACE_BASE', '/var/cache/vllm/flashinfer'),
    value('HF_HUB_CACHE', '/var/cache/huggingface'),
  );
  return env;
}

function vllmPorts(plan: RolePlan): ContainerPort[] {
  const tcp = (name: string, containerPort: number): ContainerPort => ({
    name,
    containerPort,
    protocol: 'TCP',
  });
  const ports =
    plan.launchMode === 'supervisor'
      ? [
          ...plan.vllmPorts.map((p, i) =>
            tcp(vllmPortName('supervisor', i), p),
          ),
          tcp('supervisor', plan.supervisorPort!),
        ]
      : [tcp(vllmPortName('hybrid', 0), plan.vllmBasePort)];
  ports.push(tcp('dp-rpc', PORTS.dataParallelRpc));
  // No NIXL side-channel ports: a rank listens on
  // VLLM_NIXL_SIDE_CHANNEL_PORT + its global DP index, which differs per pod
  // of one template, so any fixed list would be wrong on every pod but the
  // first (wide-ep-domain.md §14). The README names the range instead.
  return ports;
}

function probes(spec: WideEpSpec, plan: RolePlan) {
  const port = plan.launchMode === 'supervisor' ? 'supervisor' : 'vllm';
  const startup = HARDWARE_PROFILES[spec.hardware].startupProbe;
  return {
    startupProbe: {
      httpGet: { path: '/health', port },
      periodSeconds: startup.periodSeconds,
      timeoutSeconds: 5,
      failureThreshold: startup.failureThreshold,
    },
    livenessProbe: {
      httpGet: { path: '/health', port },
      periodSeconds: 30,
      timeoutSeconds: 5,
      failureThreshold: 3,
    },
    // The supervisor's /readyz is 200 only when every local rank is healthy;
    // a /v1/models probe would keep a pod with a dead rank Ready (#11).
    readinessProbe: {
      httpGet: {
        path: plan.launchMode === 'supervisor' ? '/readyz' : '/v1/models',
        port,
      },
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 3,
    },
  };
}

function resources(spec: WideEpSpec, plan: RolePlan) {
  const profile = HARDWARE_PROFILES[spec.hardware];
  const limits: Record<string, string> = {
    'nvidia.com/gpu': String(plan.gpusPerPod),
    memory: spec.podResources?.memory ?? profile.memory,
    'ephemeral-storage': '1Ti',
  };
  const requests: Record<string, string> = {
    ...limits,
    cpu: spec.podResources?.cpu ?? profile.cpu,
  };
  if (spec.clusterProvider === 'gke') {
    if (profile.fabric === 'rdma') {
      // GKE's webhook injects the NICs from the interfaces annotation; the
      // zero requests let the A3 Ultra scheduler variant place the pod.
      for (let i = 0; i < 8; i++) {
        limits[`networking.gke.io.networks/rdma-${i}`] = '0';
        requests[`networking.gke.io.networks/rdma-${i}`] = '0';
      }
    } else {
      for (let i = 0; i < 4; i++)
        limits[`networking.gke.io.networks/rdma-${i}`] = '1';
    }
  }
  const rdma = rdmaRequest(spec);
  if (rdma) {
    limits[rdma.resource] = String(rdma.count);
    requests[rdma.resource] = String(rdma.count);
  }
  return { limits, requests };
}

/**
 * The RDMA device request of an H200/B200 pod: the spec's, else CoreWeave's
 * `rdma/ib`; none on GKE (annotations) and on generic clusters without one
 * (the spec warns: DeepEP over IBGDA needs the NICs, review M2).
 */
export function rdmaRequest(
  spec: WideEpSpec,
): { resource: string; count: number } | undefined {
  if (HARDWARE_PROFILES[spec.hardware].fabric !== 'rdma') return undefined;
  if (spec.clusterProvider === 'gke') return undefined;
  if (spec.rdma) return spec.rdma;
  if (spec.clusterProvider === 'coreweave')
    return { resource: 'rdma/ib', count: 1 };
  return undefined;
}

function volumes(spec: WideEpSpec) {
  const shm = {
    name: 'dshm',
    emptyDir: {
      medium: 'Memory',
      sizeLimit: HARDWARE_PROFILES[spec.hardware].shmSize,
    },
  };
  const cache = (name: string, kind: 'hf' | 'jit') => {
    if (spec.clusterProvider === 'gke') {
      return {
        name,
        hostPath: {
          path: `/mnt/stateful_partition/kube-ephemeral-ssd/shared_disk/vllm-${kind}-cache`,
          type: 'DirectoryOrCreate',
        },
      };
    }
    if (spec.clusterProvider === 'coreweave') {
      return {
        name,
        hostPath: {
          path: `/mnt/local/${kind}-cache`,
          type: 'DirectoryOrCreate',
        },
      };
    }
    return { name, emptyDir: {} };
  };
  return [shm, cache('hf-cache', 'hf'), cache('jit-cache', 'jit')];
}

function routingSidecar(plan: RolePlan) {
  const multiPort = plan.launchMode === 'supervisor';
  const args = [
    `--port=${PORTS.serving}`,
    // The sidecar's default vLLM port is 8001, which would collide with rank 1.
    `--vllm-port=${plan.vllmBasePort}`,
    ...(multiPort ? [`--data-parallel-size=${plan.localSize}`] : []),
    `${VERSION_SET.sidecar.connectorFlag}=nixlv2`,
    '--zap-log-level=1',
    '--secure-proxy=false',
    '--enable-prefiller-sampling',
  ];
  return {
    name: 'routing-proxy',
    image: VERSION_SET.sidecar.image,
    imagePullPolicy: 'IfNotPresent',
    args,
    ports: multiPort
      ? plan.servingPorts.map((p, i) => ({
          name: `rank${i}`,
          containerPort: p,
          protocol: 'TCP',
        }))
      : [{ name: 'sidecar', containerPort: PORTS.serving, protocol: 'TCP' }],
    resources: { requests: { cpu: '1', memory: '1Gi' } },
    // Native sidecar: starts before vLLM and lives as long as the pod.
    restartPolicy: 'Always',
    securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true },
  };
}

/** Pod-template annotations the cluster provider needs (GKE multi-NIC). */
export function providerPodAnnotations(
  spec: WideEpSpec,
): Record<string, string> {
  if (spec.clusterProvider !== 'gke') return {};
  const rdma = HARDWARE_PROFILES[spec.hardware].fabric === 'rdma';
  const nics = rdma
    ? Array.from({ length: 8 }, (_, i) => ({
        interfaceName: `eth${i + 2}`,
        network: `rdma-${i}`,
      }))
    : Array.from({ length: 4 }, (_, i) => ({
        interfaceName: `rdma${i}`,
        network: `rdma-${i}`,
      }));
  return {
    'networking.gke.io/default-interface': 'eth0',
    'networking.gke.io/interfaces': JSON.stringify([
      { interfaceName: 'eth0', network: 'default' },
      ...nics,
    ]),
  };
}

/**
 * The pod spec of one role. `nodeRankOffset` is set only for Grove cliques
 * (0 leader, 1 worker); LWS pods read their index from LWS_WORKER_INDEX.
 */
export function modelServerPodSpec(
  spec: WideEpSpec,
  plan: RolePlan,
  nodeRankOffset?: number,
) {
  const profile = HARDWARE_PROFILES[spec.hardware];
  const role: Role = plan.role;
  const env = vllmEnv(spec, plan);
  if (nodeRankOffset !== undefined)
    env.splice(1, 0, value(NODE_RANK_OFFSET_ENV, String(nodeRankOffset)));
  const mnnvl = mnnvlMode(spec);
  const container: Record<string, unknown> = {
    name: 'vllm',
    image: VERSION_SET.vllm.images[profile.arch],
    imagePullPolicy: 'IfNotPresent',
    command: ['/bin/bash', '-c'],
    args: [vllmScript(spec, plan)],
    env,
    ports: vllmPorts(plan),
    ...probes(spec, plan),
    resources: {
      ...resources(spec, plan),
      ...(mnnvl === 'computeDomain'
        ? { claims: [{ name: COMPUTE_DOMAIN_CLAIM }] }
        : {}),
    },
    securityContext: {
      capabilities: { add: ['IPC_LOCK', 'SYS_RAWIO'] },
      runAsUser: 0,
      runAsGroup: 0,
      // GPU-initiated RDMA (IBGDA) on GKE needs the device files unfiltered.
      ...(spec.clusterProvider === 'gke' && profile.fabric === 'rdma'
        ? { privileged: true }
        : {}),
    },
    volumeMounts: [
      { name: 'dshm', mountPath: '/dev/shm' },
      { name: 'hf-cache', mountPath: '/var/cache/huggingface' },
      { name: 'jit-cache', mountPath: '/var/cache/vllm' },
    ],
  };
  const podSpec: Record<string, unknown> = {
    serviceAccountName: objectNames(spec.name).serviceAccount,
    ...(spec.orchestrator === 'grove' && spec.grove.kaiScheduler
      ? { schedulerName: 'kai-scheduler' }
      : {}),
    ...(plan.sidecar ? { initContainers: [routingSidecar(plan)] } : {}),
    containers: [container],
    volumes: volumes(spec),
  };
  if (profile.arch === 'arm64') {
    podSpec.nodeSelector = { 'kubernetes.io/arch': 'arm64' };
    podSpec.tolerations = [
      {
        key: 'kubernetes.io/arch',
        operator: 'Equal',
        value: 'arm64',
        effect: 'NoSchedule',
      },
    ];
  }
  if (mnnvl === 'computeDomain') {
    podSpec.resourceClaims = [
      {
        name: COMPUTE_DOMAIN_CLAIM,
        resourceClaimTemplateName: objectNames(spec.name)
          .computeDomainClaimTemplate,
      },
    ];
  }
  const affinity = podAffinity(spec, role);
  if (affinity) podSpec.affinity = { podAffinity: affinity };
  return podSpec;
}

/**
 * LWS on GB200: every pod of the deployment in one NVL72 rack (one
 * `nvidia.com/gpu.clique`), since the ComputeDomain and the NVLink KV path
 * between prefill and decode end at the rack (wide-ep-domain.md §3.4). The
 * first pod matches its own term, so the scheduler may place it anywhere.
 * GKE: prefer the same topology block for pods of one role.
 */
function podAffinity(spec: WideEpSpec, role: Role) {
  const out: Record<string, unknown> = {};
  if (mnnvlMode(spec) === 'computeDomain') {
    out.requiredDuringSchedulingIgnoredDuringExecution = [
      {
        labelSelector: { matchLabels: { [LABELS.deployment]: spec.name } },
        topologyKey: 'nvidia.com/gpu.clique',
      },
    ];
  }
  if (spec.clusterProvider === 'gke') {
    const sameRole = {
      matchLabels: { [LABELS.deployment]: spec.name, [LABELS.role]: role },
    };
    out.preferredDuringSchedulingIgnoredDuringExecution = [
      {
        weight: 2,
        podAffinityTerm: {
          labelSelector: sameRole,
          topologyKey: 'cloud.google.com/gce-topology-block',
        },
      },
      {
        weight: 1,
        podAffinityTerm: {
          labelSelector: sameRole,
          topologyKey: 'cloud.google.com/gce-topology-subblock',
        },
      },
    ];
  }
  return Object.keys(out).length ? out : undefined;
}
