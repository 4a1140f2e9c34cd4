import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { assessWorkload, classifyPod, podSelectorFor } from './assessWorkload';

const lwsRef = {
  apiVersion: 'leaderworkerset.x-k8s.io/v1',
  kind: 'LeaderWorkerSet',
  namespace: 'llm',
  name: 'decode',
};
const pcsRef = {
  apiVersion: 'grove.io/v1alpha1',
  kind: 'PodCliqueSet',
  namespace: 'llm',
  name: 'disagg',
};
const deployRef = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace: 'llm',
  name: 'epp',
};

// Keeps the literal's own type, so spec and status need no cast.
const workload = <T extends KubernetesObject>(object: T): T => object;

function pod(name: string, status: V1Pod['status'], nodeName?: string): V1Pod {
  return {
    metadata: { name },
    spec: { containers: [], ...(nodeName ? { nodeName } : {}) },
    status,
  };
}

const readyPod = (name: string) =>
  pod(
    name,
    {
      phase: 'Running',
      conditions: [
        { type: 'PodScheduled', status: 'True' },
        { type: 'Ready', status: 'True' },
      ],
    },
    'n1',
  );

describe('classifyPod', () => {
  it('reports the scheduler reason for an unschedulable pod', () => {
    expect(
      classifyPod(
        pod('decode-1', {
          phase: 'Pending',
          conditions: [
            {
              type: 'PodScheduled',
              status: 'False',
              reason: 'Unschedulable',
              message:
                '0/4 nodes are available: 4 Insufficient nvidia.com/gpu. preemption: 0/4 nodes are available.',
            },
          ],
        }),
      ),
    ).toEqual({
      progress: 'Pending',
      problem:
        'pod decode-1: Pending: Unschedulable: 0/4 nodes are available: 4 Insufficient nvidia.com/gpu. preemption: 0/4 nodes are available.',
    });
  });

  it('tells a pod waiting for the scheduler, a scheduled one and a creating one apart', () => {
    expect(classifyPod(pod('a', { phase: 'Pending' }))).toEqual({
      progress: 'Pending',
    });
    expect(
      classifyPod(
        pod(
          'b',
          {
            phase: 'Pending',
            conditions: [{ type: 'PodScheduled', status: 'True' }],
          },
          'n1',
        ),
      ),
    ).toEqual({
      progress: 'Scheduled',
    });
    expect(
      classifyPod(
        pod(
          'c',
          {
            phase: 'Pending',
            conditions: [{ type: 'PodScheduled', status: 'True' }],
            containerStatuses: [
              {
                name: 'vllm',
                image: 'i',
                imageID: '',
                ready: false,
                restartCount: 0,
                state: { waiting: { reason: 'ContainerCreating' } },
              },
            ],
          },
          'n1',
        ),
      ),
    ).toEqual({ progress: 'ContainerCreating' });
  });

  it('reports running-not-ready and ready pods', () => {
    expect(
      classifyPod(
        pod(
          'a',
          {
            phase: 'Running',
            conditions: [{ type: 'Ready', status: 'False' }],
          },
          'n1',
        ),
      ),
    ).toEqual({
      progress: 'RunningNotReady',
    });
    expect(classifyPod(readyPod('b'))).toEqual({ progress: 'Ready' });
  });

  it('reports CrashLoopBackOff with the last termination, and a restart after OOMKilled', () => {
    expect(
      classifyPod(
        pod(
          'decode-0',
          {
            phase: 'Running',
            containerStatuses: [
              {
                name: 'vllm',
                image: 'i',
                imageID: '',
                ready: false,
                restartCount: 4,
                state: {
                  waiting: {
                    reason: 'CrashLoopBackOff',
                    message: 'back-off 40s restarting failed container',
                  },
                },
                lastState: {
                  terminated: {
                    exitCode: 1,
                    reason: 'Error',
                    message: 'torch.OutOfMemoryError: CUDA out of memory',
                  },
                },
              },
            ],
          },
          'n1',
        ),
      ),
    ).toEqual({
      progress: 'RunningNotReady',
      problem:
        'pod decode-0: container vllm is in CrashLoopBackOff (4 restarts); last exit: Error (exit code 1): torch.OutOfMemoryError: CUDA out of memory',
    });
    expect(
      classifyPod(
        pod(
          'decode-1',
          {
            phase: 'Running',
            conditions: [{ type: 'Ready', status: 'False' }],
            containerStatuses: [
              {
                name: 'vllm',
                image: 'i',
                imageID: '',
                ready: false,
                restartCount: 1,
                state: { running: { startedAt: new Date(0) } },
                lastState: {
                  terminated: { exitCode: 137, reason: 'OOMKilled' },
                },
              },
            ],
          },
          'n1',
        ),
        { now: 90_000 },
      ).problem,
    ).toBe(
      'pod decode-1: restarted once, last exit OOMKilled (exit code 137); running for 1m, not Ready yet (startup budget 30m)',
    );
  });

  it('reports image pull failures with their message', () => {
    expect(
      classifyPod(
        pod(
          'x',
          {
            phase: 'Pending',
            conditions: [{ type: 'PodScheduled', status: 'True' }],
            containerStatuses: [
              {
                name: 'vllm',
                image: 'i',
                imageID: '',
                ready: false,
                restartCount: 0,
                state: {
                  waiting: {
                    reason: 'ImagePullBackOff',
                    message: 'Back-off pulling image "vllm:nope"',
                  },
                },
              },
            ],
          },
          'n1',
        ),
      ),
    ).toEqual({
      progress: 'Scheduled',
      problem:
        'pod x: container vllm: ImagePullBackOff: Back-off pulling image "vllm:nope"',
    });
  });

  it("reports failed pods and containers that exited in the card's words", () => {
    expect(
      classifyPod(
        pod('decode-2', {
          phase: 'Failed',
          reason: 'Evicted',
          message: 'The node was low on resource: memory.',
        }),
      ),
    ).toEqual({
      progress: 'Terminated',
      problem:
        'pod decode-2: pod failed: Evicted: The node was low on resource: memory.',
    });
    expect(
      classifyPod(
        pod(
          'decode-3',
          {
            phase: 'Running',
            containerStatuses: [
              {
                name: 'vllm',
                image: 'i',
                imageID: '',
                ready: false,
                restartCount: 0,
                state: {
                  terminated: {
                    exitCode: 1,
                    reason: 'Error',
                    message: 'ValueError: bad flag',
                  },
                },
              },
            ],
          },
          'n1',
        ),
      ),
    ).toEqual({
      progress: 'RunningNotReady',
      problem:
        'pod decode-3: container vllm exited: Error (exit code 1): ValueError: bad flag',
    });
  });
});

