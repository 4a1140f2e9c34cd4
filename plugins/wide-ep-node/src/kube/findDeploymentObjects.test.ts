import { NotFoundError } from '@backstage/errors';
import {
  LWS_H200_SEED,
  parseSpec,
  renderDeployment,
} from '@internal/plugin-wide-ep-common';
import { FakeKubeClient } from '../testUtils';
import { findDeploymentObjects } from './findDeploymentObjects';

function render(monitoring: 'none' | 'prometheus-operator') {
  const parsed = parseSpec({ ...LWS_H200_SEED, monitoring });
  if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
  return { spec: parsed.spec, objects: renderDeployment(parsed.spec).objects };
}

// createKubeClient reports a kind the cluster does not serve this way.
const unserved = (kind: string) => (call: { op: string; kind: string }) =>
  call.op === 'list' && call.kind === kind
    ? new NotFoundError(`the server does not serve ${kind}`)
    : undefined;

describe('findDeploymentObjects', () => {
  it('finds objects of a kind the current render no longer has (monitoring switched off)', async () => {
    const before = render('prometheus-operator');
    const after = render('none');
    const client = new FakeKubeClient({ objects: before.objects as any });
    const { live } = await findDeploymentObjects({
      client,
      namespace: after.spec.namespace,
      deployment: after.spec.name,
      objects: after.objects,
    });
    const podMonitors = live.filter(o => o.kind === 'PodMonitor');
    expect(podMonitors.map(o => o.metadata?.name).sort()).toEqual(
      before.objects
        .filter(o => o.kind === 'PodMonitor')
        .map(o => o.metadata?.name)
        .sort(),
    );
    expect(podMonitors.length).toBeGreaterThan(0);
  });

  it('reports an unserved kind only when the render has it', async () => {
    const without = render('none');
    const client = new FakeKubeClient({ fail: unserved('PodMonitor') as any });
    const a = await findDeploymentObjects({
      client,
      namespace: without.spec.namespace,
      deployment: without.spec.name,
      objects: without.objects,
    });
    expect(a.unservedKinds).toEqual([]);

    const withMonitoring = render('prometheus-operator');
    const b = await findDeploymentObjects({
      client,
      namespace: withMonitoring.spec.namespace,
      deployment: withMonitoring.spec.name,
      objects: withMonitoring.objects,
    });
    expect(b.unservedKinds).toEqual(['PodMonitor (monitoring.coreos.com/v1)']);
  });

  it('never lists Namespaces or kinds the product does not render', async () => {
    const { spec, objects } = render('none');
    const client = new FakeKubeClient();
    await findDeploymentObjects({
      client,
      namespace: spec.namespace,
      deployment: spec.name,
      objects,
    });
    const listed = new Set(
      client.calls.filter(c => c.op === 'list').map(c => c.kind),
    );
    expect(listed.has('Namespace')).toBe(false);
    expect(listed.has('Pod')).toBe(false);
    expect(listed.has('Secret')).toBe(false);
    expect(listed.has('PodMonitoring')).toBe(true);
  });
});
