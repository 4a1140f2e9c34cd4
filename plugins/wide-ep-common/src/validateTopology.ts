import { GATEWAY_CAPABILITIES } from './gateways';
import {
  HARDWARE_PROFILES,
  durationSeconds,
  startupBudgetSeconds,
} from './hardware';
import { derivedDnsNames } from './names';
import type { SpecIssue, WideEpSpec } from './specSchema';

// DeepSeek-V3/R1: 256 routed experts; EPLB adds 32 redundant ones.
const EPLB_EXPERTS = 256 + 32;

/** Checkpoints quantised to NVFP4 need the FlashInfer FP4 MoE path. @public */
export function isFp4Model(model: string): boolean {
  return /fp4/i.test(model);
}

/**
 * Cross-field rules of a wide-EP topology (wide-ep-domain.md §5, §12).
 * Pure, so the zod refinement, the form field and the action share it.
 * @public
 */
export function topologyIssues(spec: WideEpSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const profile = HARDWARE_PROFILES[spec.hardware];
  const L = profile.gpusPerNode;

  for (const role of ['prefill', 'decode'] as const) {
    const dp = spec[role].dataParallelSize;
    const path = `${role}.dataParallelSize`;
    if (dp % L !== 0) {
      issues.push({
        path,
        message: `must be a multiple of ${L} GPUs per node on ${
          spec.hardware
        } (got ${dp}; try ${Math.max(L, Math.round(dp / L) * L)})`,
      });
    }
    if (profile.maxGroupGpus && dp > profile.maxGroupGpus) {
      issues.push({
        path,
        message: `must be at most ${profile.maxGroupGpus} on ${spec.hardware}: one data-parallel group must fit in one NVL72 rack (18 trays x 4 GPUs)`,
      });
    }
    if (spec.eplb && EPLB_EXPERTS % dp !== 0) {
      issues.push({
        path,
        message: `with eplb, ${EPLB_EXPERTS} experts (256 routed + 32 redundant) must divide evenly across ${dp} ranks`,
      });
    }
  }

  if (profile.maxGroupGpus) {
    // One ComputeDomain (LWS) or one auto-MNNVL group (Grove) spans the whole
    // deployment, and an IMEX domain ends at the rack: prefill and decode
    // must share it for NIXL to move KV over NVLink (review B3, M5).
    const gpus = (['prefill', 'decode'] as const).reduce(
      (sum, role) => sum + spec[role].replicas * spec[role].dataParallelSize,
      0,
    );
    const groupsFit = (['prefill', 'decode'] as const).every(
      role => spec[role].dataParallelSize <= profile.maxGroupGpus!,
    );
    if (groupsFit && gpus > profile.maxGroupGpus) {
      issues.push({
        path: 'decode.replicas',
        message: `the deployment needs ${gpus} GPUs (prefill ${spec.prefill.replicas} x ${spec.prefill.dataParallelSize} + decode ${spec.decode.replicas} x ${spec.decode.dataParallelSize}), but one ${spec.hardware} multi-node NVLink domain is one NVL72 rack of ${profile.maxGroupGpus} GPUs (18 trays x 4); use fewer groups or split it into several deployments`,
      });
    }
  }
  const gateway = GATEWAY_CAPABILITIES[spec.gateway];
  if (spec.rankPorts && gateway.multiPortPools.support === 'no') {
    issues.push({
      path: 'rankPorts',
      message: `is not supported by ${gateway.label}: ${gateway.multiPortPools.tested}, the version upstream installs, routes an InferencePool to its first target port only or rejects it (${gateway.multiPortPools.sources[0]}); turn rankPorts off, or use istio 1.28.1 or later`,
    });
  }
  if (spec.rdma) {
    if (profile.fabric !== 'rdma') {
      issues.push({
        path: 'rdma',
        message: `is for H200/B200 over RDMA; ${spec.hardware} uses multi-node NVLink: remove it`,
      });
    } else if (spec.clusterProvider === 'gke') {
      issues.push({
        path: 'rdma',
        message:
          'is not used on gke: GKE attaches the RDMA NICs from the pod networking annotations; remove it',
      });
    }
  }
  if (spec.eplb && isFp4Model(spec.model)) {
    issues.push({
      path: 'eplb',
      message: `is not supported with FP4 checkpoints (model ${spec.model}); turn it off`,
    });
  }
  for (const { what, value } of derivedDnsNames(spec)) {
    if (value.length > 63) {
      issues.push({
        path: 'name',
        message: `is too long: the ${what} "${value}" would have ${
          value.length
        } characters (limit 63); shorten name by ${value.length - 63}`,
      });
      break;
    }
  }
  return issues;
}

