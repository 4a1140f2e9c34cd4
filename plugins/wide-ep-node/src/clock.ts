/**
 * Time as the wide-EP node code sees it (watch cache, readiness and
 * pod-deletion waits); injected so tests never sleep.
 *
 * @remarks
 * `delay` never rejects: it resolves after `ms`, or at once when `signal`
 * aborts (or already has). A caller that must stop on abort checks the
 * signal after the delay, e.g. with `signal.throwIfAborted()`.
 *
 * @public
 */
export interface Clock {
  /** Milliseconds since epoch. */
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts. Never rejects. */
  delay(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * The real {@link Clock}: `Date.now` and an abortable `setTimeout`. The
 * timer keeps the process alive like any other: a script that only awaits
 * a readiness wait or a call's retry backoff must not exit in the middle
 * of it. Background loops (the watch cache) abort their delays when they
 * stop, so they do not hold a process open either.
 *
 * @public
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  delay: (ms, signal) =>
    new Promise<void>(resolve => {
      if (signal?.aborted) {
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
    }),
};
