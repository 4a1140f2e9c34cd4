import type { RootConfigService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  DEFAULT_RATE_WINDOW_SECONDS,
  MONITORING_SCRAPE_INTERVAL_SECONDS,
} from '@internal/plugin-wide-ep-common';

/** Where one cluster's Prometheus answers. @public */
export interface PrometheusEndpoint {
  cluster: string;
  /** Base URL of the HTTP API, without a trailing slash (never holds credentials). */
  url: string;
  /** Sent with every query (e.g. Authorization); secret, never logged or returned. */
  headers: Record<string, string>;
  /** Where it is configured, for messages: `wideEp.prometheus.clusters[0]`. */
  configPath: string;
}

/** Settings of Prometheus as the load source, from `wideEp.prometheus`. @public */
export interface WideEpPrometheusConfig {
  /** By cluster name; clusters without one keep the direct /metrics probes. */
  endpoints: Map<string, PrometheusEndpoint>;
  /** Deadline of one query. */
  queryTimeoutMs: number;
  /** Window of `rate()` and the latency percentiles in the rank API. */
  rateWindowSeconds: number;
  /** How often Prometheus scrapes the ranks: a deployment is not queried more often. */
  scrapeIntervalSeconds: number;
  /** Queries sent to one Prometheus at a time; the rest wait their turn. */
  maxConcurrentQueries: number;
}

/**
 * Queries in flight per Prometheus by default. Twenty deployments' queries
 * sent at once to a loaded Prometheus share its cores and all miss their
 * deadline together; four at a time each finish, the others wait (their
 * viewers are served the last answer meanwhile).
 * @public
 */
export const DEFAULT_PROMETHEUS_MAX_CONCURRENT_QUERIES = 4;

/**
 * Default deadline of a query. No viewer waits for one but the first of a
 * deployment (the last answer is served while a refresh runs), so it may
 * be generous; a query that fails falls back to /metrics probes.
 * @public
 */
export const DEFAULT_PROMETHEUS_QUERY_TIMEOUT_MS = 10_000;
/** Four scrapes of the generator's PodMonitor (10 s interval). @public */
export const DEFAULT_PROMETHEUS_RATE_WINDOW_SECONDS =
  DEFAULT_RATE_WINDOW_SECONDS;

type Config = ReturnType<RootConfigService['getConfig']>;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Reads `wideEp.prometheus` once at startup. Every problem is an
 * `InputError` naming the key; header values never appear in a message.
 * `knownClusters`, when given, are the configured cluster names a
 * Prometheus may be attached to.
 * @public
 */
export function readPrometheusConfig(
  config: RootConfigService,
  knownClusters?: string[],
): WideEpPrometheusConfig {
  const section = config.getOptionalConfig('wideEp.prometheus');
  const out: WideEpPrometheusConfig = {
    endpoints: new Map(),
    queryTimeoutMs: wholeNumber(
      section,
      'queryTimeoutMs',
      [100, 60_000],
      DEFAULT_PROMETHEUS_QUERY_TIMEOUT_MS,
    ),
    scrapeIntervalSeconds: wholeNumber(
      section,
      'scrapeIntervalSeconds',
      [1, 300],
      MONITORING_SCRAPE_INTERVAL_SECONDS,
    ),
    maxConcurrentQueries: wholeNumber(
      section,
      'maxConcurrentQueries',
      [1, 64],
      DEFAULT_PROMETHEUS_MAX_CONCURRENT_QUERIES,
    ),
    rateWindowSeconds: wholeNumber(
      section,
      'rateWindowSeconds',
      // Two scrapes of the PodMonitor at least, or rate() has nothing to go on.
      [2 * MONITORING_SCRAPE_INTERVAL_SECONDS, 3_600],
      DEFAULT_PROMETHEUS_RATE_WINDOW_SECONDS,
    ),
  };
  const entries = readArray(section, 'clusters');
  entries.forEach((entry, i) => {
    const path = `wideEp.prometheus.clusters[${i}]`;
    const cluster = readString(entry, 'cluster', path);
    if (out.endpoints.has(cluster)) {
      throw new InputError(
        `${path}.cluster: cluster "${cluster}" has a Prometheus already (${
          out.endpoints.get(cluster)!.configPath
        })`,
      );
    }
    if (knownClusters && !knownClusters.includes(cluster)) {
      throw new InputError(
        `${path}.cluster: unknown cluster "${cluster}"; configured: ${
          knownClusters.join(', ') || 'none'
        }`,
      );
    }
    out.endpoints.set(cluster, {
      cluster,
      url: readUrl(entry, path),
      headers: readHeaders(entry, path),
      configPath: path,
    });
  });
  return out;
}

function wholeNumber(
  section: Config | undefined,
  key: string,
  [min, max]: [number, number],
  fallback: number,
): number {
  let value: number | undefined;
  try {
    value = section?.getOptionalNumber(key);
  } catch {
    throw new InputError(`wideEp.prometheus.${key} must be a number`);
  }
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InputError(
      `wideEp.prometheus.${key} must be a whole number from ${min} to ${max}, got ${value}`,
    );
  }
  return value;
}

function readArray(section: Config | undefined, key: string): Config[] {
  try {
    return section?.getOptionalConfigArray(key) ?? [];
  } catch {
    throw new InputError(
      `wideEp.prometheus.${key} must be a list of { cluster, url, headers? }`,
    );
  }
}

function readString(entry: Config, key: string, path: string): string {
  let value: string | undefined;
  try {
    value = entry.getOptionalString(key);
  } catch {
    throw new InputError(`${path}.${key} must be a string`);
  }
  if (!value) throw new InputError(`${path}.${key} is required`);
  return value;
}

function readUrl(entry: Config, path: string): string {
  const raw = readString(entry, 'url', path);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InputError(`${path}.url is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(
      `${path}.url must be http or https, got ${url.protocol}`,
    );
  }
  // URLs end up in logs and messages; credentials belong in headers.
  if (url.username || url.password) {
    throw new InputError(
      `${path}.url must not hold credentials; put them in ${path}.headers (e.g. Authorization from an environment variable)`,
    );
  }
  if (url.search || url.hash) {
    throw new InputError(`${path}.url must not have a query or fragment`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function readHeaders(entry: Config, path: string): Record<string, string> {
  let headers: Config | undefined;
  try {
    headers = entry.getOptionalConfig('headers');
  } catch {
    throw new InputError(
      `${path}.headers must be a map of header name to value`,
    );
  }
  const out: Record<string, string> = {};
  for (const name of headers?.keys() ?? []) {
    if (!HEADER_NAME.test(name)) {
      throw new InputError(`${path}.headers: "${name}" is not a header name`);
    }
    let value: string;
    try {
      value = headers!.getString(name);
    } catch {
      throw new InputError(`${path}.headers.${name} must be a string`);
    }
    // The value is secret: the message says what is wrong, never what it is.
    if (/[\r\n]/.test(value) || value === '') {
      throw new InputError(
        `${path}.headers.${name} must be one non-empty line (is the environment variable it comes from set?)`,
      );
    }
    out[name] = value;
  }
  return out;
}
