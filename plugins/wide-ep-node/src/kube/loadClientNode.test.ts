import { loadClientNode } from './loadClientNode';

describe('loadClientNode', () => {
  it('loads the ESM-only client under Jest and caches the promise', async () => {
    const first = loadClientNode();
    expect(loadClientNode()).toBe(first);
    const clientNode = await first;
    expect(typeof clientNode.KubeConfig).toBe('function');
    expect(clientNode.PatchStrategy.ServerSideApply).toBe(
      'application/apply-patch+yaml',
    );
  });
});
