/** Accelerator choices. gb200 = multi-node NVLink (MNNVL); h200/b200 = RDMA. @public */
export const HARDWARE = ['gb200', 'h200', 'b200'] as const;
/** @public */
export type Hardware = (typeof HARDWARE)[number];

/** What the renderer and the validator need to know about one accelerator. @public */
export interface HardwareProfile {
  hardware: Hardware;
  label: string;
  /** GPUs on one node; also the local DP size L (TP = 1). */
  gpusPerNode: number;
  arch: 'amd64' | 'arm64';
  fabric: 'mnnvl' | 'rdma';
  /** Largest DP group one fabric domain can hold (GB200: one NVL72 rack). */
  maxGroupGpus?: number;
  memory: string;
  cpu: string;
  shmSize: string;
  /** Startup probe budget; weights download plus graph capture. */
  startupProbe: { periodSeconds: number; failureThreshold: number };
}

/** @public */
export const HARDWARE_PROFILES: Record<Hardware, HardwareProfile> = {
  h200: {
    hardware: 'h200',
    label: 'NVIDIA H200 (8 GPUs per node, RDMA)',
    gpusPerNode: 8,
    arch: 'amd64',
    fabric: 'rdma',
    memory: '512Gi',
    cpu: '32',
    shmSize: '2Gi',
    startupProbe: { periodSeconds: 1, failureThreshold: 2700 },
  },
  b200: {
    hardware: 'b200',
    label: 'NVIDIA B200 (8 GPUs per node, RDMA)',
    gpusPerNode: 8,
    arch: 'amd64',
    fabric: 'rdma',
    memory: '512Gi',
    cpu: '32',
    shmSize: '2Gi',
    startupProbe: { periodSeconds: 1, failureThreshold: 2700 },
  },
  gb200: {
    hardware: 'gb200',
    label: 'NVIDIA GB200 NVL72 (4 GPUs per tray, multi-node NVLink)',
    gpusPerNode: 4,
    arch: 'arm64',
    fabric: 'mnnvl',
    maxGroupGpus: 72,
    memory: '850Gi',
    cpu: '120',
    // 2Gi is enough for DeepEP buffers on RDMA; the NVLink all-to-all
    // kernels keep their symmetric buffers in /dev/shm (upstream G uses 200Gi).
    shmSize: '200Gi',
    // Multi-node GB200 joins 18 trays through IMEX before the engines start.
    startupProbe: { periodSeconds: 10, failureThreshold: 720 },
  },
};

/**
 * N: pods in one data-parallel group of `dataParallelSize` ranks, with one
 * rank per GPU (TP = 1). Shared by the topology plan and the name checks.
 * @public
 */
export function groupPodCount(
  hardware: Hardware,
  dataParallelSize: number,
): number {
  return Math.max(
    1,
    Math.ceil(dataParallelSize / HARDWARE_PROFILES[hardware].gpusPerNode),
  );
}

/** Seconds the startup probe allows before the kubelet restarts vLLM. @public */
export function startupBudgetSeconds(hardware: Hardware): number {
  const { periodSeconds, failureThreshold } =
    HARDWARE_PROFILES[hardware].startupProbe;
  return periodSeconds * failureThreshold;
}

/** Seconds in a duration such as `90s`, `45m` or `2h`. @public */
export function durationSeconds(duration: string): number {
  const match = /^(\d+)(s|m|h)$/.exec(duration);
  if (!match) throw new Error(`not a duration: ${duration}`);
  return (
    Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as 's' | 'm' | 'h']
  );
}
