import { NotAllowedError, ServiceUnavailableError } from '@backstage/errors';
import { ManualClock, flush } from '../testUtils';
import { isTransientKubeError, toBackstageError } from './errors';
import {
  ClusterNotAnsweringError,
  DEFAULT_KUBE_CALL_POLICY,
  KubeCallRunner,
  SlowKubeCall,
  resolveKubeCallPolicy,
} from './patience';

const CLUSTER = 'prod-gb200';

function runner(
  clock: ManualClock,
  extra: {
    onSlow?: (r: SlowKubeCall) => void;
    signal?: AbortSignal;
    policy?: Parameters<typeof resolveKubeCallPolicy>[0];
  } = {},
) {
  return new KubeCallRunner({
    cluster: CLUSTER,
    policy: resolveKubeCallPolicy(extra.policy),
    clock,
    onSlow: extra.onSlow,
    signal: extra.signal,
  });
}

/** A request to a frozen API server: never answers, fails when abandoned. */
const frozen = (signal: AbortSignal) =>
  new Promise<never>((_, reject) =>
    signal.addEventListener('abort', () => reject(signal.reason), {
      once: true,
    }),
  );

const refused = () =>
  Promise.reject(
    toBackstageError(
      Object.assign(
        new Error('request to https://10.0.0.1/api failed, reason: refused'),
        { code: 'ECONNREFUSED' },
      ),
      {
        cluster: CLUSTER,
        verb: 'list',
        object: { apiVersion: 'v1', kind: 'Pod' },
      },
    ),
  );

/** Settles `promise` into an inspectable box, so time can advance meanwhile. */
function track<T>(promise: Promise<T>) {
  const box: { done: boolean; value?: T; error?: any } = { done: false };
  promise.then(
    value => Object.assign(box, { done: true, value }),
    error => Object.assign(box, { done: true, error }),
  );
  return box;
}

/** Advances in 1 s steps until `box` settles; returns the virtual time it took. */
async function runToEnd(clock: ManualClock, box: { done: boolean }) {
  const start = clock.now();
  for (let i = 0; i < 600 && !box.done; i++) await clock.advance(1_000);
  expect(box.done).toBe(true);
  return clock.now() - start;
}