describe('assessWorkload', () => {
  it('says a missing workload is not found', () => {
    expect(
      assessWorkload({ ref: lwsRef, object: undefined, pods: [] }),
    ).toMatchObject({
      ready: false,
      summary: 'LeaderWorkerSet llm/decode: not found',
    });
  });

  it('requires readyReplicas and Available=True for a LeaderWorkerSet, and merges identical pod problems', () => {
    const unschedulable = (name: string) =>
      pod(name, {
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: '0/2 nodes are available.',
          },
        ],
      });
    const result = assessWorkload({
      ref: lwsRef,
      object: workload({
        ...lwsRef,
        metadata: { name: 'decode', generation: 1 },
        spec: { replicas: 2 },
        status: {
          observedGeneration: 1,
          readyReplicas: 1,
          conditions: [
            { type: 'Available', status: 'False', reason: 'NotAllGroupsReady' },
            {
              type: 'Progressing',
              status: 'True',
              reason: 'GroupsProgressing',
            },
          ],
        },
      }),
      pods: [
        readyPod('decode-0'),
        readyPod('decode-0-1'),
        unschedulable('decode-1'),
        unschedulable('decode-1-1'),
      ],
    });
    expect(result).toEqual({
      ref: lwsRef,
      ready: false,
      summary:
        'LeaderWorkerSet llm/decode: 1/2 groups ready, Available=False (NotAllGroupsReady), Progressing=True (GroupsProgressing); ' +
        'pods 2 Ready, 2 Pending; Pending: Unschedulable: 0/2 nodes are available. (2 pods)',
      pods: {
        Pending: 2,
        Scheduled: 0,
        ContainerCreating: 0,
        RunningNotReady: 0,
        Ready: 2,
        Terminated: 0,
      },
      problems: ['Pending: Unschedulable: 0/2 nodes are available. (2 pods)'],
    });
  });

  it.each([
    ['missing', []],
    ['False', [{ type: 'Available', status: 'False', reason: 'Recovering' }]],
  ])(
    'does not count a LeaderWorkerSet ready when every group is ready but Available is %s',
    (_, conditions) => {
      const object = (available: object[]) =>
        workload({
          ...lwsRef,
          metadata: { name: 'decode', generation: 1 },
          spec: { replicas: 2 },
          status: {
            observedGeneration: 1,
            readyReplicas: 2,
            conditions: available,
          },
        });
      const pods = [readyPod('decode-0'), readyPod('decode-1')];
      expect(
        assessWorkload({ ref: lwsRef, object: object(conditions), pods }).ready,
      ).toBe(false);
      // The same LWS with Available=True is ready: the condition decides.
      expect(
        assessWorkload({
          ref: lwsRef,
          object: object([{ type: 'Available', status: 'True' }]),
          pods,
        }).ready,
      ).toBe(true);
    },
  );

  it('counts no ready groups for a LeaderWorkerSet without a status yet', () => {
    expect(
      assessWorkload({
        ref: lwsRef,
        object: workload({
          ...lwsRef,
          metadata: { name: 'decode' },
          spec: { replicas: 2 },
        }),
        pods: [],
      }),
    ).toMatchObject({
      ready: false,
      summary: 'LeaderWorkerSet llm/decode: 0/2 groups ready',
    });
  });

  it('is not ready while the controller has not observed the latest generation', () => {
    const result = assessWorkload({
      ref: lwsRef,
      object: workload({
        ...lwsRef,
        metadata: { name: 'decode', generation: 3 },
        spec: { replicas: 1 },
        status: {
          observedGeneration: 2,
          readyReplicas: 1,
          conditions: [{ type: 'Available', status: 'True' }],
        },
      }),
      pods: [],
    });
    expect(result.ready).toBe(false);
    expect(result.summary).toBe(
      'LeaderWorkerSet llm/decode: waiting for the controller to observe generation 3',
    );
  });

  it('uses availableReplicas for a PodCliqueSet, with replicas defaulting to 1', () => {
    const object = (available: number) =>
      workload({
        ...pcsRef,
        metadata: { name: 'disagg' },
        spec: {},
        status: { availableReplicas: available },
      });
    expect(
      assessWorkload({ ref: pcsRef, object: object(0), pods: [] }),
    ).toMatchObject({
      ready: false,
      summary: 'PodCliqueSet llm/disagg: 0/1 replicas available',
    });
    expect(
      assessWorkload({ ref: pcsRef, object: object(1), pods: [readyPod('p')] }),
    ).toMatchObject({
      ready: true,
      summary: 'PodCliqueSet llm/disagg: 1/1 replicas available; pods 1 Ready',
    });
  });

  it('requires a Deployment rollout to be complete', () => {
    const object = (updated: number) =>
      workload({
        ...deployRef,
        metadata: { name: 'epp', generation: 2 },
        spec: { replicas: 2 },
        status: {
          observedGeneration: 2,
          availableReplicas: 2,
          updatedReplicas: updated,
        },
      });
    expect(
      assessWorkload({ ref: deployRef, object: object(1), pods: [] }),
    ).toMatchObject({
      ready: false,
      summary: 'Deployment llm/epp: 2/2 replicas available, 1/2 updated',
    });
    expect(
      assessWorkload({ ref: deployRef, object: object(2), pods: [] }).ready,
    ).toBe(true);
  });
});

describe('podSelectorFor', () => {
  it('uses the owner labels of LeaderWorkerSet and Grove, and matchLabels of a Deployment', () => {
    expect(podSelectorFor(lwsRef)).toBe(
      'leaderworkerset.sigs.k8s.io/name=decode',
    );
    expect(podSelectorFor(pcsRef)).toBe('app.kubernetes.io/part-of=disagg');
    expect(
      podSelectorFor(
        deployRef,
        workload({
          ...deployRef,
          spec: { selector: { matchLabels: { app: 'epp', tier: 'router' } } },
        }),
      ),
    ).toBe('app=epp,tier=router');
    expect(
      podSelectorFor(deployRef, workload({ ...deployRef, spec: {} })),
    ).toBeUndefined();
  });
});
