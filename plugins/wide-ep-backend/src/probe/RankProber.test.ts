import type {
  EndpointProbe,
  ProbeTarget,
} from '@internal/plugin-wide-ep-common';
import { RankProber } from './RankProber';

const target = (i: number): ProbeTarget => ({
  key: `10.0.0.${i}:8200`,
  host: `10.0.0.${i}`,
  port: 8200,
  pod: `pod-${i}`,
  ranks: [i],
});

/** A probe function the test resolves by hand, recording calls and peak parallelism. */
function manualProbe() {
  const pending: {
    target: ProbeTarget;
    resolve: (p: EndpointProbe) => void;
  }[] = [];
  let active = 0;
  let peak = 0;
  const calls: string[] = [];
  const fn = (t: ProbeTarget) =>
    new Promise<EndpointProbe>(resolve => {
      calls.push(t.key);
      active++;
      peak = Math.max(peak, active);
      pending.push({
        target: t,
        resolve: p => {
          active--;
          resolve(p);
        },
      });
    });
  const answerAll = async (
    health: EndpointProbe['health'] = { kind: 'ok' },
  ) => {
    while (pending.length) {
      pending.shift()!.resolve({ probedAt: 'x', health });
      await new Promise(r => setImmediate(r));
    }
  };
  return { fn, calls, answerAll, peak: () => peak, pending };
}

