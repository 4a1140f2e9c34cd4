import type { KubernetesObject } from '@kubernetes/client-node';
import { NotAllowedError, ServiceUnavailableError } from '@backstage/errors';
import { FakeKubeClient, ManualClock } from '../testUtils';
import { waitForReady } from './waitForReady';

const ns = 'llm';
const lwsRef = {
  apiVersion: 'leaderworkerset.x-k8s.io/v1',
  kind: 'LeaderWorkerSet',
  name: 'decode',
};
const deployRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'epp' };

function lws(
  readyReplicas: number,
  available: 'True' | 'False',
): KubernetesObject {
  return {
    ...lwsRef,
    metadata: { name: 'decode', namespace: ns },
    spec: { replicas: 1 },
    status: {
      readyReplicas,
      conditions: [{ type: 'Available', status: available }],
    },
  } as KubernetesObject;
}

function deployment(available: number): KubernetesObject {
  return {
    ...deployRef,
    metadata: { name: 'epp', namespace: ns },
    spec: { replicas: 1, selector: { matchLabels: { app: 'epp' } } },
    status: { availableReplicas: available, updatedReplicas: 1 },
  } as KubernetesObject;
}

/** Virtual time from 0; `onDelay` changes the fake cluster between polls. */
const virtualClock = (onDelay?: (call: number) => void) =>
  new ManualClock({ start: 0, autoAdvance: true, onDelay });

