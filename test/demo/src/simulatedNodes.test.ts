import {
  buildNodes,
  defaultNodePools,
  nodeStatus,
  placePod,
  releaseNode,
} from './simulatedNodes';

describe('simulated nodes', () => {
  it('builds a GB200 rack and H200 nodes named simulated-gpu-node-N', () => {
    const nodes = buildNodes(defaultNodePools({ gb200Nodes: 2, hgxNodes: 1 }));
    expect(nodes.map(n => n.name)).toEqual([
      'simulated-gpu-node-0',
      'simulated-gpu-node-1',
      'simulated-gpu-node-2',
    ]);
    expect(nodes.map(n => n.labels['kubernetes.io/arch'])).toEqual([
      'arm64',
      'arm64',
      'amd64',
    ]);
    expect(nodeStatus(nodes[0]).allocatable['nvidia.com/gpu']).toBe('4');
    expect(nodeStatus(nodes[2]).allocatable).toMatchObject({
      'nvidia.com/gpu': '8',
      'rdma/ib': '1k',
    });
    expect(
      nodes.every(n => n.labels['wide-ep.backstage.io/simulated'] === 'true'),
    ).toBe(true);
  });

  it('places pods first-fit by GPUs and nodeSelector, and explains when nothing fits', () => {
    const nodes = buildNodes(defaultNodePools({ gb200Nodes: 1, hgxNodes: 1 }));
    const gb = placePod(nodes, {
      gpus: 4,
      nodeSelector: { 'kubernetes.io/arch': 'arm64' },
    });
    expect('node' in gb && gb.node.name).toBe('simulated-gpu-node-0');
    const h = placePod(nodes, { gpus: 8 });
    expect('node' in h && h.node.name).toBe('simulated-gpu-node-1');
    const none = placePod(nodes, {
      gpus: 4,
      nodeSelector: { 'kubernetes.io/arch': 'arm64' },
    });
    expect(none).toEqual({
      unschedulable:
        "0/2 nodes are available: 1 Insufficient nvidia.com/gpu, 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.",
    });
    releaseNode(nodes, 'simulated-gpu-node-0', 4);
    expect(
      'node' in
        placePod(nodes, {
          gpus: 4,
          nodeSelector: { 'kubernetes.io/arch': 'arm64' },
        }),
    ).toBe(true);
  });
});
