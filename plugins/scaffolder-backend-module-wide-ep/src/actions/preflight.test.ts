import { ServiceUnavailableError } from '@backstage/errors';
import {
  parseSpec,
  renderDeployment,
  WideEpSpecInput,
} from '@internal/plugin-wide-ep-common';
import { actionContext } from '../__testUtils__/context';
import { FakeKubeClient } from '@internal/plugin-wide-ep-node/testUtils';
import { clusterFor, fakeClusters } from '../__testUtils__/clusters';
import { fakePermissions } from '../__testUtils__/permissions';
import { GROVE_GB200_SEED } from '@internal/plugin-wide-ep-common';
import { preflightRequirements } from '@internal/plugin-wide-ep-node';
import { createWideEpPreflightAction } from './preflight';

const SPEC: WideEpSpecInput = {
  ...GROVE_GB200_SEED,
  clusterProvider: 'generic',
};

/** A cluster with everything SPEC needs: 3 trays of 4 GPUs... times three. */
function readyCluster(overrides: { nodes?: number; secret?: boolean } = {}) {
  const parsed = parseSpec(SPEC);
  if (!parsed.success) throw new Error('bad spec');
  const requirements = preflightRequirements(renderDeployment(parsed.spec));
  return new FakeKubeClient({
    clusterName: 'gpu-east',
    objects: clusterFor({
      crds: requirements.crds.map(c => c.name),
      gatewayClass: 'kgateway',
      namespace: SPEC.namespace,
      ...(overrides.secret === false
        ? {}
        : { secret: { name: 'llm-d-hf-token', key: 'HF_TOKEN' } }),
      nodes: Array.from({ length: overrides.nodes ?? 9 }, () => ({
        'nvidia.com/gpu': '4',
      })),
    }),
  });
}

