import type { WatchClock } from './types';

/** The real clock: `Date.now` and an abortable, unref'd `setTimeout`. @public */
export const systemWatchClock: WatchClock = {
  now: () => Date.now(),
  delay: (ms, signal) =>
    new Promise<void>(resolve => {
      if (signal?.aborted) {
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      // Background retries must not keep a process (or a Jest worker) alive.
      timer.unref?.();
      signal?.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
    }),
};
