import type { EngineMetrics } from './probeTargets';

/**
 * The series read from vLLM's /metrics: the ones the llm-d endpoint picker
 * scrapes (rank-health.md §6.3), the pre-0.11 KV name as a fallback, and
 * the fault-tolerance health gauge.
 */
const RUNNING = 'vllm:num_requests_running';
const WAITING = 'vllm:num_requests_waiting';
const KV_CACHE = 'vllm:kv_cache_usage_perc';
const KV_CACHE_OLD = 'vllm:gpu_cache_usage_perc';
const ENGINE_HEALTHY = 'vllm:engine_healthy';
const WANTED = new Set([
  RUNNING,
  WAITING,
  KV_CACHE,
  KV_CACHE_OLD,
  ENGINE_HEALTHY,
]);

interface Accumulator {
  running?: number;
  waiting?: number;
  kv?: number;
  kvOld?: number;
  engineHealthy?: number;
}

/**
 * Parses Prometheus text exposition from vLLM into per-engine load, keyed
 * by the `engine` label (`''` for series without one). Running and waiting
 * are summed over other labels (e.g. `model_name`), KV usage is the
 * maximum, and `vllm:kv_cache_usage_perc` wins over the old
 * `vllm:gpu_cache_usage_perc`.
 * @public
 */
export function parseVllmMetrics(text: string): Record<string, EngineMetrics> {
  const acc = new Map<string, Accumulator>();
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (!line.startsWith('vllm:')) continue;
    const sample = parseSample(line);
    if (!sample || !WANTED.has(sample.name) || !Number.isFinite(sample.value))
      continue;
    const engine = sample.labels.engine ?? '';
    const a = acc.get(engine) ?? {};
    acc.set(engine, a);
    switch (sample.name) {
      case RUNNING:
        a.running = (a.running ?? 0) + sample.value;
        break;
      case WAITING:
        a.waiting = (a.waiting ?? 0) + sample.value;
        break;
      case KV_CACHE:
        a.kv = Math.max(a.kv ?? 0, sample.value);
        break;
      case KV_CACHE_OLD:
        a.kvOld = Math.max(a.kvOld ?? 0, sample.value);
        break;
      default:
        a.engineHealthy = Math.min(a.engineHealthy ?? 1, sample.value);
    }
  }
  const out: Record<string, EngineMetrics> = {};
  for (const [engine, a] of acc) {
    const kv = a.kv ?? a.kvOld;
    out[engine] = {
      ...(a.running !== undefined ? { running: a.running } : {}),
      ...(a.waiting !== undefined ? { waiting: a.waiting } : {}),
      ...(kv !== undefined ? { kvCacheUsage: kv } : {}),
      ...(a.engineHealthy !== undefined
        ? { engineHealthy: a.engineHealthy }
        : {}),
    };
  }
  return out;
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** One sample line: `name{label="value",…} value [timestamp]`. */
function parseSample(line: string): Sample | undefined {
  const brace = line.indexOf('{');
  const space = line.indexOf(' ');
  if (brace === -1 || (space !== -1 && space < brace)) {
    if (space === -1) return undefined;
    return {
      name: line.slice(0, space),
      labels: {},
      value: parseValue(line.slice(space + 1)),
    };
  }
  const name = line.slice(0, brace);
  const labels: Record<string, string> = {};
  let i = brace + 1;
  while (i < line.length && line[i] !== '}') {
    const eq = line.indexOf('=', i);
    if (eq === -1 || line[eq + 1] !== '"') return undefined;
    const key = line.slice(i, eq).trim();
    let value = '';
    let j = eq + 2;
    for (; j < line.length && line[j] !== '"'; j++) {
      if (line[j] === '\\' && j + 1 < line.length) {
        j++;
        value += line[j] === 'n' ? '\n' : line[j];
      } else {
        value += line[j];
      }
    }
    if (j >= line.length) return undefined;
    labels[key] = value;
    i = j + 1;
    if (line[i] === ',') i++;
  }
  if (line[i] !== '}') return undefined;
  return { name, labels, value: parseValue(line.slice(i + 1)) };
}

function parseValue(rest: string): number {
  const token = rest.trim().split(/\s+/)[0];
  return token === undefined || token === '' ? NaN : Number(token);
}
