import type { HealthPod } from './kubeTypes';
import type { PodRankLayout } from './podRankLayout';
import type { RankMetrics } from './types';

/**
 * One vLLM API server to probe: a rank port in supervisor mode, the pod's
 * API port in hybrid mode. Host and port come only from the pod object
 * (`status.podIP`, the rank annotations), never from a caller.
 * @public
 */
export interface ProbeTarget {
  /** `host:port`; the prober caches and coalesces by it. */
  key: string;
  host: string;
  port: number;
  pod: string;
  /** Global ranks whose data this endpoint reports. */
  ranks: number[];
}

/** How one probe request ended. @public */
export type ProbeOutcome =
  | { kind: 'ok' }
  | { kind: 'httpStatus'; status: number }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'refused' }
  | { kind: 'error'; message: string };

/** Per-engine metrics from /metrics, plus `vllm:engine_healthy` where vLLM exports it. @public */
export interface EngineMetrics extends RankMetrics {
  engineHealthy?: number;
}

/** The result of probing one {@link ProbeTarget}. @public */
export interface EndpointProbe {
  /** When the probe started (ISO 8601). */
  probedAt: string;
  /** Result of `GET /health`. */
  health: ProbeOutcome;
  /** Parsed `/metrics` keyed by `engine` label value (`''` when absent); missing when /metrics failed. */
  engines?: Record<string, EngineMetrics>;
}

/** Paths the prober requests: fixed, so no input can change them. @public */
export const PROBE_PATHS = { health: '/health', metrics: '/metrics' } as const;

/**
 * The endpoints to probe for a pod: every rank port in supervisor mode, the
 * one API port in hybrid mode (rank-health.md §6.1). Pods that are not
 * Running, are terminating or have no valid `status.podIP` get none.
 * @public
 */
export function probeTargetsForPod(
  pod: HealthPod,
  layout: PodRankLayout,
): ProbeTarget[] {
  const ip = pod.status?.podIP;
  if (
    pod.status?.phase !== 'Running' ||
    pod.metadata?.deletionTimestamp ||
    !ip ||
    !isIpAddress(ip)
  )
    return [];
  const podName = pod.metadata?.name ?? layout.hostname;
  const byPort = new Map<number, number[]>();
  for (const rank of layout.ranks) {
    byPort.set(rank.port, [...(byPort.get(rank.port) ?? []), rank.globalRank]);
  }
  return [...byPort].map(([port, ranks]) => ({
    key: targetKey(ip, port),
    host: ip,
    port,
    pod: podName,
    ranks,
  }));
}

/** The cache key of an endpoint. @public */
export function targetKey(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The probe URL of a target: literal IP, numeric port, fixed path. @public */
export function probeUrl(
  target: Pick<ProbeTarget, 'host' | 'port'>,
  path: (typeof PROBE_PATHS)[keyof typeof PROBE_PATHS],
): string {
  return `http://${targetKey(target.host, target.port)}${path}`;
}

/**
 * Metrics of one rank from its endpoint's engines: the series labelled with
 * the rank's global number, or, for a single-rank endpoint that exports one
 * engine (or no `engine` label, vLLM before PR #21257), that one.
 * @public
 */
export function rankEngineMetrics(
  engines: Record<string, EngineMetrics> | undefined,
  globalRank: number,
  endpointRanks: number,
): EngineMetrics | undefined {
  if (!engines) return undefined;
  const own = engines[String(globalRank)];
  if (own) return own;
  const keys = Object.keys(engines);
  return endpointRanks === 1 && keys.length === 1
    ? engines[keys[0]]
    : undefined;
}

const IPV4 =
  /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:.]{2,45}$/;

/** A literal IPv4 or IPv6 address (no host names, no ports, no zones). @public */
export function isIpAddress(value: string): boolean {
  return (
    IPV4.test(value) ||
    (value.includes(':') &&
      IPV6.test(value) &&
      (value.match(/:/g)?.length ?? 0) >= 2)
  );
}
