import { parseSpec, WideEpSpecInput } from '../spec';
import { renderDeployment } from '../render';
import { GROVE_GB200_SEED, LWS_H200_SEED } from '../seeds';
import {
  containerCreatingStatus,
  crashLoopStatus,
  readyStatus,
  renderedWorkloads,
  runningNotReadyStatus,
  unschedulableStatus,
  withStatus,
} from '../testUtils/operatorPods';
import { podStatusVerdict, startupBudgetMs } from './podStatusVerdict';

const T0 = Date.parse('2026-07-01T10:00:00Z');
const min = 60_000;

function podsOf(input: WideEpSpecInput) {
  const parsed = parseSpec(input);
  if (!parsed.success) throw new Error('bad seed');
  return renderedWorkloads(renderDeployment(parsed.spec).objects);
}
const lws = podsOf(LWS_H200_SEED);
const grove = podsOf(GROVE_GB200_SEED);
const lwsLeader = lws.pods.find(p => p.metadata.name === 'wide-ep-decode-0')!;
const groveWorker = grove.pods.find(
  p => p.spec?.hostname === 'wide-ep-0-decode-sg-0-decode-worker-0',
)!;

describe('podStatusVerdict', () => {
  it('reads the startup budget from the generated startup probe (H200: 2700 x 1 s, GB200: 720 x 10 s)', () => {
    expect(startupBudgetMs(lwsLeader)).toBe(45 * min);
    expect(startupBudgetMs(groveWorker)).toBe(120 * min);
  });

  it('Ready pods are handed to the prober', () => {
    const pod = withStatus(lwsLeader, readyStatus(), 'gpu-1');
    const readyAt = (pod.status as any).conditions.find(
      (c: any) => c.type === 'Ready',
    ).lastTransitionTime;
    expect(podStatusVerdict(pod, { now: T0 })).toEqual({
      state: 'healthy',
      ready: true,
      readySince: Date.parse(readyAt),
    });
  });

  it('Pending with a scheduler message: starting inside the budget, unhealthy after it', () => {
    const pod = withStatus(
      lwsLeader,
      unschedulableStatus(
        '0/4 nodes are available: 4 Insufficient nvidia.com/gpu.',
      ),
    );
    pod.metadata.creationTimestamp = new Date(T0).toISOString();
    expect(podStatusVerdict(pod, { now: T0 + 5 * min })).toEqual({
      state: 'starting',
      reason:
        'Pending: Unschedulable: 0/4 nodes are available: 4 Insufficient nvidia.com/gpu.',
      ready: false,
    });
    expect(podStatusVerdict(pod, { now: T0 + 50 * min })).toEqual({
      state: 'unhealthy',
      reason:
        'Pending: Unschedulable: 0/4 nodes are available: 4 Insufficient nvidia.com/gpu. (still after 50m; startup budget 45m)',
      ready: false,
    });
  });

  it('Pending without a scheduler verdict yet', () => {
    const pod = withStatus(lwsLeader, { phase: 'Pending' });
    expect(podStatusVerdict(pod, { now: T0 })).toEqual({
      state: 'starting',
      reason: 'Pending: waiting to be scheduled',
      ready: false,
    });
  });

  it('Grove scheduling gate: the PodGang does not exist yet', () => {
    const pod = withStatus(groveWorker, { phase: 'Pending' });
    pod.spec!.schedulingGates = [{ name: 'grove.io/podgang-pending-creation' }];
    expect(podStatusVerdict(pod, { now: T0 })).toEqual({
      state: 'starting',
      reason:
        'waiting for scheduling gate grove.io/podgang-pending-creation (Grove has not created the PodGang yet)',
      ready: false,
    });
  });

  it('ContainerCreating on a node', () => {
    const pod = withStatus(lwsLeader, containerCreatingStatus(), 'gpu-3');
    expect(podStatusVerdict(pod, { now: T0 + min })).toEqual({
      state: 'starting',
      reason: 'ContainerCreating on node gpu-3',
      ready: false,
    });
  });

  it('ContainerCreating on GB200 because the node has not joined the ComputeDomain', () => {
    const pod = withStatus(
      groveWorker,
      containerCreatingStatus(),
      'gb200-rack1-tray07',
    );
    const computeDomain = {
      metadata: {
        name: 'wide-ep-0-default',
        labels: { 'app.kubernetes.io/part-of': 'wide-ep' },
      },
      spec: { numNodes: 0 },
      status: {
        status: 'NotReady',
        nodes: [
          { name: 'gb200-rack1-tray01', status: 'Ready' },
          { name: 'gb200-rack1-tray07', status: 'NotReady' },
        ],
      },
    };
    expect(
      podStatusVerdict(pod, { now: T0 + min, computeDomains: [computeDomain] }),
    ).toEqual({
      state: 'starting',
      reason:
        'ContainerCreating on node gb200-rack1-tray07: waiting for ComputeDomain wide-ep-0-default (status NotReady, 1/2 nodes Ready; node gb200-rack1-tray07 has not joined its IMEX domain)',
      ready: false,
    });
    const ready = {
      ...computeDomain,
      status: {
        status: 'Ready',
        nodes: computeDomain.status.nodes.map(n => ({ ...n, status: 'Ready' })),
      },
    };
    expect(
      podStatusVerdict(pod, { now: T0 + min, computeDomains: [ready] }).reason,
    ).toBe('ContainerCreating on node gb200-rack1-tray07');
  });

  it('the explicit LWS ComputeDomain is matched through the pod resource claim template', () => {
    const gb200Lws = podsOf({
      ...LWS_H200_SEED,
      hardware: 'gb200',
      decode: { replicas: 1, dataParallelSize: 8 },
      prefill: { replicas: 1, dataParallelSize: 4 },
    });
    const pod = withStatus(
      gb200Lws.pods.find(p => p.metadata.name === 'wide-ep-decode-0-1')!,
      containerCreatingStatus(),
      'tray2',
    );
    const cd = {
      ...gb200Lws.cds[0],
      status: { status: 'NotReady', nodes: [] },
    };
    expect(
      podStatusVerdict(pod, { now: T0, computeDomains: [cd as any] }).reason,
    ).toBe(
      'ContainerCreating on node tray2: waiting for ComputeDomain wide-ep-compute-domain (status NotReady, 0/0 nodes Ready; node tray2 has not joined its IMEX domain)',
    );
  });

  it('CrashLoopBackOff after OOMKilled, with the last termination message', () => {
    const pod = withStatus(
      lwsLeader,
      crashLoopStatus({
        restarts: 5,
        lastReason: 'OOMKilled',
        exitCode: 137,
        message: 'torch.OutOfMemoryError: CUDA out of memory.',
      }),
      'gpu-1',
    );
    expect(podStatusVerdict(pod, { now: T0 + 10 * min })).toEqual({
      state: 'unhealthy',
      reason:
        'container vllm is in CrashLoopBackOff (5 restarts); last exit: OOMKilled (exit code 137): torch.OutOfMemoryError: CUDA out of memory.',
      ready: false,
    });
  });

  it('keeps the end of long termination messages, where Python puts the cause', () => {
    const trace = `Traceback (most recent call last):\n${'  File "x.py", line 1\n'.repeat(
      40,
    )}RuntimeError: NCCL error: unhandled system error`;
    const pod = withStatus(
      lwsLeader,
      crashLoopStatus({ lastReason: 'Error', exitCode: 1, message: trace }),
      'gpu-1',
    );
    const reason = podStatusVerdict(pod, { now: T0 }).reason!;
    expect(reason).toMatch(/last exit: Error \(exit code 1\): …/);
    expect(
      reason.endsWith('RuntimeError: NCCL error: unhandled system error'),
    ).toBe(true);
    expect(reason.length).toBeLessThan(420);
  });

  it('image pull failures are unhealthy with the kubelet message', () => {
    const status = containerCreatingStatus();
    status.containerStatuses[0].state = {
      waiting: {
        reason: 'ImagePullBackOff',
        message: 'Back-off pulling image "ghcr.io/llm-d/llm-d-cuda:v0.8.0"',
      },
    };
    expect(
      podStatusVerdict(withStatus(lwsLeader, status, 'gpu-1'), { now: T0 }),
    ).toEqual({
      state: 'unhealthy',
      reason:
        'container vllm: ImagePullBackOff: Back-off pulling image "ghcr.io/llm-d/llm-d-cuda:v0.8.0"',
      ready: false,
    });
  });

  it('a failed routing sidecar is reported by name', () => {
    const status = runningNotReadyStatus();
    status.initContainerStatuses = [
      {
        name: 'routing-proxy',
        ready: false,
        restartCount: 3,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { reason: 'Error', exitCode: 2 } },
      },
    ];
    expect(
      podStatusVerdict(withStatus(lwsLeader, status, 'gpu-1'), { now: T0 })
        .reason,
    ).toBe(
      'container routing-proxy is in CrashLoopBackOff (3 restarts); last exit: Error (exit code 2)',
    );
  });

  it('Running but not Ready: starting within the startup budget, unhealthy after it with the Ready message', () => {
    const pod = withStatus(
      lwsLeader,
      runningNotReadyStatus({ startedAt: new Date(T0).toISOString() }),
      'gpu-1',
    );
    expect(podStatusVerdict(pod, { now: T0 + 3 * min })).toEqual({
      state: 'starting',
      reason: 'running for 3m, not Ready yet (startup budget 45m)',
      ready: false,
    });
    expect(podStatusVerdict(pod, { now: T0 + 50 * min })).toEqual({
      state: 'unhealthy',
      reason:
        'running for 50m without becoming Ready (startup budget 45m): containers with unready status: [vllm]',
      ready: false,
    });
  });

  it('a container restarted in place says why: an OOM is not a slow start', () => {
    const status = runningNotReadyStatus({
      startedAt: new Date(T0).toISOString(),
    });
    status.containerStatuses[0] = {
      ...status.containerStatuses[0],
      restartCount: 2,
      lastState: {
        terminated: {
          reason: 'OOMKilled',
          exitCode: 137,
          message: 'CUDA out of memory',
        },
      },
    };
    const pod = withStatus(lwsLeader, status, 'gpu-1');
    expect(podStatusVerdict(pod, { now: T0 + 1 * min })).toEqual({
      state: 'starting',
      reason:
        'restarted 2 times, last exit OOMKilled (exit code 137): CUDA out of memory; running for 1m, not Ready yet (startup budget 45m)',
      ready: false,
    });
    expect(podStatusVerdict(pod, { now: T0 + 50 * min }).reason).toMatch(
      /^restarted 2 times, last exit OOMKilled \(exit code 137\): CUDA out of memory; running for 50m without becoming Ready/,
    );
  });

  it('uses the default budget when the container has no startup probe', () => {
    const pod = withStatus(lwsLeader, runningNotReadyStatus(), 'gpu-1');
    delete pod.spec!.containers!.find(c => c.name === 'vllm')!.startupProbe;
    expect(
      podStatusVerdict(pod, {
        now: T0 + 11 * min,
        defaultStartupBudgetMs: 10 * min,
      }).state,
    ).toBe('unhealthy');
    expect(podStatusVerdict(pod, { now: T0 + 11 * min }).state).toBe(
      'starting',
    );
  });

  it('terminating, failed, evicted and unknown pods', () => {
    const terminating = withStatus(lwsLeader, readyStatus(), 'gpu-1');
    terminating.metadata.deletionTimestamp = new Date(T0).toISOString();
    expect(podStatusVerdict(terminating, { now: T0 })).toEqual({
      state: 'unhealthy',
      reason: 'pod is terminating',
      ready: false,
    });
    expect(
      podStatusVerdict(
        withStatus(lwsLeader, {
          phase: 'Failed',
          reason: 'Evicted',
          message: 'The node was low on resource: memory.',
        }),
        { now: T0 },
      ),
    ).toEqual({
      state: 'unhealthy',
      reason: 'pod failed: Evicted: The node was low on resource: memory.',
      ready: false,
    });
    expect(
      podStatusVerdict(withStatus(lwsLeader, { phase: 'Unknown' }), {
        now: T0,
      }),
    ).toEqual({
      state: 'unknown',
      reason: 'pod phase is Unknown (the node may be unreachable)',
      ready: false,
    });
  });

  it('a container that exited non-zero without restarting', () => {
    const status = runningNotReadyStatus();
    status.containerStatuses[0].state = {
      terminated: {
        reason: 'Error',
        exitCode: 1,
        message: 'ValueError: bad flag',
      },
    };
    expect(
      podStatusVerdict(withStatus(lwsLeader, status, 'gpu-1'), { now: T0 })
        .reason,
    ).toBe('container vllm exited: Error (exit code 1): ValueError: bad flag');
  });
});
