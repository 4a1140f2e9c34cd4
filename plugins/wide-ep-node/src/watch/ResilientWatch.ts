import type { KubernetesObject } from '@kubernetes/client-node';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Clock } from '../clock';
import { classifyWatchError } from './classifyWatchError';
import type {
  Informer,
  InformerFactory,
  WatchKey,
  WatchProblem,
  WatchSnapshot,
} from './types';

/** Timing of a {@link ResilientWatch}. @public */
export interface ResilientWatchTiming {
  /** First retry delay after a failure; doubles up to `maxBackoffMs`. */
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Retry delay while a CRD is missing or access is forbidden. */
  configProblemRetryMs: number;
  /**
   * Restart the list+watch this often even when quiet: client-node's watch
   * has no read timeout, so a silently dead connection is only noticed this way.
   */
  resyncMs: number;
  /** Stop when nobody has read the cache for this long. */
  idleMs: number;
  /** How often the idle and resync checks run. */
  tickMs: number;
  /**
   * Give up on a list+watch attempt after this long: client-node's watch
   * waits for response headers without a timeout.
   */
  connectTimeoutMs: number;
}

/** Options for {@link ResilientWatch.start}. @public */
export interface ResilientWatchOptions {
  key: WatchKey;
  informerFactory: InformerFactory;
  clock: Clock;
  logger: LoggerService;
  timing: ResilientWatchTiming;
  /** Called once the watch has stopped for good (idle or shutdown). */
  onStopped?: () => void;
}

/**
 * One list+watch that keeps itself alive: a fresh client-node informer per
 * attempt (an old `ListWatch` can abort its successor's request when
 * reused after an error), exponential backoff after failures, the last
 * known objects kept while disconnected, and a stop once idle.
 *
 * @remarks
 * Logs only state changes: connected, failing, recovered, stopped.
 *
 * @public
 */
export class ResilientWatch {
  /** The informer being started, or serving while `live`. */
  private informer?: Informer;
  private live = false;
  private generation = 0;
  private lastItems: KubernetesObject[] = [];
  private syncedAt?: number;
  private problem?: WatchProblem;
  private pendingProblem?: WatchProblem;
  private lastRead: number;
  private stopped = false;
  private readonly abort = new AbortController();
  private readonly firstOutcome: Promise<void>;
  private resolveFirst!: () => void;
  private wakeUp?: (problem: WatchProblem) => void;
  private readonly logger: LoggerService;
  private readonly loop: Promise<void>;

  private constructor(private readonly options: ResilientWatchOptions) {
    this.lastRead = options.clock.now();
    this.logger = options.logger.child({
      cluster: options.key.cluster,
      namespace: options.key.namespace,
      kind: options.key.kind.kind,
      labelSelector: options.key.labelSelector,
    });
    this.firstOutcome = new Promise(resolve => {
      this.resolveFirst = resolve;
    });
    this.loop = this.run();
  }

  /** Starts watching at once. */
  static start(options: ResilientWatchOptions): ResilientWatch {
    return new ResilientWatch(options);
  }

  /** Resolves after the first list succeeded, the first attempt failed, or the watch stopped. */
  ready(): Promise<void> {
    return this.firstOutcome;
  }

  /** Whether the watch has stopped (idle or shut down) and must be replaced. */
  get isStopped(): boolean {
    return this.stopped;
  }

  /** The cached objects; also marks the watch as in use. */
  snapshot(): WatchSnapshot {
    const now = this.options.clock.now();
    this.lastRead = now;
    return {
      items:
        this.live && this.informer
          ? this.informer.list(this.options.key.namespace)
          : this.lastItems,
      ...(this.syncedAt !== undefined
        ? { syncedAt: this.live ? now : this.syncedAt }
        : {}),
      ...(this.problem ? { problem: this.problem } : {}),
    };
  }