describe('wide-ep:preflight', () => {
  it('runs every check, logs one line each and outputs them', async () => {
    const client = readyCluster();
    const clusters = fakeClusters({ 'gpu-east': client });
    const action = createWideEpPreflightAction({
      clusters,
      permissions: fakePermissions('ALLOW'),
    });
    const { ctx, logs, outputs } = actionContext({
      ...SPEC,
      cluster: 'gpu-east',
    });

    await action.handler(ctx);

    const out = outputs();
    expect(out.passed).toBe(true);
    expect(out.skipped).toBe(false);
    expect(out.checks.map((c: any) => `${c.status} ${c.id}`)).toEqual([
      'pass crd:podcliquesets.grove.io',
      'pass crd:inferencepools.inference.networking.k8s.io',
      'pass crd:gateways.gateway.networking.k8s.io',
      'pass crd:httproutes.gateway.networking.k8s.io',
      'pass crd:podcliques.grove.io',
      'pass crd:podcliquescalinggroups.grove.io',
      'pass gateway-class',
      'pass namespace',
      'pass secret',
      'pass resource:nvidia.com/gpu',
    ]);
    expect(logs.info).toContain(
      'PASS Namespace llm-d-wide-ep: namespace llm-d-wide-ep exists',
    );
    expect(logs.info).toContain(
      'PASS Allocatable nvidia.com/gpu: need 9 pods × 4 nvidia.com/gpu; 9 of 9 schedulable nodes (9 in total) have ≥ 4 allocatable, room for 9 pods (allocatable, not free)',
    );
    expect(logs.info.filter(l => /^(PASS|WARN|FAIL) /.test(l))).toHaveLength(
      10,
    );
    expect(
      client.calls.filter(c => c.op === 'apply' || c.op === 'delete'),
    ).toEqual([]);
  });

  it('fails with an InputError listing every failed check, after outputting all checks', async () => {
    const client = readyCluster({ nodes: 2, secret: false });
    const action = createWideEpPreflightAction({
      clusters: fakeClusters({ 'gpu-east': client }),
      permissions: fakePermissions('ALLOW'),
    });
    const { ctx, logs, outputs } = actionContext({
      ...SPEC,
      cluster: 'gpu-east',
    });

    const error = await action.handler(ctx).catch(e => e);

    expect(error.name).toBe('InputError');
    expect(error.message.split('\n')).toEqual([
      'preflight failed on cluster "gpu-east": 2 of 10 checks failed',
      'FAIL Secret llm-d-wide-ep/llm-d-hf-token: Secret llm-d-hf-token does not exist in namespace llm-d-wide-ep (kubectl create secret generic llm-d-hf-token --from-literal=HF_TOKEN=… -n llm-d-wide-ep)',
      expect.stringMatching(
        /^FAIL Allocatable nvidia\.com\/gpu: need 9 pods × 4 nvidia\.com\/gpu; 2 of 2 schedulable nodes .* room for 2 pods \(add nodes that advertise nvidia\.com\/gpu/,
      ),
    ]);
    expect(logs.error).toHaveLength(2);
    expect(outputs().passed).toBe(false);
    expect(outputs().checks).toHaveLength(10);
  });

  it('checks the permission before contacting the cluster', async () => {
    const clusters = fakeClusters({ 'gpu-east': readyCluster() });
    const permissions = fakePermissions('DENY');
    const action = createWideEpPreflightAction({ clusters, permissions });
    const { ctx } = actionContext({ ...SPEC, cluster: 'gpu-east' });

    await expect(action.handler(ctx)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message:
        'user:default/alice is not allowed to check or deploy wide-EP deployments (permission wide-ep.deployment.apply)',
    });
    expect(permissions.authorize).toHaveBeenCalledWith(
      [
        {
          permission: expect.objectContaining({
            name: 'wide-ep.deployment.apply',
            resourceType: 'wide-ep-cluster',
          }),
          resourceRef: 'gpu-east',
        },
      ],
      {
        credentials: expect.objectContaining({ principal: expect.anything() }),
      },
    );
    expect(clusters.connect).not.toHaveBeenCalled();
  });

  it('still runs in a dry run when the cluster is reachable', async () => {
    const action = createWideEpPreflightAction({
      clusters: fakeClusters({ 'gpu-east': readyCluster() }),
      permissions: fakePermissions('ALLOW'),
    });
    const { ctx, outputs } = actionContext(
      { ...SPEC, cluster: 'gpu-east' },
      { isDryRun: true },
    );
    await action.handler(ctx);
    expect(outputs().passed).toBe(true);
  });

  it('is skipped with a warning in a dry run when the cluster is unreachable or the user is not allowed', async () => {
    // What the real client throws when the API server refuses connections.
    const unreachable = new FakeKubeClient({
      clusterName: 'gpu-east',
      fail: () =>
        new ServiceUnavailableError(
          'cluster "gpu-east" could not be reached (ECONNREFUSED) while trying to get CustomResourceDefinition',
        ),
    });
    const action = createWideEpPreflightAction({
      clusters: fakeClusters({ 'gpu-east': unreachable }),
      permissions: fakePermissions('ALLOW'),
    });
    const dry = actionContext(
      { ...SPEC, cluster: 'gpu-east' },
      { isDryRun: true },
    );
    await action.handler(dry.ctx);
    expect(dry.logs.warn).toEqual([
      'preflight skipped in dry run: cluster "gpu-east" unreachable: cluster "gpu-east" could not be reached (ECONNREFUSED) while trying to get CustomResourceDefinition',
    ]);
    expect(dry.outputs()).toEqual({ checks: [], passed: false, skipped: true });

    const real = actionContext({ ...SPEC, cluster: 'gpu-east' });
    await expect(action.handler(real.ctx)).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
    });

    const denied = createWideEpPreflightAction({
      clusters: fakeClusters({ 'gpu-east': readyCluster() }),
      permissions: fakePermissions('DENY'),
    });
    const deniedDry = actionContext(
      { ...SPEC, cluster: 'gpu-east' },
      { isDryRun: true },
    );
    await denied.handler(deniedDry.ctx);
    expect(deniedDry.outputs().skipped).toBe(true);
  });

  it('rejects an unknown cluster name and an invalid spec with field-named InputErrors', async () => {
    const action = createWideEpPreflightAction({
      clusters: fakeClusters({ 'gpu-east': readyCluster() }),
      permissions: fakePermissions('ALLOW'),
    });
    await expect(
      action.handler(actionContext({ ...SPEC, cluster: 'nowhere' }).ctx),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: 'unknown cluster "nowhere"; configured: gpu-east',
    });
    await expect(
      action.handler(
        actionContext({ ...SPEC, cluster: 'gpu-east', namespace: 'No' }).ctx,
      ),
    ).rejects.toThrow(/^invalid wide-EP spec:\nnamespace: /);
    await expect(
      action.handler(actionContext({ ...SPEC }).ctx),
    ).rejects.toThrow('cluster: is required (a cluster name from app-config)');
  });
});
