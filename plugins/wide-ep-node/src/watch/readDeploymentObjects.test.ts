import { KubeWatchCache } from './KubeWatchCache';
import {
  DeploymentLocator,
  deploymentWatchKeys,
  readDeploymentObjects,
} from './readDeploymentObjects';
import { FakeCluster, recordingLogger } from './__testUtils__/FakeCluster';
import { ManualClock, flush } from '../testUtils';

const LWS: DeploymentLocator = {
  cluster: 'prod',
  namespace: 'llm-d',
  deployment: 'wide-ep',
  orchestrator: 'lws',
  computeDomains: false,
};
const GROVE: DeploymentLocator = {
  ...LWS,
  orchestrator: 'grove',
  computeDomains: true,
};
const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

function setup() {
  const clock = new ManualClock();
  const cluster = new FakeCluster();
  const cache = KubeWatchCache.create({
    informerFactory: cluster.factory,
    logger: recordingLogger(),
    clock,
  });
  return { clock, cluster, cache };
}

describe('deploymentWatchKeys', () => {
  it('LWS: pods by deployment and serving label, LeaderWorkerSets by deployment', () => {
    const keys = deploymentWatchKeys({ ...LWS, computeDomains: true });
    expect(
      Object.fromEntries(
        Object.entries(keys).map(([k, v]) => [
          k,
          `${v!.kind.kind} ${v!.labelSelector}`,
        ]),
      ),
    ).toEqual({
      pods: 'Pod wide-ep.backstage.io/deployment=wide-ep,llm-d.ai/inference-serving=true',
      leaderWorkerSets:
        'LeaderWorkerSet wide-ep.backstage.io/deployment=wide-ep',
      computeDomains: 'ComputeDomain wide-ep.backstage.io/deployment=wide-ep',
      inferencePools: 'InferencePool wide-ep.backstage.io/deployment=wide-ep',
      gateways: 'Gateway wide-ep.backstage.io/deployment=wide-ep',
      httpRoutes: 'HTTPRoute wide-ep.backstage.io/deployment=wide-ep',
    });
  });

  it('Grove: Grove-made objects by app.kubernetes.io/part-of', () => {
    const keys = deploymentWatchKeys(GROVE);
    expect(
      Object.fromEntries(
        Object.entries(keys).map(([k, v]) => [
          k,
          `${v!.kind.kind} ${v!.labelSelector}`,
        ]),
      ),
    ).toEqual({
      pods: 'Pod wide-ep.backstage.io/deployment=wide-ep,llm-d.ai/inference-serving=true',
      podCliqueSets: 'PodCliqueSet wide-ep.backstage.io/deployment=wide-ep',
      podCliques: 'PodClique app.kubernetes.io/part-of=wide-ep',
      podCliqueScalingGroups:
        'PodCliqueScalingGroup app.kubernetes.io/part-of=wide-ep',
      computeDomains: 'ComputeDomain app.kubernetes.io/part-of=wide-ep',
      inferencePools: 'InferencePool wide-ep.backstage.io/deployment=wide-ep',
      gateways: 'Gateway wide-ep.backstage.io/deployment=wide-ep',
      httpRoutes: 'HTTPRoute wide-ep.backstage.io/deployment=wide-ep',
    });
  });

  it.each([
    ['deployment', 'wide-ep,app!=x'],
    ['deployment', 'a b'],
    ['namespace', 'kube-system/secrets'],
    ['namespace', 'x'.repeat(64)],
  ] as const)(
    'refuses %s %j that could widen a selector or change a path',
    (field, value) => {
      expect(() => deploymentWatchKeys({ ...LWS, [field]: value })).toThrow(
        `${field} "${value}" is not a valid DNS-1123 label`,
      );
    },
  );
});

describe('readDeploymentObjects', () => {
  it('collects every kind into DeploymentObjects', async () => {
    const { cluster, cache } = setup();
    cluster.set(
      'wide-ep.backstage.io/deployment=wide-ep,llm-d.ai/inference-serving=true',
      [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }],
    );
    cluster.set('wide-ep.backstage.io/deployment=wide-ep', [
      {
        apiVersion: 'leaderworkerset.x-k8s.io/v1',
        kind: 'LeaderWorkerSet',
        metadata: { name: 'l' },
      },
    ]);
    const r = await readDeploymentObjects(cache, LWS);
    expect(r.objects.pods.map(p => p.metadata?.name)).toEqual(['p']);
    expect(r.objects.leaderWorkerSets.map(p => p.metadata?.name)).toEqual([
      'l',
    ]);
    expect(r).toMatchObject({ conditions: [], observedAt: expect.any(Number) });
    expect(r.staleReason).toBeUndefined();
    await cache.stop();
  });

  it('marks the data stale with the reason when the API server goes away after a sync', async () => {
    const { clock, cluster, cache } = setup();
    await readDeploymentObjects(cache, LWS);
    const syncedAt = clock.now();
    await clock.advance(30_000);
    cluster.goDown(refused());
    await flush();
    const r = await readDeploymentObjects(cache, LWS);
    expect(r.observedAt).toBeLessThanOrEqual(clock.now());
    expect(r.observedAt).toBeGreaterThanOrEqual(syncedAt);
    const at = new Date(clock.now()).toISOString();
    expect(r.staleReason?.split('; ')).toEqual(
      ['Pod', 'LeaderWorkerSet', 'InferencePool', 'Gateway', 'HTTPRoute'].map(
        kind =>
          `cluster "prod" could not be reached (ECONNREFUSED) while trying to list ${kind} objects in namespace "llm-d" (since ${at})`,
      ),
    );
    await cache.stop();
  });

  it('a missing CRD becomes a condition, not an error', async () => {
    const { cluster, cache } = setup();
    cluster.failKind.set(
      'ComputeDomain',
      Object.assign(new Error('Not Found'), { code: 404, body: '' }),
    );
    const r = await readDeploymentObjects(cache, GROVE);
    expect(r.staleReason).toBeUndefined();
    expect(r.conditions).toEqual([
      {
        type: 'Watched',
        status: 'False',
        reason: 'NotServed',
        message:
          'cluster "prod" does not serve ComputeDomain (resource.nvidia.com/v1beta1); its CRD may not be installed',
        source: 'ComputeDomain/*',
      },
    ]);
    await cache.stop();
  });

  it('a cluster without the Gateway API is fine (gateway: none); a missing InferencePool CRD is not', async () => {
    const { cluster, cache } = setup();
    const notFound = () =>
      Object.assign(new Error('Not Found'), { code: 404, body: '' });
    for (const kind of ['Gateway', 'HTTPRoute', 'InferencePool'])
      cluster.failKind.set(kind, notFound());
    const r = await readDeploymentObjects(cache, LWS);
    expect(r.conditions).toEqual([
      expect.objectContaining({
        type: 'Watched',
        reason: 'NotServed',
        source: 'InferencePool/*',
      }),
    ]);
    await cache.stop();
  });

  it('without any pod data: NotAllowedError when forbidden, ServiceUnavailableError when unreachable', async () => {
    const forbidden = setup();
    forbidden.cluster.goDown(
      Object.assign(new Error('Forbidden'), { code: 403, body: '' }),
    );
    await expect(
      readDeploymentObjects(forbidden.cache, LWS),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    await forbidden.cache.stop();
    const down = setup();
    down.cluster.goDown(refused());
    await expect(readDeploymentObjects(down.cache, LWS)).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message:
        'cluster "prod" could not be reached (ECONNREFUSED) while trying to list Pod objects in namespace "llm-d"',
    });
    await down.cache.stop();
  });
});