  /** Stops the watch for good. */
  async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.abort.abort();
      this.wakeUp?.({
        reason: 'failed',
        message: 'stopped',
        since: this.options.clock.now(),
      });
    }
    await this.loop;
  }

  private async run(): Promise<void> {
    const { clock, timing } = this.options;
    let failures = 0;
    while (!this.stopped) {
      let problem = await this.connect();
      if (!problem && !this.stopped) {
        failures = 0;
        this.recover();
        problem = await this.watchUntilTrouble(clock.now());
      }
      // Keeps what a live informer saw last: served, marked stale, until the next sync.
      this.retire();
      if (this.stopped) break;
      if (problem) {
        failures++;
        this.fail(problem);
        const configProblem =
          problem.reason === 'forbidden' || problem.reason === 'notServed';
        const backoff = configProblem
          ? timing.configProblemRetryMs
          : Math.min(
              timing.maxBackoffMs,
              timing.initialBackoffMs * 2 ** (failures - 1),
            );
        await clock.delay(backoff, this.abort.signal);
      }
      if (this.isIdle()) break;
    }
    this.retire();
    if (!this.stopped) {
      this.stopped = true;
      this.logger.info('stopped watching: idle');
    }
    this.resolveFirst();
    this.options.onStopped?.();
  }

  /** Starts a fresh informer; resolves with the problem of its first list+watch, if any. */
  private async connect(): Promise<WatchProblem | undefined> {
    const generation = ++this.generation;
    const { key, clock } = this.options;
    let listed = false;
    this.pendingProblem = undefined;
    let informer: Informer;
    try {
      informer = await this.options.informerFactory(key, {
        onList: () => {
          if (generation === this.generation) listed = true;
        },
      });
    } catch (error) {
      return classifyWatchError(error, key, clock.now());
    }
    informer.on('error', err => {
      // Errors of retired informers (e.g. the abort of a stopped watch) are noise.
      if (generation !== this.generation || this.stopped) return;
      const p = classifyWatchError(err, key, clock.now());
      if (this.wakeUp) this.wakeUp(p);
      else this.pendingProblem ??= p;
    });
    this.informer = informer;
    const timeout = new AbortController();
    const started = await Promise.race([
      informer.start().then(
        () => true,
        error => {
          this.pendingProblem ??= classifyWatchError(error, key, clock.now());
          return true;
        },
      ),
      clock
        .delay(
          this.options.timing.connectTimeoutMs,
          AbortSignal.any([timeout.signal, this.abort.signal]),
        )
        .then(() => false),
    ]);
    timeout.abort();
    if (this.pendingProblem) return this.pendingProblem;
    if (!started && !this.stopped) {
      return {
        reason: 'unreachable',
        message: `cluster "${key.cluster}" did not answer the ${
          listed ? 'watch' : 'list'
        } of ${key.kind.plural} in namespace "${key.namespace}" within ${
          this.options.timing.connectTimeoutMs
        } ms`,
        since: clock.now(),
      };
    }
    if (!listed)
      return {
        reason: 'failed',
        message: 'the informer started without listing',
        since: clock.now(),
      };
    return undefined;
  }

  /** Waits while live; resolves with a problem, or undefined at resync, idle or stop. */
  private async watchUntilTrouble(
    connectedAt: number,
  ): Promise<WatchProblem | undefined> {
    const { clock, timing } = this.options;
    if (this.pendingProblem) return this.pendingProblem;
    const trouble = new Promise<WatchProblem>(resolve => {
      this.wakeUp = resolve;
    });
    try {
      while (!this.stopped) {
        const problem = await Promise.race([
          clock.delay(timing.tickMs, this.abort.signal).then(() => undefined),
          trouble,
        ]);
        if (this.stopped) return undefined;
        if (problem) return problem;
        if (this.isIdle() || clock.now() - connectedAt >= timing.resyncMs)
          return undefined;
      }
      return undefined;
    } finally {
      this.wakeUp = undefined;
    }
  }

  private retire(): void {
    const informer = this.informer;
    if (!informer) return;
    if (this.live) {
      this.lastItems = informer.list(this.options.key.namespace);
      this.syncedAt = this.options.clock.now();
    }
    this.live = false;
    this.informer = undefined;
    this.generation++;
    informer.stop().catch(() => {
      // Stopping aborts the request; nothing to report.
    });
  }

  private fail(problem: WatchProblem): void {
    if (!this.problem || this.problem.reason !== problem.reason) {
      this.logger.warn(
        `watch failing (${problem.reason}): ${problem.message}; serving the last known state, retrying with backoff`,
      );
    }
    this.problem = { ...problem, since: this.problem?.since ?? problem.since };
    this.resolveFirst();
  }

  private recover(): void {
    if (this.problem)
      this.logger.info(
        `watch recovered after ${
          this.options.clock.now() - this.problem.since
        } ms`,
      );
    else if (this.syncedAt === undefined) this.logger.info('watch started');
    this.problem = undefined;
    this.live = true;
    this.syncedAt = this.options.clock.now();
    this.resolveFirst();
  }

  private isIdle(): boolean {
    return (
      this.options.clock.now() - this.lastRead >= this.options.timing.idleMs
    );
  }
}
