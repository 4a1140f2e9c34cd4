import { HARDWARE_PROFILES } from './hardware';
import { derivedDnsNames } from './names';
import type { SpecIssue, WideEpSpec } from './spec';

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
  if (spec.gateway === 'istio' && spec.rankPorts) {
    warnings.push({
      path: 'gateway',
      message: 'multi-port InferencePools need Istio 1.28.1 or later',
    });
  }
  return warnings;
}
