import type {
  RankHealth,
  RankHistoryMetric,
  RankHistorySeries,
  RankHistoryWindow,
  Role,
} from '@internal/plugin-wide-ep-common';
import { HISTORY_STEP_SECONDS, historyColumns } from './historyWindow';

/** The metrics a /metrics probe reads; rates and percentiles need Prometheus. @public */
export const PROBE_HISTORY_METRICS = [
  'running',
  'waiting',
  'kvCacheUsage',
] as const satisfies readonly RankHistoryMetric[];

/** Options for {@link ProbeHistory}. @public */
export interface ProbeHistoryOptions {
  /**
   * Ranks kept across all deployments; the deployment recorded longest ago
   * is dropped first. Default 16,384 (about 70 MB at most).
   */
  maxRanks?: number;
}

/** One slot per 15m step, an hour of them. */
const SLOT_SECONDS = HISTORY_STEP_SECONDS['15m'];
const SLOTS = 3600 / SLOT_SECONDS;

interface Track {
  role: Role;
  group: number;
  rank: number;
  /** SLOTS × metric; NaN = no sample. */
  values: Float32Array;
}

interface Deployment {
  /** Slot number (unix seconds / SLOT_SECONDS) held at each ring position; -1 = empty. */
  slots: Float64Array;
  tracks: Map<string, Track>;
  lastRecordedAt: number;
}

/**
 * History of the load the backend's own /metrics probes saw, for clusters
 * without Prometheus: a bounded in-memory ring of one hour per deployment,
 * one 10-second slot per sample (the latest sample of a slot wins). It only
 * holds the times someone viewed the deployment (samples are taken when a
 * rank-health answer is computed) and is lost on restart.
 * @public
 */
export class ProbeHistory {
  private readonly deployments = new Map<string, Deployment>();
  private readonly maxRanks: number;

  constructor(options: ProbeHistoryOptions = {}) {
    this.maxRanks = options.maxRanks ?? 16_384;
  }

  /** Records the ranks' metrics of one answer at `nowMs`. */
  record(key: string, ranks: readonly RankHealth[], nowMs: number): void {
    // Slot s holds the samples of (s - 1, s] × SLOT_SECONDS, as a column does.
    const slot = Math.ceil(nowMs / 1000 / SLOT_SECONDS);
    const pos = slot % SLOTS;
    let d = this.deployments.get(key);
    if (!d) {
      d = {
        slots: new Float64Array(SLOTS).fill(-1),
        tracks: new Map(),
        lastRecordedAt: nowMs,
      };
    }
    // Most recently recorded last, so eviction takes the first.
    this.deployments.delete(key);
    this.deployments.set(key, d);
    d.lastRecordedAt = nowMs;
    if (d.slots[pos] !== slot) {
      d.slots[pos] = slot;
      for (const t of d.tracks.values())
        t.values.fill(
          NaN,
          pos * PROBE_HISTORY_METRICS.length,
          (pos + 1) * PROBE_HISTORY_METRICS.length,
        );
    }
    for (const r of ranks) {
      const id = `${r.role}/${r.group}/${r.globalRank}`;
      let t = d.tracks.get(id);
      if (!t) {
        t = {
          role: r.role,
          group: r.group,
          rank: r.globalRank,
          values: new Float32Array(SLOTS * PROBE_HISTORY_METRICS.length).fill(
            NaN,
          ),
        };
        d.tracks.set(id, t);
      }
      PROBE_HISTORY_METRICS.forEach((m, i) => {
        const v = r.metrics[m];
        t!.values[pos * PROBE_HISTORY_METRICS.length + i] = v ?? NaN;
      });
    }
    this.evict();
  }

  /**
   * Per-rank columns of `metric` over `window` ending at `nowMs`, on the
   * history endpoint's aligned timestamps; a 60m column is the mean of the
   * slots in its step. Unknown deployments answer no ranks.
   */
  read(
    key: string,
    metric: RankHistoryMetric,
    window: RankHistoryWindow,
    nowMs: number,
  ): { timestamps: number[]; step: number; ranks: RankHistorySeries[] } {
    const { timestamps, step } = historyColumns(window, nowMs);
    const d = this.deployments.get(key);
    const m = (PROBE_HISTORY_METRICS as readonly string[]).indexOf(metric);
    if (!d || m === -1) return { timestamps, step, ranks: [] };
    const perColumn = step / SLOT_SECONDS;
    const ranks: RankHistorySeries[] = [];
    for (const t of d.tracks.values()) {
      const values = timestamps.map(ts => {
        // The column at ts covers (ts - step, ts].
        let sum = 0;
        let n = 0;
        for (let k = 0; k < perColumn; k++) {
          const slot = ts / SLOT_SECONDS - k;
          const pos = ((slot % SLOTS) + SLOTS) % SLOTS;
          if (d.slots[pos] !== slot) continue;
          const v = t.values[pos * PROBE_HISTORY_METRICS.length + m];
          if (Number.isNaN(v)) continue;
          sum += v;
          n++;
        }
        return n ? roundFloat32(sum / n) : null;
      });
      if (values.some(v => v !== null))
        ranks.push({ role: t.role, group: t.group, rank: t.rank, values });
    }
    return { timestamps, step, ranks };
  }

  /** Ranks held across deployments. */
  get rankCount(): number {
    let n = 0;
    for (const d of this.deployments.values()) n += d.tracks.size;
    return n;
  }

  private evict(): void {
    let total = this.rankCount;
    for (const [key, d] of this.deployments) {
      if (total <= this.maxRanks || this.deployments.size === 1) break;
      total -= d.tracks.size;
      this.deployments.delete(key);
    }
  }
}

/** Float32 storage turns 0.25 into 0.25 but 0.3 into 0.30000001192…; answer what was recorded. */
function roundFloat32(v: number): number {
  return Number(v.toPrecision(7));
}