/**
 * Advice that does not block rendering: combinations that render valid
 * objects but that upstream has not verified, or that need care.
 * @public
 */
export function specWarnings(spec: WideEpSpec): SpecIssue[] {
  const warnings: SpecIssue[] = [];
  if (
    spec.gateway === 'gke-l7-regional-external-managed' &&
    spec.clusterProvider !== 'gke'
  ) {
    warnings.push({
      path: 'gateway',
      message: `gke-l7-regional-external-managed is a GKE GatewayClass; a ${spec.clusterProvider} cluster will not program it`,
    });
  }
  if (spec.orchestrator === 'grove' && spec.hardware !== 'gb200') {
    warnings.push({
      path: 'orchestrator',
      message: `Grove on ${spec.hardware} has no upstream recipe; the RDMA wiring is the LWS one (unverified upstream)`,
    });
  }
  if (
    spec.orchestrator === 'lws' &&
    spec.hardware === 'gb200' &&
    spec.clusterProvider !== 'generic'
  ) {
    warnings.push({
      path: 'clusterProvider',
      message: `LWS on GB200 has no upstream ${spec.clusterProvider} recipe; the ComputeDomain wiring follows the OCI DeepSeek-V4 guide`,
    });
  }
  if (spec.hardware === 'b200' && spec.clusterProvider === 'coreweave') {
    warnings.push({
      path: 'hardware',
      message:
        'B200 on CoreWeave reuses the H200 RDMA fields (unverified upstream)',
    });
  }
  const multiPort = GATEWAY_CAPABILITIES[spec.gateway].multiPortPools;
  if (spec.rankPorts && multiPort.support === 'yes') {
    warnings.push({
      path: 'gateway',
      message: `multi-port InferencePools need ${
        GATEWAY_CAPABILITIES[spec.gateway].label
      } ${multiPort.minVersion} or later`,
    });
  }
  if (spec.rankPorts && multiPort.support === 'unverified') {
    warnings.push({
      path: 'gateway',
      message: `${
        GATEWAY_CAPABILITIES[spec.gateway].label
      } has not been shown to route a multi-port InferencePool (rankPorts); if it routes only the first port, 7 of 8 ranks per pod get no traffic. Verify, or turn rankPorts off`,
    });
  }
  const profile = HARDWARE_PROFILES[spec.hardware];
  if (
    profile.fabric === 'rdma' &&
    spec.clusterProvider === 'generic' &&
    !spec.rdma
  ) {
    warnings.push({
      path: 'rdma',
      message: `is not set: on a generic cluster the ${spec.hardware} pods request no RDMA devices, and DeepEP over IBGDA needs them (NVSHMEM fails to initialise and vLLM exits) unless the cluster injects them; set rdma.resource and rdma.count (e.g. rdma/ib x 1)`,
    });
  }
  if (spec.orchestrator === 'grove') {
    const budget = startupBudgetSeconds(spec.hardware);
    const delay = spec.grove.terminationDelay;
    if (delay && durationSeconds(delay) < budget) {
      warnings.push({
        path: 'grove.terminationDelay',
        message: `${delay} is shorter than the ${
          budget / 60
        } min startup budget: a group that is still starting (or restarting) past it makes Grove terminate the whole PodCliqueSet replica, prefill and decode, and start over`,
      });
    }
    if (profile.fabric === 'mnnvl' && !spec.grove.topologyName) {
      warnings.push({
        path: 'grove.topologyName',
        message:
          'is not set: without a ClusterTopologyBinding Grove does not pack the deployment into one NVL72 rack, and a multi-node NVLink domain cannot span racks',
      });
    }
  }
  return warnings;
}
