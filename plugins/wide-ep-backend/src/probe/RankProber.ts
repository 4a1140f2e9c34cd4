import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  EndpointProbe,
  ProbeTarget,
} from '@internal/plugin-wide-ep-common';
import { createConcurrencyLimit } from './createConcurrencyLimit';

/** Options for {@link RankProber.create}. @public */
export interface RankProberOptions {
  /** Probes one endpoint; never rejects. */
  probeEndpoint: (target: ProbeTarget) => Promise<EndpointProbe>;
  /** Results younger than this are reused. */
  freshnessMs: number;
  /** Endpoints probed at the same time, across all callers. */
  concurrency: number;
  /**
   * A concurrency limit shared with other probers (then `concurrency` is
   * not used): one bound across the /health-only and the full prober.
   */
  limit?: <T>(fn: () => Promise<T>) => Promise<T>;
  /**
   * Longest a caller waits for missing results, e.g. while many ranks time
   * out behind a bounded concurrency; endpoints still being probed are then
   * left out (the derivation reports them as not probed yet) and keep being
   * probed in the background. Default: no limit.
   */
  maxWaitMs?: number;
  /**
   * Bounds, as fractions of `freshnessMs`, of the age at which a result is
   * refreshed in the background while still being served. Between them the
   * refresh starts `1.5 ×` the slowest recent probe (queueing included)
   * before the result expires. Default `[0.3, 0.8]`.
   */
  refreshAhead?: [number, number];
  /**
   * Serve a result up to this much older than `freshnessMs` while its
   * refresh runs, instead of waiting for it. With `refreshAhead` `[1, 1]`
   * every endpoint is then probed at most once per `freshnessMs` however
   * many viewers ask (results are at most `freshnessMs + staleForMs` old,
   * in practice `freshnessMs` plus one probe). Default 0.
   */
  staleForMs?: number;
  logger?: LoggerService;
  /** Milliseconds since epoch; injected by tests. */
  now?: () => number;
}

interface Entry {
  result?: { probe: EndpointProbe; startedAt: number };
  inflight?: Promise<EndpointProbe>;
  wantedAt: number;
}

/**
 * Probes vLLM endpoints for any number of viewers at a bounded cost: every
 * result is reused for `freshnessMs`, concurrent requests for the same
 * endpoint share one probe, and at most `concurrency` endpoints are probed
 * at once.
 *
 * @remarks
 * A result is refreshed in the background once it is older than
 * `refreshAheadRatio × freshnessMs`, so a steady stream of viewers never
 * waits for a probe round, while every answer still holds data at most
 * `freshnessMs` old (measured from the start of the probe): a rank that
 * dies is reported within one freshness window. Logs only when an
 * endpoint's health changes.
 *
 * @public
 */
export class RankProber {
  private readonly entries = new Map<string, Entry>();
  private readonly limit: <T>(fn: () => Promise<T>) => Promise<T>;
  private readonly now: () => number;
  private lastSweep = 0;
  private probes = 0;
  /** Slowest recent refresh (queue + probe), decaying with every completion. */
  private slowestMs = 0;

  private constructor(private readonly options: RankProberOptions) {
    this.limit = options.limit ?? createConcurrencyLimit(options.concurrency);
    this.now = options.now ?? Date.now;
  }

  static create(options: RankProberOptions): RankProber {
    return new RankProber(options);
  }

  /** Probe results for `targets`, by {@link ProbeTarget.key}, none older than `freshnessMs`. */
  async probe(targets: ProbeTarget[]): Promise<Map<string, EndpointProbe>> {
    const now = this.now();
    const { freshnessMs } = this.options;
    const refreshAfter = this.refreshAfterMs();
    const out = new Map<string, EndpointProbe>();
    const waits: Promise<void>[] = [];
    for (const target of targets) {
      let entry = this.entries.get(target.key);
      if (!entry) {
        entry = { wantedAt: now };
        this.entries.set(target.key, entry);
      }
      entry.wantedAt = now;
      const age = entry.result
        ? now - entry.result.startedAt
        : Number.POSITIVE_INFINITY;
      if (age <= freshnessMs + (this.options.staleForMs ?? 0)) {
        out.set(target.key, entry.result!.probe);
        if (age >= refreshAfter) void this.refresh(target, entry);
      } else {
        waits.push(
          this.refresh(target, entry).then(p => void out.set(target.key, p)),
        );
      }
    }
    if (waits.length) {
      const all = Promise.all(waits);
      const maxWaitMs = this.options.maxWaitMs;
      if (maxWaitMs === undefined) {
        await all;
      } else {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          all,
          new Promise<void>(
            resolve => (timer = setTimeout(resolve, maxWaitMs)),
          ),
        ]);
        clearTimeout(timer);
      }
    }
    this.sweep(now);
    // A copy: late results must not change an answer already handed out.
    return new Map(out);
  }

  /** Endpoint probes started since creation (for benchmarks and tests). */
  get probeCount(): number {
    return this.probes;
  }

  /**
   * Age at which to refresh ahead: early enough that a round (which queues
   * behind the concurrency bound) finishes before results expire, so a
   * steady stream of viewers never waits for probes.
   */
  private refreshAfterMs(): number {
    const [low, high] = this.options.refreshAhead ?? [0.3, 0.8];
    const f = this.options.freshnessMs;
    return Math.min(high * f, Math.max(low * f, f - 1.5 * this.slowestMs));
  }

  private refresh(target: ProbeTarget, entry: Entry): Promise<EndpointProbe> {
    if (entry.inflight) return entry.inflight;
    const requestedAt = this.now();
    const inflight = this.limit(async () => {
      const startedAt = this.now();
      this.probes++;
      const probe = await this.options.probeEndpoint(target);
      this.logChange(target, entry.result?.probe, probe);
      entry.result = { probe, startedAt };
      // ~1,000 completions (a round of a large deployment) shrink it to a third.
      this.slowestMs = Math.max(
        this.now() - requestedAt,
        this.slowestMs * 0.999,
      );
      return probe;
    });
    entry.inflight = inflight;
    inflight.finally(() => {
      if (entry.inflight === inflight) entry.inflight = undefined;
    });
    return inflight;
  }

  private logChange(
    target: ProbeTarget,
    before: EndpointProbe | undefined,
    after: EndpointProbe,
  ): void {
    const was = before ? describe(before) : 'ok';
    const is = describe(after);
    if (was !== is)
      this.options.logger?.info(
        `rank endpoint ${target.key} of pod ${target.pod}: ${was} -> ${is}`,
      );
  }

  /** Forgets endpoints nobody asked for in ten freshness windows (pods that went away). */
  private sweep(now: number): void {
    const horizon = 10 * this.options.freshnessMs;
    if (now - this.lastSweep < this.options.freshnessMs) return;
    this.lastSweep = now;
    for (const [key, entry] of this.entries) {
      if (!entry.inflight && now - entry.wantedAt > horizon)
        this.entries.delete(key);
    }
  }

  /** Endpoints currently remembered. */
  get size(): number {
    return this.entries.size;
  }
}

function describe(probe: EndpointProbe): string {
  const h = probe.health;
  switch (h.kind) {
    case 'ok':
      return 'ok';
    case 'httpStatus':
      return `HTTP ${h.status}`;
    case 'timeout':
      return 'timeout';
    case 'refused':
      return 'connection refused';
    default:
      return `error (${h.message})`;
  }
}
