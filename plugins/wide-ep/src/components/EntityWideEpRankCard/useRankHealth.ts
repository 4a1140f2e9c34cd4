import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import type { RankHealthResponse } from '@internal/plugin-wide-ep-common';
import { wideEpApiRef } from '../../api';

/** What the card knows: the last good response and the last failure, if newer. */
export interface RankHealthState {
  value?: RankHealthResponse;
  /** Set when the latest request failed; `value` then still holds the last good data. */
  error?: Error;
  loading: boolean;
  refresh: () => void;
}

/**
 * Loads rank health for an entity and reloads it every `refreshIntervalMs`,
 * counted from the end of the previous request so slow responses never
 * overlap. Polling pauses while the document is hidden and resumes with an
 * immediate request when it becomes visible again.
 */
export function useRankHealth(options: {
  entityRef: string;
  refreshIntervalMs: number;
}): RankHealthState {
  const { entityRef, refreshIntervalMs } = options;
  const api = useApi(wideEpApiRef);
  const [state, setState] = useState<Omit<RankHealthState, 'refresh'>>({
    loading: true,
  });
  const loadNow = useRef<() => void>(() => {});

  useEffect(() => {
    let disposed = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let controller: AbortController | undefined;
    let pausedWhileHidden = false;

    const schedule = () => {
      clearTimeout(timer);
      if (refreshIntervalMs > 0) timer = setTimeout(load, refreshIntervalMs);
    };

    async function load() {
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
        const value = await api.getRankHealth({
          entityRef,
          signal: current.signal,
        });
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
        load();
      }
    };

    loadNow.current = () => {
      load();
    };
    setState({ loading: true });
    load();
    document.addEventListener('visibilitychange', onVisibilityChange);
    return () => {
      disposed = true;
      clearTimeout(timer);
      controller?.abort();
      document.removeEventListener('visibilitychange', onVisibilityChange);
    };
  }, [api, entityRef, refreshIntervalMs]);

  const refresh = useCallback(() => loadNow.current(), []);
  return { ...state, refresh };
}