describe('RankProber', () => {
  it('with refreshAhead [1, 1] and staleForMs: at most one probe per endpoint per window under a steady stream of viewers, none waiting', async () => {
    const probe = manualProbe();
    let now = 0;
    const prober = RankProber.create({
      probeEndpoint: probe.fn,
      freshnessMs: 5000,
      refreshAhead: [1, 1],
      staleForMs: 3000,
      concurrency: 16,
      now: () => now,
    });
    const first = prober.probe([target(1)]);
    await probe.answerAll();
    await first;
    // A viewer every 100 ms for 60 s; every probe is answered 20 ms later.
    let waited = 0;
    for (now = 100; now <= 60_000; now += 100) {
      const answer = prober.probe([target(1)]);
      const before = probe.pending.length;
      if (before) {
        await new Promise(r => setImmediate(r));
        now += 20;
        await probe.answerAll();
      }
      const result = await answer;
      if (!result.has(target(1).key)) waited++;
    }
    // 60 s / 5 s = 12 windows: the first probe and one per window after it.
    expect(probe.calls.length).toBeLessThanOrEqual(13);
    expect(probe.calls.length).toBeGreaterThanOrEqual(11);
    expect(waited).toBe(0);
  });

  it('coalesces concurrent requests for the same endpoints into one probe each', async () => {
    const probe = manualProbe();
    let now = 0;
    const prober = RankProber.create({
      probeEndpoint: probe.fn,
      freshnessMs: 5000,
      concurrency: 16,
      now: () => now,
    });
    const targets = [target(1), target(2)];
    const viewers = Promise.all(
      Array.from({ length: 50 }, () => prober.probe(targets)),
    );
    await probe.answerAll();
    const results = await viewers;
    expect(probe.calls).toEqual(['10.0.0.1:8200', '10.0.0.2:8200']);
    expect(results.every(r => r.size === 2)).toBe(true);
    now = 1000;
    await prober.probe(targets);
    expect(prober.probeCount).toBe(2);
  });

  it('never runs more than `concurrency` probes at once', async () => {
    const probe = manualProbe();
    const prober = RankProber.create({
      probeEndpoint: probe.fn,
      freshnessMs: 5000,
      concurrency: 4,
      now: () => 0,
    });
    const done = prober.probe(Array.from({ length: 20 }, (_, i) => target(i)));
    await new Promise(r => setImmediate(r));
    expect(probe.pending).toHaveLength(4);
    await probe.answerAll();
    await done;
    expect(probe.calls).toHaveLength(20);
    expect(probe.peak()).toBe(4);
  });

  it('refreshes ahead in the background, and waits only for results older than the freshness window', async () => {
    const probe = manualProbe();
    let now = 0;
    const prober = RankProber.create({
      probeEndpoint: probe.fn,
      freshnessMs: 5000,
      concurrency: 16,
      now: () => now,
    });
    const first = prober.probe([target(1)]);
    await probe.answerAll({ kind: 'ok' });
    await first;

    now = 3999; // below 80 %: served from cache, no refresh
    await prober.probe([target(1)]);
    expect(probe.pending).toHaveLength(0);
    now = 4000; // past 80 %: answered from cache at once, refresh starts behind it
    const served = await prober.probe([target(1)]);
    expect(served.get('10.0.0.1:8200')!.health).toEqual({ kind: 'ok' });
    expect(probe.pending).toHaveLength(1);
    await probe.answerAll({ kind: 'refused' });

    now = 4500;
    expect(
      (await prober.probe([target(1)])).get('10.0.0.1:8200')!.health,
    ).toEqual({ kind: 'refused' });

    now = 4000 + 5001; // the refreshed result is now too old: the caller waits for a new probe
    let settled = false;
    const waiting = prober.probe([target(1)]).then(r => {
      settled = true;
      return r;
    });
    await new Promise(r => setImmediate(r));
    expect(settled).toBe(false);
    await probe.answerAll({ kind: 'httpStatus', status: 503 });
    expect((await waiting).get('10.0.0.1:8200')!.health).toEqual({
      kind: 'httpStatus',
      status: 503,
    });
  });

  it('refreshes earlier when probe rounds are slow, so viewers still do not wait', async () => {
    const probe = manualProbe();
    let now = 0;
    const prober = RankProber.create({
      probeEndpoint: probe.fn,
      freshnessMs: 5000,
      concurrency: 16,
      now: () => now,
    });
    const first = prober.probe([target(1)]);
    now = 2000; // this probe took 2 s (e.g. queued behind a large round)
    await probe.answerAll();
    await first;
    // Refresh at max(0.3 x 5000, 5000 - 1.5 x 2000) = 2000 ms of age (the result was started at 0).
    now = 1999;
    await prober.probe([target(1)]);
    expect(probe.pending).toHaveLength(0);
    now = 2000;
    await prober.probe([target(1)]);
    expect(probe.pending).toHaveLength(1);
  });

  it('logs only when an endpoint changes state', async () => {
    const probe = manualProbe();
    let now = 0;
    const lines: string[] = [];
    const logger = { info: (m: string) => lines.push(m) } as any;
    const prober = RankProber.create({
      probeEndpoint: probe.fn,
      freshnessMs: 1000,
      concurrency: 1,
      now: () => now,
      logger,
    });
    for (const health of [
      { kind: 'ok' },
      { kind: 'ok' },
      { kind: 'refused' },
      { kind: 'refused' },
      { kind: 'ok' },
    ] as const) {
      const p = prober.probe([target(7)]);
      await probe.answerAll(health);
      await p;
      now += 2000;
    }
    expect(lines).toEqual([
      'rank endpoint 10.0.0.7:8200 of pod pod-7: ok -> connection refused',
      'rank endpoint 10.0.0.7:8200 of pod pod-7: connection refused -> ok',
    ]);
  });

  it('answers without the endpoints still queued after maxWaitMs, and keeps probing them', async () => {
    const probe = manualProbe();
    const prober = RankProber.create({
      probeEndpoint: probe.fn,
      freshnessMs: 5000,
      concurrency: 1,
      now: () => 0,
      maxWaitMs: 30,
    });
    const first = await prober.probe([target(1), target(2)]);
    expect(first.size).toBe(0);
    await probe.answerAll();
    expect([...(await prober.probe([target(1), target(2)])).keys()]).toEqual([
      '10.0.0.1:8200',
      '10.0.0.2:8200',
    ]);
    expect(probe.calls).toHaveLength(2);
  });

  it('forgets endpoints nobody asks for any more', async () => {
    const probe = manualProbe();
    let now = 0;
    const prober = RankProber.create({
      probeEndpoint: probe.fn,
      freshnessMs: 1000,
      concurrency: 4,
      now: () => now,
    });
    const a = prober.probe([target(1), target(2)]);
    await probe.answerAll();
    await a;
    expect(prober.size).toBe(2);
    now = 20_000;
    const b = prober.probe([target(2)]);
    await probe.answerAll();
    await b;
    expect(prober.size).toBe(1);
  });
});
