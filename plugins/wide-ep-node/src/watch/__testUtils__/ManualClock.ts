import type { WatchClock } from '../types';

/** Lets pending timers and promise chains run. */
export const flush = () => new Promise<void>(resolve => setImmediate(resolve));

interface Timer {
  at: number;
  resolve: () => void;
}

/** A clock that only moves when the test says so; `delay` never sleeps. */
export class ManualClock implements WatchClock {
  private timers: Timer[] = [];

  constructor(private t = Date.parse('2026-07-01T10:00:00Z')) {}

  now = () => this.t;

  delay = (ms: number, signal?: AbortSignal) =>
    new Promise<void>(resolve => {
      if (signal?.aborted) {
        resolve();
        return;
      }
      const timer: Timer = { at: this.t + ms, resolve };
      this.timers.push(timer);
      signal?.addEventListener(
        'abort',
        () => {
          this.timers = this.timers.filter(x => x !== timer);
          resolve();
        },
        { once: true },
      );
    });

  /** Moves time forward, firing due timers in order and letting their effects settle. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    await flush();
    for (;;) {
      const due = this.timers
        .filter(x => x.at <= target)
        .sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter(x => x !== due);
      this.t = Math.max(this.t, due.at);
      due.resolve();
      await flush();
    }
    this.t = target;
    await flush();
  }

  /** Delays not yet due. */
  get pendingTimers(): number[] {
    return this.timers.map(x => x.at - this.t).sort((a, b) => a - b);
  }
}