describe('KubeCallRunner', () => {
  it('reports a frozen API server at the first timeout, then about every 10 s, and gives up within 120 s naming cluster, call and time', async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const reports: Array<SlowKubeCall & { at: number }> = [];
    const r = runner(clock, {
      onSlow: report => reports.push({ ...report, at: clock.now() - start }),
    });
    let attempts = 0;
    const box = track(
      r.run('list Pod llm-d', request => {
        attempts++;
        return request(frozen);
      }),
    );
    const took = await runToEnd(clock, box);

    // Attempts start at 0, 11, 23, 37, 55, 80, 105 s (backoff 1, 2, 4, 8,
    // 15, 15 s after each 10 s timeout); the next would start at 130 s.
    expect(attempts).toBe(7);
    expect(took).toBe(115_000);
    expect(reports.map(x => [x.at, x.attempt, x.retryInMs])).toEqual([
      [10_000, 2, 1_000],
      [21_000, 3, 2_000],
      [33_000, 4, 4_000],
      [47_000, 5, 8_000],
      [65_000, 6, 15_000],
      [90_000, 7, 15_000],
    ]);
    expect(reports[0]).toMatchObject({
      cluster: CLUSTER,
      call: 'list Pod llm-d',
      waitedMs: 10_000,
      reason: 'no answer within 10 s',
      otherCallsWaiting: 0,
      message:
        'cluster "prod-gb200" has not answered list Pod llm-d for 10 s (no answer within 10 s); retrying in 1 s (attempt 2)',
    });
    expect(box.error).toBeInstanceOf(ClusterNotAnsweringError);
    expect(box.error).toMatchObject({
      name: 'ServiceUnavailableError',
      cluster: CLUSTER,
      call: 'list Pod llm-d',
      waitedMs: 115_000,
      attempts: 7,
      message:
        'gave up on list Pod llm-d on cluster "prod-gb200" after 115 s and 7 attempts: no answer within 10 s',
    });
    expect(isTransientKubeError(box.error)).toBe(true);
    expect(clock.pendingTimers).toEqual([]);
  });

  it('succeeds when the API server answers again before the bound', async () => {
    const clock = new ManualClock();
    const reports: SlowKubeCall[] = [];
    const r = runner(clock, { onSlow: report => reports.push(report) });
    let attempts = 0;
    const box = track(
      r.run('apply Deployment llm-d/x', request => {
        attempts++;
        return attempts < 3 ? request(frozen) : request(async () => 'stored');
      }),
    );
    const took = await runToEnd(clock, box);
    expect(box).toEqual({ done: true, value: 'stored' });
    expect(attempts).toBe(3);
    expect(took).toBe(23_000);
    expect(reports.map(x => x.attempt)).toEqual([2, 3]);
  });

  it('retries a refused connection on the same backoff and fails within the bound with "refused"', async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const at: number[] = [];
    const reports: number[] = [];
    const r = runner(clock, {
      onSlow: () => reports.push(clock.now() - start),
    });
    const box = track(
      r.run('list Pod llm-d', request => {
        at.push(clock.now() - start);
        return request(refused);
      }),
    );
    const took = await runToEnd(clock, box);
    expect(at).toEqual([
      0, 1_000, 3_000, 7_000, 15_000, 30_000, 45_000, 60_000, 75_000, 90_000,
      105_000,
    ]);
    expect(took).toBe(105_000);
    // The first failure is reported at once; then at most every 10 s.
    expect(reports).toEqual([
      0, 15_000, 30_000, 45_000, 60_000, 75_000, 90_000,
    ]);
    expect(box.error.message).toBe(
      'gave up on list Pod llm-d on cluster "prod-gb200" after 105 s and 11 attempts: connection refused (ECONNREFUSED)',
    );
  });

  it('retries 503 and 5xx answers, naming the status', async () => {
    const clock = new ManualClock();
    const reports: SlowKubeCall[] = [];
    const r = runner(clock, { onSlow: report => reports.push(report) });
    let attempts = 0;
    const box = track(
      r.run('read Namespace llm-d', async () => {
        attempts++;
        if (attempts === 1) {
          throw toBackstageError(
            Object.assign(new Error('HTTP-Code: 503'), {
              code: 503,
              body: { reason: 'ServiceUnavailable', message: 'etcd is slow' },
            }),
            { cluster: CLUSTER, verb: 'get' },
          );
        }
        return 'ok';
      }),
    );
    await runToEnd(clock, box);
    expect(box.value).toBe('ok');
    expect(reports[0].reason).toBe('HTTP 503 ServiceUnavailable: etcd is slow');
  });

  it('does not retry what retrying cannot fix', async () => {
    const clock = new ManualClock();
    const r = runner(clock);
    let attempts = 0;
    await expect(
      r.run('delete Secret llm-d/hf', async () => {
        attempts++;
        throw new NotAllowedError('forbidden');
      }),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect(attempts).toBe(1);
    expect(clock.delays).toEqual([]);
  });

  it('reports once for many calls waiting at once, and stops them all once one gives up', async () => {
    const clock = new ManualClock();
    const reports: SlowKubeCall[] = [];
    const r = runner(clock, {
      onSlow: report => reports.push(report),
      policy: { giveUpAfterMs: 30_000 },
    });
    const calls = ['read CRD a', 'read CRD b', 'read CRD c'].map(call =>
      track(r.run(call, request => request(frozen))),
    );
    await runToEnd(clock, calls[0]);
    await flush();
    expect(calls.every(c => c.done)).toBe(true);
    expect(reports.map(x => [x.call, x.waitedMs, x.otherCallsWaiting])).toEqual(
      [
        ['read CRD a', 10_000, 0],
        ['read CRD a', 21_000, 2],
      ],
    );
    expect(calls.map(c => c.error.waitedMs)).toEqual([30_000, 30_000, 30_000]);

    // A later call gets one attempt, not another full bound ...
    const later = track(r.run('delete Pod x/y', request => request(frozen)));
    expect(await runToEnd(clock, later)).toBe(10_000);
    expect(later.error.message).toBe(
      'gave up on delete Pod x/y on cluster "prod-gb200" after 10 s and 1 attempt: no answer within 10 s; not retried, since an earlier call to this cluster already gave up and none has succeeded since',
    );
    // ... until one succeeds.
    await expect(r.run('read Namespace x', async () => 'ok')).resolves.toBe(
      'ok',
    );
    let attempts = 0;
    const again = track(
      r.run('read Namespace x', request => {
        attempts++;
        return request(frozen);
      }),
    );
    await runToEnd(clock, again);
    expect(attempts).toBe(3);
  });

  it('bounds the last request by what is left of the call', async () => {
    const clock = new ManualClock();
    const r = runner(clock, {
      policy: { giveUpAfterMs: 25_000, attemptTimeoutMs: 10_000 },
    });
    let attempts = 0;
    const box = track(
      r.run('list Node', request => {
        attempts++;
        return request(frozen);
      }),
    );
    expect(await runToEnd(clock, box)).toBe(25_000);
    // 0-10, backoff 1, 11-21, backoff 2, 23-25 (2 s left).
    expect(attempts).toBe(3);
    expect(clock.delays).toEqual([10_000, 1_000, 10_000, 2_000, 2_000]);
  });

  it('stops at once when the task is cancelled', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    let abandoned: unknown;
    const r = runner(clock, { signal: controller.signal });
    const box = track(
      r.run('list Pod llm-d', request =>
        request(signal => {
          signal.addEventListener('abort', () => {
            abandoned = signal.reason;
          });
          return frozen(signal);
        }),
      ),
    );
    await clock.advance(3_000);
    controller.abort(new Error('task cancelled'));
    await flush();
    expect(box.error?.message).toBe('task cancelled');
    expect(abandoned).toBe(box.error);
  });

  it('lets a failing onSlow not fail the call', async () => {
    const clock = new ManualClock({ autoAdvance: true });
    const r = runner(clock, {
      onSlow: () => {
        throw new Error('log sink down');
      },
    });
    let attempts = 0;
    await expect(
      r.run('read Namespace x', async () => {
        attempts++;
        if (attempts === 1) throw new ServiceUnavailableError('ECONNRESET');
        return 'ok';
      }),
    ).resolves.toBe('ok');
  });
});

describe('resolveKubeCallPolicy', () => {
  it('fills defaults, applies overrides in order and rejects nonsense', () => {
    expect(resolveKubeCallPolicy()).toEqual(DEFAULT_KUBE_CALL_POLICY);
    expect(
      resolveKubeCallPolicy(
        { giveUpAfterMs: 60_000, attemptTimeoutMs: 5_000 },
        { giveUpAfterMs: 30_000, attemptTimeoutMs: undefined },
      ),
    ).toEqual({
      ...DEFAULT_KUBE_CALL_POLICY,
      giveUpAfterMs: 30_000,
      attemptTimeoutMs: 5_000,
    });
    expect(() => resolveKubeCallPolicy({ attemptTimeoutMs: 0 })).toThrow(
      'attemptTimeoutMs must be a positive number',
    );
  });
});
