import type { LoggerService } from '@backstage/backend-plugin-api';
import { ResilientWatch, ResilientWatchTiming } from './ResilientWatch';
import { Clock, systemClock } from '../clock';
import type { InformerFactory, WatchKey, WatchSnapshot } from './types';

/** Options for {@link KubeWatchCache.create}. @public */
export interface KubeWatchCacheOptions {
  informerFactory: InformerFactory;
  logger: LoggerService;
  clock?: Clock;
  timing?: Partial<ResilientWatchTiming>;
  /**
   * How long the first reader of a new watch waits for its first list;
   * after that it gets an empty snapshot with a problem, not an error.
   */
  firstSyncTimeoutMs?: number;
}

/** Defaults sized for a card that refreshes every few seconds. @public */
export const DEFAULT_WATCH_TIMING: ResilientWatchTiming = {
  initialBackoffMs: 1_000,
  maxBackoffMs: 30_000,
  configProblemRetryMs: 5 * 60_000,
  resyncMs: 10 * 60_000,
  idleMs: 10 * 60_000,
  tickMs: 15_000,
  connectTimeoutMs: 30_000,
};

/**
 * Watch-backed caches of Kubernetes objects, one list+watch per
 * (cluster, namespace, kind, label selector), shared by every reader: API
 * server traffic depends on what is being watched, not on how many people
 * look at it.
 *
 * @remarks
 * Watches start on first read, restart with backoff after errors, stop
 * when idle, and all stop on {@link KubeWatchCache.stop} (wire it to the
 * lifecycle service). While the API server is unreachable, reads return
 * the last known objects with a `problem`.
 *
 * @public
 */
export class KubeWatchCache {
  private readonly watches = new Map<string, ResilientWatch>();
  private readonly clock: Clock;
  private readonly timing: ResilientWatchTiming;
  private stopped = false;

  private constructor(private readonly options: KubeWatchCacheOptions) {
    this.clock = options.clock ?? systemClock;
    this.timing = { ...DEFAULT_WATCH_TIMING, ...options.timing };
  }

  static create(options: KubeWatchCacheOptions): KubeWatchCache {
    return new KubeWatchCache(options);
  }

  /**
   * The cached objects for `key`. The first read of a key starts its watch
   * and waits (bounded) for the first list; concurrent first reads share
   * that wait.
   */
  async read(key: WatchKey): Promise<WatchSnapshot> {
    if (this.stopped) throw new Error('the watch cache has been stopped');
    const id = watchKeyId(key);
    let watch = this.watches.get(id);
    if (!watch || watch.isStopped) {
      const created: ResilientWatch = ResilientWatch.start({
        key,
        informerFactory: this.options.informerFactory,
        clock: this.clock,
        logger: this.options.logger,
        timing: this.timing,
        onStopped: () => {
          if (this.watches.get(id) === created) this.watches.delete(id);
        },
      });
      watch = created;
      this.watches.set(id, watch);
    }
    const snapshot = watch.snapshot();
    if (snapshot.syncedAt !== undefined || snapshot.problem) return snapshot;
    const timeout = this.options.firstSyncTimeoutMs ?? 10_000;
    const abort = new AbortController();
    const timedOut = await Promise.race([
      watch.ready().then(() => false),
      this.clock.delay(timeout, abort.signal).then(() => true),
    ]);
    abort.abort();
    const after = watch.snapshot();
    if (timedOut && after.syncedAt === undefined && !after.problem) {
      return {
        items: [],
        problem: {
          reason: 'unreachable',
          message: `cluster "${key.cluster}" did not answer the list of ${key.kind.plural} within ${timeout} ms`,
          since: this.clock.now(),
        },
      };
    }
    return after;
  }

  /** Number of running watches (one list+watch each). */
  get size(): number {
    return this.watches.size;
  }

  /** Stops every watch; later reads fail. */
  async stop(): Promise<void> {
    this.stopped = true;
    const all = [...this.watches.values()];
    this.watches.clear();
    await Promise.all(all.map(w => w.stop()));
  }
}

/** The identity of a watch. @public */
export function watchKeyId(key: WatchKey): string {
  return JSON.stringify([
    key.cluster,
    key.namespace,
    key.kind.apiVersion,
    key.kind.plural,
    key.labelSelector,
  ]);
}
