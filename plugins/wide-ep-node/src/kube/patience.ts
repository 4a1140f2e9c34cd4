import { ServiceUnavailableError, isError } from '@backstage/errors';
import type { Clock } from '../clock';
import { KubernetesApiError, isTransientKubeError } from './errors';

/**
 * How long a {@link KubeClient} call waits on its cluster before it says so
 * and before it gives up.
 *
 * @remarks
 * With the defaults, a call to a frozen API server (one that accepts
 * connections and never answers, as a black-holed or overloaded one does)
 * reports through `onSlow` after 10 s, then about every 10 s, and fails
 * after at most 120 s: attempts at 0, 11, 23, 37, 55, 80 and 105 s, each
 * abandoned after 10 s. A closed port is retried on the same backoff and
 * fails within the same bound.
 *
 * @public
 */
export interface KubeCallPolicy {
  /**
   * Each HTTP request to the cluster is abandoned after this long without
   * a complete answer, and counts as a transient failure. Default 10 s.
   */
  attemptTimeoutMs: number;
  /**
   * A call retries transient failures (timeouts, refused or reset
   * connections, 429 and 5xx answers) until this long after it started,
   * then fails with {@link ClusterNotAnsweringError}. Default 120 s.
   */
  giveUpAfterMs: number;
  /** Delay before the first retry, doubled for each further one. Default 1 s. */
  initialBackoffMs: number;
  /** Longest delay between retries. Default 15 s. */
  maxBackoffMs: number;
  /**
   * `onSlow` is called at most this often per client, however many calls
   * wait on the cluster at once. Default 10 s.
   */
  reportEveryMs: number;
}

/** The {@link KubeCallPolicy} of a client nobody configured. @public */
export const DEFAULT_KUBE_CALL_POLICY: Readonly<KubeCallPolicy> = Object.freeze(
  {
    attemptTimeoutMs: 10_000,
    giveUpAfterMs: 120_000,
    initialBackoffMs: 1_000,
    maxBackoffMs: 15_000,
    reportEveryMs: 10_000,
  },
);

/**
 * A call that is still waiting on its cluster, as reported to
 * {@link KubeConnectOptions.onSlow} before a retry.
 *
 * @public
 */
export interface SlowKubeCall {
  /** Configured cluster name. */
  cluster: string;
  /** What was being attempted, e.g. `apply Deployment llm-d/x` or `list Pod llm-d`. */
  call: string;
  /** Time since the call started. */
  waitedMs: number;
  /** Number of the attempt about to be made: 2 for the first retry. */
  attempt: number;
  /** Delay before that attempt. */
  retryInMs: number;
  /** Other calls to the same cluster that are retrying at the moment. */
  otherCallsWaiting: number;
  /** Why the last attempt failed, e.g. `no answer within 10 s`. */
  reason: string;
  /** The error of the last attempt. */
  lastError: Error;
  /**
   * The line to log, e.g. cluster "prod-gb200" has not answered list Pod
   * llm-d for 21 s (no answer within 10 s); retrying in 2 s (attempt 3).
   */
  message: string;
}

/**
 * Per-connection options of a {@link KubeClient}: how patient its calls are
 * and whom they tell while they wait.
 *
 * @public
 */
export interface KubeConnectOptions {
  /**
   * Called while a call retries: at its first failed attempt (for a frozen
   * API server, after `attemptTimeoutMs`), then at most every
   * `reportEveryMs` for the whole client. A scaffolder action logs
   * `report.message` to the task log.
   */
  onSlow?: (report: SlowKubeCall) => void;
  /** Aborts in-flight requests and stops retrying; the call then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Overrides of the configured (or default) {@link KubeCallPolicy}. */
  policy?: Partial<KubeCallPolicy>;
  /**
   * Caps `giveUpAfterMs` for this client, whatever the configuration says:
   * for callers answering an HTTP request, which must fail before the
   * browser or a proxy in front of Backstage gives up on them.
   */
  maxWaitMs?: number;
}

/**
 * Thrown by a {@link KubeClient} call that gave up waiting on its cluster:
 * every attempt within `giveUpAfterMs` failed transiently. A
 * `ServiceUnavailableError`, so the Backstage error middleware answers 503
 * and `isTransientKubeError` holds.
 *
 * @public
 */
