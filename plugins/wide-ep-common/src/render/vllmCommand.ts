import { PORTS } from '../constants';
import { HARDWARE_PROFILES } from '../hardware';
import { groveRoleLayout } from '../names';
import { servedModelName } from '../labels';
import type { Role, WideEpSpec } from '../specSchema';
import type { RolePlan } from '../topology';
import { isFp4Model } from '../validateTopology';
import { execLines, Flag, shellQuote } from './shell';

/** Env var that differs between Grove leader and worker cliques: nothing else does. */
export const NODE_RANK_OFFSET_ENV = 'WIDE_EP_NODE_RANK_OFFSET';

/**
 * The bash script of the vllm container. Only the pod's index inside its
 * group is read at run time; sizes, ports and the model are literals
 * (wide-ep-domain.md §4).
 */
export function vllmScript(spec: WideEpSpec, plan: RolePlan): string {
  const lines = [
    '# Crash leftovers exhaust /dev/shm (llm-d/llm-d#352).',
    'find /dev/shm -type f -delete',
    ...rankPreamble(spec, plan),
    ...execLines(
      ['vllm', 'serve', shellQuote(spec.model)],
      vllmFlags(spec, plan),
    ),
  ];
  return `${lines.join('\n')}\n`;
}

function rankPreamble(spec: WideEpSpec, plan: RolePlan): string[] {
  const L = plan.localSize;
  if (spec.orchestrator === 'lws') {
    return [
      `START_RANK=$(( \${LWS_WORKER_INDEX:-0} * ${L} ))`,
      'LEADER_ADDRESS="${LWS_LEADER_ADDRESS}"',
    ];
  }
  const layout = groveRoleLayout(plan.role, plan.podsPerGroup);
  if (layout.kind === 'standalone') {
    // Each pod of a standalone clique is its own DP group: it leads itself
    // (upstream pointed every prefill pod at prefill-0, defect #13).
    return [
      'START_RANK=0',
      'LEADER_ADDRESS="${GROVE_PCLQ_NAME}-${GROVE_PCLQ_POD_INDEX}.${GROVE_HEADLESS_SERVICE}"',
    ];
  }
  // Built from the scaling group, not by rewriting "worker" in the clique
  // name, which breaks when the deployment name contains "worker" (#14).
  return [
    `START_RANK=$(( (\${GROVE_PCLQ_POD_INDEX} + \${${NODE_RANK_OFFSET_ENV}}) * ${L} ))`,
    `LEADER_ADDRESS="\${GROVE_PCSG_NAME}-\${GROVE_PCSG_INDEX}-${layout.leader}-0.\${GROVE_HEADLESS_SERVICE}"`,
  ];
}

function vllmFlags(spec: WideEpSpec, plan: RolePlan): Flag[] {
  const gb200 = HARDWARE_PROFILES[spec.hardware].fabric === 'mnnvl';
  const role: Role = plan.role;
  const flags: Flag[] = [];
  if (spec.servedModelName && spec.servedModelName !== spec.model) {
    flags.push(['--served-model-name', shellQuote(servedModelName(spec))]);
  }
  flags.push(
    ['--port', String(plan.vllmBasePort)],
    ['--trust-remote-code'],
    ['--disable-access-log-for-endpoints=/health,/metrics'],
    ['--enable-expert-parallel'],
    ['--tensor-parallel-size', '1'],
    ['--data-parallel-size', String(plan.dataParallelSize)],
    ['--data-parallel-size-local', String(plan.localSize)],
    ['--data-parallel-address', '"${LEADER_ADDRESS}"'],
    ['--data-parallel-rpc-port', String(PORTS.dataParallelRpc)],
    ['--data-parallel-start-rank', '"${START_RANK}"'],
  );
  if (plan.launchMode === 'supervisor') {
    flags.push(
      ['--data-parallel-multi-port-external-lb'],
      [`--data-parallel-supervisor-port=${plan.supervisorPort}`],
    );
  } else {
    flags.push(['--data-parallel-hybrid-lb']);
  }
  const kvTransfer: Record<string, string> = {
    kv_connector: 'NixlConnector',
    kv_role: 'kv_both',
    kv_load_failure_policy: 'fail',
  };
  if (gb200) kvTransfer.kv_buffer_device = 'cuda';
  flags.push(['--kv-transfer-config', shellQuote(JSON.stringify(kvTransfer))]);

  if (gb200) {
    flags.push(
      [
        '--all2all-backend',
        role === 'prefill'
          ? 'allgather_reducescatter'
          : 'flashinfer_nvlink_two_sided',
      ],
      ['--kv-cache-dtype', 'fp8'],
      ['--block-size', '256'],
      ['--no-disable-hybrid-kv-cache-manager'],
      ['--enable-cumem-allocator'],
      ['--gpu-memory-utilization', '0.9'],
    );
    if (role === 'prefill') {
      flags.push(
        ['--max-num-seqs', '64'],
        ['--max-num-batched-tokens', '16384'],
        ['--max-model-len', '10000'],
      );
    } else {
      flags.push(
        ['--max-num-seqs', '128'],
        ['--max-num-batched-tokens', '128'],
        ['--max-cudagraph-capture-size', '128'],
        [
          '--compilation-config',
          shellQuote(JSON.stringify({ cudagraph_mode: 'FULL_DECODE_ONLY' })),
        ],
      );
    }
  } else {
    flags.push(
      [
        '--all2all-backend',
        role === 'prefill' ? 'deepep_high_throughput' : 'deepep_low_latency',
      ],
      ['--moe-backend', 'deep_gemm'],
    );
    if (role === 'prefill') {
      flags.push(['--gpu-memory-utilization', '0.80']);
    } else {
      // DBO overlaps DeepEP collectives with compute; it does not combine
      // with the NVLink all-to-all kernels used on GB200.
      flags.push(
        ['--enable-dbo'],
        ['--dbo-decode-token-threshold', '32'],
        ['--max-num-seqs', '256'],
        ['--max-num-batched-tokens', '256'],
      );
      // B200 decode needs an explicit KV budget (vllm-project/vllm#25597);
      // emitted only with a value (upstream passed an empty one, defect #25).
      if (spec.hardware === 'b200')
        flags.push(['--kv-cache-memory-bytes=63000000000']);
    }
  }
  if (spec.eplb && !isFp4Model(spec.model)) {
    flags.push(
      ['--enable-eplb'],
      [
        '--eplb-config',
        shellQuote(
          JSON.stringify({
            window_size: 1000,
            step_interval: 3000,
            num_redundant_experts: 32,
            log_balancedness: false,
          }),
        ),
      ],
    );
  }
  return flags;
}
