import {
  KubeClient,
  WorkloadReadiness,
  applyManifests,
  assertApplySucceeded,
  loadClientNode,
  waitForReady,
} from '@internal/plugin-wide-ep-node';
import { ManualClock } from '@internal/plugin-wide-ep-node/testUtils';
import type { KubeConfig, V1PodStatus } from '@kubernetes/client-node';
import { connect, createNamespace, leaderWorkerSet } from './testCluster';

let admin: KubeClient;
let adminConfig: KubeConfig;

beforeAll(async () => {
  ({ client: admin, kubeConfig: adminConfig } = await connect('admin'));
});

/**
 * Virtual time: delay() advances the clock and runs a hook instead of
 * sleeping, so the test controls what the cluster looks like at each poll.
 */
function virtualClock(onDelay?: (call: number) => Promise<void>) {
  const clock = new ManualClock({ start: 0, autoAdvance: true, onDelay });
  return { clock, delays: () => clock.delays.length };
}

/** A LeaderWorkerSet with a leader and a worker pod, as its controller would create them. */
async function deployGroup(namespace: string, name: string) {
  assertApplySucceeded(
    await applyManifests({
      client: admin,
      objects: [leaderWorkerSet(namespace, name)],
      dryRun: false,
    }),
  );
  const { CoreV1Api } = await loadClientNode();
  const core = adminConfig.makeApiClient(CoreV1Api);
  const pods = [`${name}-0`, `${name}-0-1`];
  for (const pod of pods) {
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: {
          name: pod,
          labels: { 'leaderworkerset.sigs.k8s.io/name': name },
        },
        spec: {
          containers: [{ name: 'vllm', image: 'vllm/vllm-openai:v0.11.0' }],
        },
      },
    });
  }
  return pods;
}

async function setPodStatus(
  namespace: string,
  name: string,
  status: V1PodStatus,
) {
  const { CoreV1Api } = await loadClientNode();
  const core = adminConfig.makeApiClient(CoreV1Api);
  const pod = await core.readNamespacedPod({ name, namespace });
  pod.status = status;
  await core.replaceNamespacedPodStatus({ name, namespace, body: pod });
}

/** What the LWS controller writes through the status subresource once all groups are ready. */
async function markGroupReady(namespace: string, name: string) {
  const { CustomObjectsApi } = await loadClientNode();
  const custom = adminConfig.makeApiClient(CustomObjectsApi);
  const target = {
    group: 'leaderworkerset.x-k8s.io',
    version: 'v1',
    plural: 'leaderworkersets',
    namespace,
    name,
  };
  const object = await custom.getNamespacedCustomObject(target);
  object.status = {
    replicas: 1,
    readyReplicas: 1,
    updatedReplicas: 1,
    conditions: [
      {
        type: 'Available',
        status: 'True',
        reason: 'AllGroupsReady',
        message: 'All replicas are ready',
        lastTransitionTime: new Date().toISOString(),
      },
    ],
  };
  await custom.replaceNamespacedCustomObjectStatus({ ...target, body: object });
}

const running: V1PodStatus = {
  phase: 'Running',
  conditions: [
    { type: 'PodScheduled', status: 'True' },
    { type: 'Ready', status: 'True' },
  ],
};

describe('waitForReady against kube-apiserver', () => {
  it('resolves once the status subresource says ready, reporting each phase change', async () => {
    const namespace = await createNamespace(admin, 'ready');
    const pods = await deployGroup(namespace, 'decode');
    const { clock, delays } = virtualClock(async call => {
      if (call === 1) {
        await markGroupReady(namespace, 'decode');
        for (const pod of pods) {
          await setPodStatus(namespace, pod, running);
        }
      }
    });
    const progress: WorkloadReadiness[] = [];

    const result = await waitForReady({
      client: admin,
      namespace,
      objects: [
        {
          apiVersion: 'leaderworkerset.x-k8s.io/v1',
          kind: 'LeaderWorkerSet',
          name: 'decode',
        },
        { apiVersion: 'v1', kind: 'ConfigMap', name: 'ignored' },
      ],
      clock,
      onProgress: r => progress.push(r),
    });

    expect(progress.map(p => p.summary)).toEqual([
      `LeaderWorkerSet ${namespace}/decode: 0/1 groups ready; pods 2 Pending`,
      `LeaderWorkerSet ${namespace}/decode: 1/1 groups ready, Available=True (AllGroupsReady); pods 2 Ready`,
    ]);
    expect(result.map(r => [r.ref.name, r.ready, r.pods.Ready])).toEqual([
      ['decode', true, 2],
    ]);
    expect(delays()).toBe(1);
  });

  it('rejects after the injected timeout, naming what is not ready and why', async () => {
    const namespace = await createNamespace(admin, 'timeout');
    const [leader] = await deployGroup(namespace, 'prefill');
    await setPodStatus(namespace, leader, {
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: '0/4 nodes are available: 4 Insufficient nvidia.com/gpu.',
        },
      ],
    });
    const { clock, delays } = virtualClock();

    const error = await waitForReady({
      client: admin,
      namespace,
      objects: [
        {
          apiVersion: 'leaderworkerset.x-k8s.io/v1',
          kind: 'LeaderWorkerSet',
          name: 'prefill',
        },
      ],
      intervalMs: 1000,
      timeoutMs: 3000,
      clock,
    }).catch(e => e);

    expect(error.name).toBe('ReadinessTimeoutError');
    expect(error.message).toBe(
      `timed out after 3s waiting for workloads in namespace "${namespace}" on cluster "test-admin" to become ready: ` +
        `LeaderWorkerSet ${namespace}/prefill: 0/1 groups ready; pods 2 Pending; ` +
        'pod prefill-0: Pending: Unschedulable: 0/4 nodes are available: 4 Insufficient nvidia.com/gpu.',
    );
    expect(error.notReady.map((r: WorkloadReadiness) => r.ref.name)).toEqual([
      'prefill',
    ]);
    expect(delays()).toBe(3);
  });

  it('fails at once on a 403 instead of polling until the timeout', async () => {
    const { client: restricted } = await connect('restricted');
    const { clock, delays } = virtualClock();
    await expect(
      waitForReady({
        client: restricted,
        namespace: 'default',
        objects: [
          {
            apiVersion: 'leaderworkerset.x-k8s.io/v1',
            kind: 'LeaderWorkerSet',
            name: 'decode',
          },
        ],
        clock,
      }),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining(
        'not allowed to get LeaderWorkerSet default/decode',
      ),
    });
    expect(delays()).toBe(0);
  });
});
