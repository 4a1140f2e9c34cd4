/**
 * The SIMULATED GPU nodes of the demo cluster and a first-fit "scheduler"
 * for them. There is no kubelet and no kube-scheduler: the demo operator
 * binds each pod to one of these nodes itself.
 */

/** Label on every object the demo operator creates as a stand-in. */
export const SIMULATED_LABEL = 'wide-ep.backstage.io/simulated';

/** Prefix of the simulated node names. */
export const NODE_NAME_PREFIX = 'simulated-gpu-node-';

/** One kind of simulated machine. */
export interface NodePool {
  /** Shown as the `nvidia.com/gpu.product` label. */
  product: string;
  arch: 'arm64' | 'amd64';
  gpusPerNode: number;
  count: number;
  /** Extra allocatable resources, e.g. `rdma/ib` on the HGX nodes (CoreWeave variants). */
  extraResources?: Record<string, string>;
  memory: string;
}

/**
 * Default inventory: one GB200 NVL72 rack (18 trays × 4 GPUs) and 16 HGX
 * H200 nodes (8 GPUs, InfiniBand `rdma/ib`).
 */
export function defaultNodePools(
  options: { gb200Nodes?: number; hgxNodes?: number } = {},
): NodePool[] {
  return [
    {
      product: 'NVIDIA-GB200',
      arch: 'arm64',
      gpusPerNode: 4,
      count: options.gb200Nodes ?? 18,
      memory: '884Gi',
    },
    {
      product: 'NVIDIA-H200',
      arch: 'amd64',
      gpusPerNode: 8,
      count: options.hgxNodes ?? 16,
      memory: '2015Gi',
      extraResources: { 'rdma/ib': '1k' },
    },
  ];
}

/** A simulated node and what the demo operator has bound to it. */
export interface SimulatedNode {
  name: string;
  /** A made-up node address (never contacted). */
  internalIp: string;
  labels: Record<string, string>;
  gpus: number;
  usedGpus: number;
  pool: NodePool;
}

/** Builds the node list, named `simulated-gpu-node-0`, `-1`, … across the pools. */
export function buildNodes(pools: NodePool[]): SimulatedNode[] {
  const nodes: SimulatedNode[] = [];
  for (const pool of pools) {
    for (let i = 0; i < pool.count; i++) {
      const n = nodes.length;
      const name = `${NODE_NAME_PREFIX}${n}`;
      nodes.push({
        name,
        internalIp: `192.0.2.${(n % 250) + 1}`,
        labels: {
          [SIMULATED_LABEL]: 'true',
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': pool.arch,
          'nvidia.com/gpu.product': pool.product,
          'nvidia.com/gpu.count': String(pool.gpusPerNode),
          ...(pool.product.includes('GB200')
            ? { 'nvidia.com/gpu.clique': 'simulated-nvl72-rack-0' }
            : {}),
        },
        gpus: pool.gpusPerNode,
        usedGpus: 0,
        pool,
      });
    }
  }
  return nodes;
}

/** The Node object (metadata and spec) for `POST /api/v1/nodes`. */
export function nodeManifest(node: SimulatedNode) {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      labels: node.labels,
      annotations: {
        'wide-ep.backstage.io/note':
          'SIMULATED node of the wide-EP local demo: no kubelet, no GPUs',
      },
    },
    spec: {},
  };
}

/** The Node status the demo operator writes through the status subresource. */
export function nodeStatus(node: SimulatedNode, now = new Date()) {
  const resources = {
    cpu: node.pool.arch === 'arm64' ? '144' : '192',
    memory: node.pool.memory,
    pods: '110',
    'ephemeral-storage': '7Ti',
    'nvidia.com/gpu': String(node.gpus),
    ...(node.pool.extraResources ?? {}),
  };
  const at = now.toISOString();
  return {
    capacity: resources,
    allocatable: resources,
    addresses: [
      { type: 'InternalIP', address: node.internalIp },
      { type: 'Hostname', address: node.name },
    ],
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'KubeletReady',
        message:
          'SIMULATED: the wide-EP demo operator plays the kubelet of this node',
        lastHeartbeatTime: at,
        lastTransitionTime: at,
      },
    ],
    nodeInfo: {
      architecture: node.pool.arch,
      operatingSystem: 'linux',
      osImage: 'simulated',
      kernelVersion: 'simulated',
      containerRuntimeVersion: 'simulated://0',
      kubeletVersion: 'v1.35.4',
      kubeProxyVersion: '',
      machineID: '',
      systemUUID: '',
      bootID: '',
    },
  };
}

/** What a pod asks of a node. */
export interface PodRequest {
  gpus: number;
  nodeSelector?: Record<string, string>;
}

/** Result of placing a pod: a node, or the scheduler-style reason it fits nowhere. */
export type Placement = { node: SimulatedNode } | { unschedulable: string };

/**
 * First fit: the first node whose labels match the pod's `nodeSelector` and
 * that has room for its GPUs. The node's GPUs are reserved; give them back
 * with {@link releaseNode}. The failure message mimics kube-scheduler's.
 */
export function placePod(
  nodes: SimulatedNode[],
  request: PodRequest,
): Placement {
  const selector = Object.entries(request.nodeSelector ?? {});
  let mismatched = 0;
  let full = 0;
  for (const node of nodes) {
    if (!selector.every(([k, v]) => node.labels[k] === v)) {
      mismatched++;
      continue;
    }
    if (node.gpus - node.usedGpus < request.gpus) {
      full++;
      continue;
    }
    node.usedGpus += request.gpus;
    return { node };
  }
  const parts = [
    ...(full ? [`${full} Insufficient nvidia.com/gpu`] : []),
    ...(mismatched
      ? [`${mismatched} node(s) didn't match Pod's node affinity/selector`]
      : []),
  ];
  return {
    unschedulable: `0/${nodes.length} nodes are available: ${
      parts.join(', ') || 'no nodes'
    }. preemption: 0/${nodes.length} nodes are available: ${
      nodes.length
    } No preemption victims found for incoming pod.`,
  };
}

/** Gives a pod's GPUs back to its node. */
export function releaseNode(
  nodes: SimulatedNode[],
  nodeName: string | undefined,
  gpus: number,
): void {
  const node = nodes.find(n => n.name === nodeName);
  if (node) node.usedGpus = Math.max(0, node.usedGpus - gpus);
}