export class ClusterNotAnsweringError extends ServiceUnavailableError {
  /** Configured cluster name. */
  readonly cluster: string;
  /** What was being attempted, e.g. `apply Deployment llm-d/x`. */
  readonly call: string;
  /** Time from the start of the call to giving up. */
  readonly waitedMs: number;
  /** Attempts made, the first included. */
  readonly attempts: number;

  constructor(options: {
    cluster: string;
    call: string;
    waitedMs: number;
    attempts: number;
    reason: string;
    /** Set when an earlier call to the cluster gave up and this one did not retry. */
    notRetried?: boolean;
    cause: Error;
  }) {
    const { cluster, call, waitedMs, attempts, reason } = options;
    super(
      `gave up on ${call} on cluster "${cluster}" after ${formatSeconds(
        waitedMs,
      )} and ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}: ${reason}${
        options.notRetried
          ? '; not retried, since an earlier call to this cluster already gave up and none has succeeded since'
          : ''
      }`,
    );
    // Kept out of the message, which already says why in a few words
    // (CustomErrorBase would append the whole chain of causes).
    (this as { cause?: Error }).cause = options.cause;
    this.cluster = cluster;
    this.call = call;
    this.waitedMs = waitedMs;
    this.attempts = attempts;
  }
}

/** One HTTP request of an attempt, given the signal that abandons it. */
export type TimedRequest = <T>(
  send: (signal: AbortSignal) => Promise<T>,
) => Promise<T>;

// A request abandoned after attemptTimeoutMs. Keeps the name
// ServiceUnavailableError, so it is transient and passes toBackstageError.
class AttemptTimeoutError extends ServiceUnavailableError {
  constructor(cluster: string, call: string, readonly timeoutMs: number) {
    super(
      `cluster "${cluster}" did not answer ${call} within ${formatSeconds(
        timeoutMs,
      )}`,
    );
  }
}

/**
 * Runs the calls of one client under its {@link KubeCallPolicy}: per-request
 * deadlines, retries with backoff, `onSlow` reports, a bound per call.
 *
 * @remarks
 * State shared by the client's calls: when `onSlow` last fired, how many
 * calls are retrying, and whether a call gave up with no success since.
 * After a give-up, other calls stop at their next transient failure instead
 * of each waiting out the whole bound again, so a teardown of many objects
 * on a dead cluster takes one bound plus one attempt per object, not one
 * bound per object. The first successful call ends that.
 */
export class KubeCallRunner {
  private lastReportAt?: number;
  private retrying = 0;
  private gaveUp = false;

  constructor(
    private readonly options: {
      cluster: string;
      policy: KubeCallPolicy;
      clock: Clock;
      onSlow?: (report: SlowKubeCall) => void;
      signal?: AbortSignal;
    },
  ) {}

  /**
   * Runs `attempt` until it succeeds, fails for good, or the bound passes.
   * `attempt` sends its HTTP requests through the given {@link TimedRequest}
   * and throws `@backstage/errors` types (`toBackstageError`); the transient
   * ones (`isTransientKubeError`) are retried.
   *
   * Only idempotent calls may go through here: reads, lists, server-side
   * apply (the same patch applied twice stores the same object) and delete
   * (a retried delete that already happened finds the object gone).
   */
  async run<T>(
    call: string,
    attempt: (request: TimedRequest) => Promise<T>,
  ): Promise<T> {
    const { cluster, policy, clock, signal } = this.options;
    const start = clock.now();
    let attempts = 0;
    let counted = false;
    try {
      for (;;) {
        signal?.throwIfAborted();
        attempts++;
        try {
          const result = await attempt(send => this.timed(call, start, send));
          this.gaveUp = false;
          return result;
        } catch (error) {
          signal?.throwIfAborted();
          if (!isTransientKubeError(error)) throw error;
          const lastError = error as Error;
          const waitedMs = clock.now() - start;
          const backoffMs = Math.min(
            policy.initialBackoffMs * 2 ** (attempts - 1),
            policy.maxBackoffMs,
          );
          if (this.gaveUp || waitedMs + backoffMs >= policy.giveUpAfterMs) {
            const notRetried = this.gaveUp;
            this.gaveUp = true;
            throw new ClusterNotAnsweringError({
              cluster,
              call,
              waitedMs,
              attempts,
              reason: reasonOf(lastError),
              notRetried,
              cause: lastError,
            });
          }
          if (!counted) {
            counted = true;
            this.retrying++;
          }
          this.report({
            cluster,
            call,
            waitedMs,
            attempt: attempts + 1,
            retryInMs: backoffMs,
            otherCallsWaiting: this.retrying - 1,
            reason: reasonOf(lastError),
            lastError,
          });
          await clock.delay(backoffMs, signal);
        }
      }
    } finally {
      if (counted) this.retrying--;
    }
  }

