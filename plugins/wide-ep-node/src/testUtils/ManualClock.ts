import type { Clock } from '../clock';

/** Lets pending timers and promise chains run. @public */
export const flush = () => new Promise<void>(resolve => setImmediate(resolve));

/** Options of {@link ManualClock}. @public */
export interface ManualClockOptions {
  /** Start time, ms since epoch. Default 2026-07-01T10:00:00Z. */
  start?: number;
  /**
   * Every delay moves time forward by its `ms` and resolves at once, for
   * poll loops a test runs to the end. Without it, delays wait for
   * {@link ManualClock.advance}.
   */
  autoAdvance?: boolean;
  /**
   * With `autoAdvance`: awaited after each delay has moved time, with its
   * 1-based number; a test changes the fake cluster or aborts here.
   */
  onDelay?: (call: number) => void | Promise<void>;
}

interface Timer {
  at: number;
  resolve: () => void;
}

/**
 * The test {@link Clock}: time moves only when the test says so, or with
 * `autoAdvance` when a delay asks; nothing sleeps. Aborts like
 * `systemClock`: a delay resolves at once when its signal aborts.
 * @public
 */
export class ManualClock implements Clock {
  /** Every delay asked for, in ms, in order. */
  readonly delays: number[] = [];
  private timers: Timer[] = [];
  private t: number;

  constructor(private readonly options: ManualClockOptions = {}) {
    this.t = options.start ?? Date.parse('2026-07-01T10:00:00Z');
  }

  now = () => this.t;

  delay = (ms: number, signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted) return Promise.resolve();
    this.delays.push(ms);
    if (this.options.autoAdvance) {
      this.t += ms;
      return Promise.resolve(this.options.onDelay?.(this.delays.length));
    }
    return new Promise<void>(resolve => {
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
  };

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