describe('waitForReady', () => {
  it('polls until every workload is ready and reports each change once', async () => {
    const client = new FakeKubeClient().seed(lws(0, 'False'), deployment(1));
    const clock = virtualClock(call => {
      if (call === 2) client.seed(lws(1, 'True'));
    });
    const messages: string[] = [];

    const result = await waitForReady({
      client,
      namespace: ns,
      objects: [
        lwsRef,
        deployRef,
        { apiVersion: 'v1', kind: 'Service', name: 'ignored' },
      ],
      clock,
      onProgress: r => messages.push(r.summary),
    });

    expect(result.map(r => [r.ref.kind, r.ready])).toEqual([
      ['LeaderWorkerSet', true],
      ['Deployment', true],
    ]);
    expect(messages).toEqual([
      'LeaderWorkerSet llm/decode: 0/1 groups ready, Available=False',
      'Deployment llm/epp: 1/1 replicas available, 1/1 updated',
      'LeaderWorkerSet llm/decode: 1/1 groups ready, Available=True',
    ]);
    expect(clock.delays).toEqual([5000, 5000]);
    expect(
      client.calls.filter(c => c.op === 'list').map(c => c.labelSelector),
    ).toContain('leaderworkerset.sigs.k8s.io/name=decode');
    expect(client.calls.some(c => c.kind === 'Service')).toBe(false);
  });

  it('reports a restarted pod once, not each time its running time ticks', async () => {
    const restartedPod = (ready: boolean): KubernetesObject =>
      ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'decode-0',
          namespace: ns,
          labels: { 'leaderworkerset.sigs.k8s.io/name': 'decode' },
        },
        spec: { nodeName: 'gpu-1', containers: [{ name: 'vllm' }] },
        status: {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
          containerStatuses: [
            {
              name: 'vllm',
              ready,
              restartCount: 1,
              state: { running: { startedAt: new Date(0).toISOString() } },
              lastState: {
                terminated: {
                  reason: 'OOMKilled',
                  exitCode: 137,
                  message: 'CUDA out of memory',
                },
              },
            },
          ],
        },
      } as KubernetesObject);
    const client = new FakeKubeClient().seed(
      lws(0, 'False'),
      restartedPod(false),
    );
    // 5 s polls for 2 minutes: "running for 5s", "10s", …, "1m", "2m".
    const clock = virtualClock(call => {
      if (call === 24) client.seed(lws(1, 'True'), restartedPod(true));
    });
    const messages: string[] = [];

    await waitForReady({
      client,
      namespace: ns,
      objects: [lwsRef],
      clock,
      onProgress: r => messages.push(r.summary),
    });

    expect(messages).toEqual([
      'LeaderWorkerSet llm/decode: 0/1 groups ready, Available=False; pods 1 Running (not ready); ' +
        'pod decode-0: restarted once, last exit OOMKilled (exit code 137): CUDA out of memory; running for 0s, not Ready yet (startup budget 30m)',
      'LeaderWorkerSet llm/decode: 1/1 groups ready, Available=True; pods 1 Ready',
    ]);
  });

  it('rejects on timeout with what is not ready, never sleeping past the deadline', async () => {
    const client = new FakeKubeClient().seed(lws(0, 'False'), deployment(1));
    const clock = virtualClock();

    const error = await waitForReady({
      client,
      namespace: ns,
      objects: [lwsRef, deployRef],
      intervalMs: 4000,
      timeoutMs: 10_000,
      clock,
    }).catch(e => e);

    expect(error.name).toBe('ReadinessTimeoutError');
    expect(error.message).toBe(
      'timed out after 10s waiting for workloads in namespace "llm" on cluster "fake" to become ready: LeaderWorkerSet llm/decode: 0/1 groups ready, Available=False',
    );
    expect(
      error.notReady.map((r: { ref: { name: string } }) => r.ref.name),
    ).toEqual(['decode']);
    expect(clock.delays).toEqual([4000, 4000, 2000]);
  });

  it('retries transient errors with a warning', async () => {
    const client = new FakeKubeClient().seed(lws(1, 'True'));
    let failures = 2;
    client.fail = call =>
      call.op === 'read' && failures-- > 0
        ? new ServiceUnavailableError(
            'cluster "fake" is unavailable (HTTP 503)',
          )
        : undefined;
    const warnings: string[] = [];

    const result = await waitForReady({
      client,
      namespace: ns,
      objects: [lwsRef],
      clock: virtualClock(),
      onWarning: w => warnings.push(w),
    });

    expect(result[0].ready).toBe(true);
    expect(warnings).toEqual([
      'readiness poll failed, retrying: cluster "fake" is unavailable (HTTP 503)',
      'readiness poll failed, retrying: cluster "fake" is unavailable (HTTP 503)',
    ]);
  });

  it('mentions the last transient error when it times out without a successful poll', async () => {
    const client = new FakeKubeClient();
    client.fail = () =>
      new ServiceUnavailableError(
        'cluster "fake" could not be reached (ECONNREFUSED)',
      );
    await expect(
      waitForReady({
        client,
        namespace: ns,
        objects: [lwsRef],
        timeoutMs: 10_000,
        clock: virtualClock(),
      }),
    ).rejects.toMatchObject({
      name: 'ReadinessTimeoutError',
      message: expect.stringContaining(
        'no poll succeeded (LeaderWorkerSet decode); last poll failed: cluster "fake" could not be reached (ECONNREFUSED)',
      ),
    });
  });

  it('fails at once on a non-transient error such as a 403', async () => {
    const client = new FakeKubeClient();
    const forbidden = new NotAllowedError(
      'not allowed to get LeaderWorkerSet llm/decode',
    );
    client.fail = () => forbidden;
    const clock = virtualClock();
    await expect(
      waitForReady({ client, namespace: ns, objects: [lwsRef], clock }),
    ).rejects.toBe(forbidden);
    expect(clock.delays).toEqual([]);
  });

  it('stops when the signal aborts', async () => {
    const client = new FakeKubeClient().seed(lws(0, 'False'));
    const controller = new AbortController();
    const clock = virtualClock(() =>
      controller.abort(new Error('task cancelled')),
    );
    await expect(
      waitForReady({
        client,
        namespace: ns,
        objects: [lwsRef],
        clock,
        signal: controller.signal,
      }),
    ).rejects.toThrow('task cancelled');
  });

  it('sleeps through the real delay until aborted', async () => {
    const client = new FakeKubeClient().seed(lws(0, 'False'));
    const controller = new AbortController();
    const waiting = waitForReady({
      client,
      namespace: ns,
      objects: [lwsRef],
      signal: controller.signal,
      intervalMs: 60_000,
    });
    setImmediate(() => controller.abort());
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  });
});