  /** One request, abandoned at the attempt timeout or the call's bound, whichever is first. */
  private timed<T>(
    call: string,
    callStart: number,
    send: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const { cluster, policy, clock, signal: outer } = this.options;
    const left = policy.giveUpAfterMs - (clock.now() - callStart);
    const timeoutMs = Math.max(1, Math.min(policy.attemptTimeoutMs, left));
    const request = new AbortController();
    const settled = new AbortController();
    return new Promise<T>((resolve, reject) => {
      let onOuterAbort = () => {};
      const finish = () => {
        settled.abort();
        outer?.removeEventListener('abort', onOuterAbort);
      };
      onOuterAbort = () => {
        finish();
        reject(outer!.reason);
        request.abort(outer!.reason);
      };
      if (outer?.aborted) {
        onOuterAbort();
        return;
      }
      outer?.addEventListener('abort', onOuterAbort, { once: true });
      clock.delay(timeoutMs, settled.signal).then(() => {
        if (settled.signal.aborted) return;
        const timeout = new AttemptTimeoutError(cluster, call, timeoutMs);
        finish();
        // Rejected before the abort, so the race is won by the timeout
        // rather than by the transport's AbortError.
        reject(timeout);
        request.abort(timeout);
      });
      Promise.resolve()
        .then(() => send(request.signal))
        .then(
          value => {
            finish();
            resolve(value);
          },
          error => {
            finish();
            reject(error);
          },
        );
    });
  }

  private report(fields: Omit<SlowKubeCall, 'message'>) {
    const { onSlow, policy, clock } = this.options;
    if (!onSlow) return;
    const now = clock.now();
    if (
      this.lastReportAt !== undefined &&
      now - this.lastReportAt < policy.reportEveryMs
    ) {
      return;
    }
    this.lastReportAt = now;
    try {
      onSlow({ ...fields, message: formatSlowKubeCall(fields) });
    } catch {
      // A failing log sink must not fail the call.
    }
  }
}

/**
 * The log line of a {@link SlowKubeCall}.
 *
 * @public
 */
export function formatSlowKubeCall(
  report: Omit<SlowKubeCall, 'message'>,
): string {
  const others = report.otherCallsWaiting
    ? `; ${report.otherCallsWaiting} other ${
        report.otherCallsWaiting === 1 ? 'call' : 'calls'
      } to this cluster waiting too`
    : '';
  return `cluster "${report.cluster}" has not answered ${
    report.call
  } for ${formatSeconds(report.waitedMs)} (${
    report.reason
  }); retrying in ${formatSeconds(report.retryInMs)} (attempt ${
    report.attempt
  })${others}`;
}

/** A {@link KubeCallPolicy} with defaults filled in and values checked. */
export function resolveKubeCallPolicy(
  ...overrides: Array<Partial<KubeCallPolicy> | undefined>
): KubeCallPolicy {
  const policy: KubeCallPolicy = { ...DEFAULT_KUBE_CALL_POLICY };
  for (const override of overrides) {
    for (const [key, value] of Object.entries(override ?? {})) {
      if (value !== undefined) policy[key as keyof KubeCallPolicy] = value;
    }
  }
  for (const [key, value] of Object.entries(policy)) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new TypeError(
        `cluster call policy: ${key} must be a positive number of milliseconds (got ${value})`,
      );
    }
  }
  return policy;
}

function reasonOf(error: Error): string {
  if (error instanceof AttemptTimeoutError) {
    return `no answer within ${formatSeconds(error.timeoutMs)}`;
  }
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof KubernetesApiError) {
    const message = cause.status?.message;
    return `HTTP ${cause.code}${
      cause.status?.reason ? ` ${cause.status.reason}` : ''
    }${message ? `: ${message}` : ''}`;
  }
  const code = systemCodeOf(error);
  if (code === 'ECONNREFUSED') return 'connection refused (ECONNREFUSED)';
  if (code === 'ECONNRESET') return 'connection reset (ECONNRESET)';
  if (code) return `connection failed (${code})`;
  return error.message;
}

function systemCodeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && isError(current); depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z_]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function formatSeconds(ms: number): string {
  if (ms < 1000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 1000)} s`;
}
