import { useCallback, useEffect, useRef, useState } from 'react';

/** What a polled request knows: the last good answer and the last failure, if newer. */
export interface PolledState<T> {
  value?: T;
  /** Set when the latest request failed; `value` then still holds the last good answer. */
  error?: Error;
  loading: boolean;
  refresh: () => void;
}

/**
 * Calls `load` now and again every `refreshIntervalMs`, counted from the
 * end of the previous request so slow responses never overlap. Polling
 * pauses while the document is hidden and resumes with an immediate request
 * when it becomes visible again. A change of `deps` drops what was loaded
 * (it belonged to other arguments) and loads anew.
 */
export function usePolling<T>(
  load: (signal: AbortSignal) => Promise<T>,
  options: { refreshIntervalMs: number; deps: readonly unknown[] },
): PolledState<T> {
  const { refreshIntervalMs, deps } = options;
  const [state, setState] = useState<Omit<PolledState<T>, 'refresh'>>({
    loading: true,
  });
  const loadNow = useRef<() => void>(() => {});
  // The latest closure, so callers need not memoise `load`; `deps` says
  // when its arguments changed.
  const latestLoad = useRef(load);
  latestLoad.current = load;

  useEffect(() => {
    let disposed = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let controller: AbortController | undefined;
    let pausedWhileHidden = false;

    const schedule = () => {
      clearTimeout(timer);
      if (refreshIntervalMs > 0) timer = setTimeout(run, refreshIntervalMs);
    };

    async function run() {
      clearTimeout(timer);
      if (typeof document !== 'undefined' && document.hidden) {
        pausedWhileHidden = true;
        return;
      }
      controller?.abort();
      const current = new AbortController();
      controller = current;
      setState(s => ({ ...s, loading: true }));
      try {
        const value = await latestLoad.current(current.signal);
        if (!disposed && !current.signal.aborted) {
          setState({ value, error: undefined, loading: false });
        }
      } catch (e) {
        if (!disposed && !current.signal.aborted) {
          const error = e instanceof Error ? e : new Error(String(e));
          setState(s => ({ ...s, error, loading: false }));
        }
      }
      if (!disposed && controller === current) schedule();
    }

    const onVisibilityChange = () => {
      if (!document.hidden && pausedWhileHidden) {
        pausedWhileHidden = false;
        run();
      }
    };

    loadNow.current = () => {
      run();
    };
    setState({ loading: true });
    run();
    document.addEventListener('visibilitychange', onVisibilityChange);
    return () => {
      disposed = true;
      clearTimeout(timer);
      controller?.abort();
      document.removeEventListener('visibilitychange', onVisibilityChange);
    };
    // `deps` are the caller's arguments of `load`, spread on purpose.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [refreshIntervalMs, ...deps]);

  const refresh = useCallback(() => loadNow.current(), []);
  return { ...state, refresh };
}
