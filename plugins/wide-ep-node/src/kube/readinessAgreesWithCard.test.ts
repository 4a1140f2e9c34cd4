import type { KubernetesObject } from '@kubernetes/client-node';
import {
  LWS_H200_SEED,
  deriveRankHealth,
  parseSpec,
  podStatusVerdict,
  renderDeployment,
} from '@internal/plugin-wide-ep-common';
import {
  OperatorPod,
  containerCreatingStatus,
  crashLoopStatus,
  renderedWorkloads,
  runningNotReadyStatus,
  unschedulableStatus,
  withStatus,
} from '@internal/plugin-wide-ep-common/testUtils';
import { FakeKubeClient, ManualClock } from '../testUtils';
import { assessWorkload } from './assessWorkload';
import { waitForReady } from './waitForReady';

// The readiness wait of the apply task and the rank card must say the same
// thing about a pod (issue #15): the task log line carries the card's reason.

const T0 = Date.parse('2026-07-01T10:00:00Z');
const NOW = T0 + 5 * 60_000;

const parsed = parseSpec(LWS_H200_SEED);
if (!parsed.success) throw new Error('the LWS H200 seed does not parse');
const rendered = renderedWorkloads(renderDeployment(parsed.spec).objects);
const lws = rendered.lws.find(o => o.metadata?.name === 'wide-ep-decode')!;
const leader = rendered.pods.find(p => p.metadata.name === 'wide-ep-decode-0')!;
const ref = {
  apiVersion: lws.apiVersion!,
  kind: 'LeaderWorkerSet',
  namespace: lws.metadata!.namespace!,
  name: lws.metadata!.name!,
};
// Not ready yet, so the readiness wait keeps polling and reporting.
const lwsObject: KubernetesObject = {
  ...lws,
  status: {
    readyReplicas: 0,
    conditions: [{ type: 'Available', status: 'False' }],
  },
} as KubernetesObject;

function waitingStatus(reason: string, message: string) {
  const status = runningNotReadyStatus();
  status.containerStatuses[0].state = { waiting: { reason, message } };
  return status;
}

function restartedStatus() {
  const status = runningNotReadyStatus({
    startedAt: new Date(T0 + 4 * 60_000).toISOString(),
  });
  status.containerStatuses[0] = {
    ...status.containerStatuses[0],
    restartCount: 1,
    lastState: {
      terminated: {
        reason: 'Error',
        exitCode: 1,
        message: 'RuntimeError: NCCL error: unhandled system error',
      },
    },
  };
  return status;
}

const CUDA_OOM =
  'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 7.00 GiB. GPU 0 has a total capacity of 139.81 GiB of which 3.12 GiB is free. Including non-PyTorch memory, this process has 136.68 GiB memory in use.';
const OOM_TRACE = [
  'Traceback (most recent call last):',
  '  File "/opt/vllm/lib/python3.12/site-packages/vllm/v1/worker/gpu_worker.py", line 210, in determine_available_memory',
  '    self.model_runner.profile_run()',
  CUDA_OOM,
].join('\n');

function unschedulablePod() {
  const pod = withStatus(
    leader,
    unschedulableStatus(
      '0/4 nodes are available: 4 Insufficient nvidia.com/gpu. preemption: 0/4 nodes are available: 4 No preemption victims found for incoming pod.',
    ),
  );
  pod.metadata.creationTimestamp = new Date(T0).toISOString();
  return pod;
}

const cases: Array<[string, OperatorPod]> = [
  [
    'RunContainerError',
    withStatus(
      leader,
      waitingStatus(
        'RunContainerError',
        'failed to create containerd task: exec: "vllm": executable file not found in $PATH',
      ),
      'gpu-1',
    ),
  ],
  [
    'PreStartHookError',
    withStatus(
      leader,
      waitingStatus(
        'PreStartHookError',
        'failed to run pre-start hook for container "vllm": nvidia-container-cli: device error: 7: unknown device',
      ),
      'gpu-1',
    ),
  ],
  [
    'CrashLoopBackOff after a restart',
    withStatus(
      leader,
      crashLoopStatus({
        restarts: 3,
        lastReason: 'Error',
        exitCode: 1,
        message: 'RuntimeError: NCCL error: unhandled system error',
      }),
      'gpu-1',
    ),
  ],
  [
    'a crash followed by a restart, running again',
    withStatus(leader, restartedStatus(), 'gpu-1'),
  ],
  [
    'OOMKilled with a CUDA out of memory message',
    withStatus(
      leader,
      crashLoopStatus({
        restarts: 2,
        lastReason: 'OOMKilled',
        exitCode: 137,
        message: OOM_TRACE,
      }),
      'gpu-1',
    ),
  ],
  [
    'ImagePullBackOff',
    withStatus(
      leader,
      (() => {
        const status = containerCreatingStatus();
        status.containerStatuses[0].state = {
          waiting: {
            reason: 'ImagePullBackOff',
            message: 'Back-off pulling image "ghcr.io/llm-d/llm-d-cuda:v0.8.0"',
          },
        };
        return status;
      })(),
      'gpu-1',
    ),
  ],
  ['Unschedulable with a scheduler message', unschedulablePod()],
];

/** The reason `GET /api/wide-ep/ranks` gives for the ranks of a pod. */
function cardReason(pod: OperatorPod): string {
  const health = deriveRankHealth({
    entityRef: 'component:default/wide-ep',
    cluster: 'gpu-east',
    namespace: ref.namespace,
    objects: {
      pods: [pod],
      leaderWorkerSets: [lws as any],
      podCliqueSets: [],
      podCliques: [],
      podCliqueScalingGroups: [],
      computeDomains: [],
    },
    probes: new Map(),
    now: NOW,
  });
  const reasons = new Set(
    health.ranks.filter(r => r.pod === pod.metadata.name).map(r => r.reason),
  );
  expect(reasons.size).toBe(1);
  const [reason] = reasons;
  // The rank reason of a pod that is not Ready is its pod verdict's reason.
  expect(reason).toBe(podStatusVerdict(pod, { now: NOW }).reason);
  return reason!;
}

describe('the readiness wait and the rank card agree on a pod', () => {
  it.each(cases)('%s', (_name, pod) => {
    const reason = cardReason(pod);
    const readiness = assessWorkload({
      ref,
      object: lwsObject,
      pods: [pod],
      now: NOW,
    });
    expect(readiness.problems).toEqual([`pod wide-ep-decode-0: ${reason}`]);
    expect(readiness.summary).toContain(reason);
  });

  it('keeps the CUDA out of memory line that the card keeps', () => {
    const [, oom] = cases.find(([name]) => name.startsWith('OOMKilled'))!;
    expect(cardReason(oom)).toContain(CUDA_OOM);
    expect(
      assessWorkload({ ref, object: lwsObject, pods: [oom], now: NOW })
        .problems[0],
    ).toContain(CUDA_OOM);
  });

  it('writes the card reason to the task log', async () => {
    const [, runError] = cases[0];
    const client = new FakeKubeClient().seed(lwsObject, runError as any);
    const log: string[] = [];
    await waitForReady({
      client,
      namespace: ref.namespace,
      objects: [ref],
      timeoutMs: 10_000,
      clock: new ManualClock({ start: NOW, autoAdvance: true }),
      onProgress: r => log.push(r.summary),
    }).catch(() => undefined);
    expect(log).toEqual([
      expect.stringContaining(`pod wide-ep-decode-0: ${cardReason(runError)}`),
    ]);
  });
});
