/**
 * A REAL Prometheus (Debian's `prometheus` package, 2.42) for integration
 * tests and benchmarks: the binary started as a child process with a
 * config and data dir of its own in a temp dir and a free port (never the
 * Debian service). It scrapes targets from a file_sd file this module
 * writes: a SIMULATED stand-in for the PodMonitor the generator renders,
 * since no Prometheus Operator runs here. The target labels are the ones
 * the PodMonitor's relabelings produce (see podScrapeTargets).
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toYaml } from '@internal/plugin-wide-ep-common';
import { freePort } from './startControlPlane';

/** One file_sd target group: addresses `ip:port` sharing the labels. */
export interface PrometheusTargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

/** Options for {@link startPrometheus}. */
export interface StartPrometheusOptions {
  /** Scrape interval in seconds. Default 1 (tests); the generator's PodMonitor uses 10. */
  scrapeIntervalSeconds?: number;
  /** Initial targets. */
  targets?: PrometheusTargetGroup[];
  /** Prometheus' own log lines (warnings and errors). */
  log?: (line: string) => void;
}

/** A running Prometheus. */
export interface RunningPrometheus {
  /** Base URL of the HTTP API, e.g. http://127.0.0.1:39123. */
  url: string;
  /** Process id (benchmarks read its CPU time). */
  pid: number;
  /** Replaces the scraped targets (Prometheus picks the file up within a second). */
  setTargets(groups: PrometheusTargetGroup[]): void;
  /**
   * HTTP API queries answered so far, and the seconds spent evaluating
   * them, from Prometheus' own counters.
   */
  queryCounts(): Promise<{
    query: number;
    queryRange: number;
    evalSeconds: number;
  }>;
  /** Waits until `count` targets were scraped successfully. */
  waitForHealthyTargets(count: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export const SIMULATED_PODMONITOR_JOB = 'wide-ep-ranks-SIMULATED-podmonitor';

/**
 * The prometheus binary: `$PROMETHEUS`, else Debian's /usr/bin/prometheus,
 * installed with apt-get when missing and running as root (as the e2e
 * setup installs Chromium); otherwise an error naming the package.
 */
export function prometheusBinary(): string {
  const candidate = process.env.PROMETHEUS ?? '/usr/bin/prometheus';
  if (fs.existsSync(candidate)) return candidate;
  if (process.getuid?.() === 0 && fs.existsSync('/usr/bin/apt-get')) {
    execFileSync(
      'sh',
      [
        '-c',
        'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus',
      ],
      { stdio: ['ignore', 'ignore', 'inherit'], timeout: 10 * 60_000 },
    );
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(
    `Prometheus not found at ${candidate}: install Debian's with "apt-get update && apt-get install -y prometheus" (the service need not run), or set PROMETHEUS`,
  );
}

/** Starts Prometheus and resolves once its HTTP API answers ready. */
export async function startPrometheus(
  options: StartPrometheusOptions = {},
): Promise<RunningPrometheus> {
  const binary = prometheusBinary();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wide-ep-prometheus-'));
  const targetsFile = path.join(dir, 'targets.json');
  const interval = `${options.scrapeIntervalSeconds ?? 1}s`;
  const writeTargets = (groups: PrometheusTargetGroup[]) => {
    // Written whole and renamed, so Prometheus never reads half a file.
    fs.writeFileSync(`${targetsFile}.tmp`, JSON.stringify(groups));
    fs.renameSync(`${targetsFile}.tmp`, targetsFile);
  };
  writeTargets(options.targets ?? []);
  fs.writeFileSync(
    path.join(dir, 'prometheus.yml'),
    toYaml({
      global: { scrape_interval: interval, scrape_timeout: interval },
      scrape_configs: [
        {
          job_name: SIMULATED_PODMONITOR_JOB,
          metrics_path: '/metrics',
          file_sd_configs: [{ files: [targetsFile], refresh_interval: '1s' }],
        },
      ],
    }),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    binary,
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=2h',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
    for (const line of chunk.split('\n').filter(Boolean))
      options.log?.(`prometheus: ${line}`);
  });
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  const getJson = async (apiPath: string) => {
    const res = await fetch(`${url}${apiPath}`);
    if (!res.ok) throw new Error(`${apiPath}: HTTP ${res.status}`);
    return res.json();
  };

  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`prometheus exited with ${child.exitCode}: ${stderr}`);
      const ready = await fetch(`${url}/-/ready`).then(
        r => r.ok,
        () => false,
      );
      if (ready) break;
      if (Date.now() > deadline)
        throw new Error(`prometheus not ready after 60 s: ${stderr}`);
      await new Promise(r => setTimeout(r, 100));
    }
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    pid: child.pid!,
    setTargets: writeTargets,
    async queryCounts() {
      const text = await (await fetch(`${url}/metrics`)).text();
      const sum = (handler: string) =>
        text
          .split('\n')
          .filter(
            l =>
              l.startsWith('prometheus_http_requests_total{') &&
              l.includes(`handler="${handler}"`),
          )
          .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
      const evalSeconds = text
        .split('\n')
        .filter(l =>
          l.startsWith(
            'prometheus_engine_query_duration_seconds_sum{slice="inner_eval"}',
          ),
        )
        .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
      return {
        query: sum('/api/v1/query'),
        queryRange: sum('/api/v1/query_range'),
        evalSeconds,
      };
    },
    async waitForHealthyTargets(count, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      let up = 0;
      while (Date.now() < deadline) {
        const body = await getJson('/api/v1/targets?state=active');
        up = body.data.activeTargets.filter(
          (t: { health: string }) => t.health === 'up',
        ).length;
        if (up >= count) return;
        await new Promise(r => setTimeout(r, 250));
      }
      throw new Error(
        `only ${up} of ${count} Prometheus targets up after ${timeoutMs} ms`,
      );
    },
    stop,
  };
}
