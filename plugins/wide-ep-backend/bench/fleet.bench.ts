/*
 * Rank health at fleet scale, with Prometheus as the load source:
 *
 *   npm run bench:fleet -w @internal/plugin-wide-ep-backend
 *
 * REAL: kube-apiserver, kube-scheduler, kube-controller-manager and the
 * LeaderWorkerSet controller (test/cluster/control-plane, a cluster of its
 * own), Prometheus (Debian's binary, startPrometheus) scraping every rank
 * endpoint every BENCH_SCRAPE_SECONDS (10, the generator's PodMonitor
 * interval), and the wide-EP backend plugin (startTestBackend in a child
 * process of its own, so its RSS is its own) with wideEp.prometheus set.
 *
 * SIMULATED: 1,280 kwok H200 nodes (8 GPUs each); the vLLM ranks (a child
 * process serving /health and /metrics with token counters and TTFT/ITL
 * histograms on every pod's loopback IP); the PodMonitor (no Prometheus
 * Operator here: its targets and labels are written as file_sd).
 *
 * Fleet: BENCH_DEPLOYMENTS (20) LWS H200 deployments in namespaces of their
 * own, each prefill 2 x DP64 + decode 6 x DP64 = 64 pods, 512 ranks:
 * 10,240 ranks on 1,280 pods. The pods run vLLM in hybrid mode (one API
 * server per pod for its 8 ranks, `engine` label per rank, as the default
 * seed without rank ports): 1,280 endpoints to scrape and probe. Rank ports
 * (one server per rank, 10,240 endpoints plus supervisors) would exceed
 * this machine's 20,000 open files with the probe and scrape connections
 * on 2 cores; set BENCH_RANK_PORTS=1 to try with fewer deployments.
 *
 * Phases of BENCH_SECONDS (60) each: "1 viewer" (one client cycling
 * through all 20 cards, each every BENCH_POLL_MS) and BENCH_VIEWERS (50)
 * viewers spread over the 20 entities, each polling its card every
 * BENCH_POLL_MS (1000; the card polls every 5 s). Both phases look at every
 * deployment, so what may differ is only what more viewers cost.
 *
 * Memory: the backend runs as deployed, in a memory cgroup limited to
 * BENCH_BACKEND_MEMORY_LIMIT_MB (500 MB; 0 for none), i.e. a container
 * with that memory limit (memoryCgroup.ts); the kernel kills it beyond,
 * and Node.js sizes V8's heap from the limit. Printed: the RSS peak per
 * phase and where it sits (V8 heap, external, handles), the kernel's peak
 * of the cgroup, the heap after a full GC, and before any request.
 * BENCH_BACKEND_HEAP_MB caps V8's old space, BENCH_HEAP_SNAPSHOT=<file>
 * writes the backend's heap snapshot after the last phase.
 */
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Entity } from '@backstage/catalog-model';
import {
  LWS_H200_SEED,
  parseSpec,
  renderDeployment,
} from '@internal/plugin-wide-ep-common';
import {
  applyManifests,
  assertApplySucceeded,
  createKubeClient,
  loadClientNode,
  objectRefOf,
  waitForReady,
} from '@internal/plugin-wide-ep-node';
import type { OperatorPod } from '@internal/plugin-wide-ep-common/testUtils';
import type { V1Pod } from '@kubernetes/client-node';
import {
  OwnControlPlane,
  podScrapeTargets,
  rankSimulatorOptionsFor,
  startApiServerProxy,
  startOwnControlPlane,
  startPrometheus,
  kubernetesClusterConfig,
} from '@internal/wide-ep-rank-simulator';
import { ask, child } from './childProcess';
import { MemoryCgroup, createMemoryCgroup } from './memoryCgroup';

const env = (name: string, fallback: number) =>
  Number(process.env[name] ?? fallback);
const DEPLOYMENTS = env('BENCH_DEPLOYMENTS', 20);
const SECONDS = env('BENCH_SECONDS', 60);
const VIEWERS = env('BENCH_VIEWERS', 50);
const POLL_MS = env('BENCH_POLL_MS', 1000);
const SCRAPE_SECONDS = env('BENCH_SCRAPE_SECONDS', 10);
const RANK_PORTS = process.env.BENCH_RANK_PORTS === '1';
// 1: one H200 node (8 GPUs) per pod. More packs that many pods onto one
// bigger SIMULATED node (8 x k GPUs), for when kwok cannot keep 1,280 node
// leases fresh on this machine (see the README's figures).
const PODS_PER_NODE = env('BENCH_PODS_PER_NODE', 1);
// The backend runs in a memory cgroup of this many MB (10^6 bytes), as in a
// container with that memory limit: the kernel kills it beyond, and Node.js
// sizes V8's heap from it. 0: no limit (V8 sized for the whole machine).
const MEMORY_LIMIT_MB = env('BENCH_BACKEND_MEMORY_LIMIT_MB', 500);
const RSS_TARGET_BYTES = 500e6;
const FRESHNESS_MS = 5_000;
const PROBE_TIMEOUT_MS = 1_500;
const CONCURRENCY = 16;
const PODS_PER_DEPLOYMENT = 64;
const RANKS_PER_POD = 8;

const out = (line: string) => process.stdout.write(`${line}\n`);
const mib = (bytes: number | undefined) =>
  `${((bytes ?? NaN) / 1048576).toFixed(0)} MiB`;
const seconds = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);

/** CPU seconds (user + system) a process used so far; Linux clock ticks are 1/100 s. */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** CPU seconds the whole machine was busy so far (every process, other work included). */
function machineCpuSeconds(): number {
  const [, ...ticks] = fs
    .readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/);
  const n = ticks.map(Number);
  // user nice system idle iowait irq softirq steal
  return (n[0] + n[1] + n[2] + n[5] + n[6] + n[7]) / 100;
}

interface PhaseResult {
  viewers: number;
  requests: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function getJson(url: string): Promise<{ status: number; body: any }> {
  return new Promise((resolvePromise, reject) =>
    http
      .get(url, res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolvePromise({
            status: res.statusCode ?? 0,
            body: text ? JSON.parse(text) : undefined,
          });
        });
      })
      .on('error', reject),
  );
}

/** Stops what was started, newest first, also when the benchmark fails. */
const cleanups: (() => Promise<unknown> | void)[] = [];

async function main() {
  const t0 = performance.now();
  const prometheus = await startPrometheus({
    scrapeIntervalSeconds: SCRAPE_SECONDS,
    log: line => out(line),
  });
  cleanups.push(() => prometheus.stop());
  const pods = DEPLOYMENTS * PODS_PER_DEPLOYMENT;
  let own: OwnControlPlane | undefined;
  if (process.env.WIDE_EP_BENCH_CP_KUBECONFIG === undefined) {
    const k = PODS_PER_NODE;
    own = await startOwnControlPlane({
      CP_RACKS: 'rack-a',
      CP_NODES_PER_RACK: '0',
      CP_H200_NODES: String(Math.ceil(pods / k)),
      CP_HGX_GPUS: String(8 * k),
      CP_HGX_CPU: String(224 * k),
      CP_HGX_MEMORY: `${2015 * k}Gi`,
      CP_HGX_EPHEMERAL_STORAGE: `${7000 * k}Gi`,
      CP_POD_STAGES: 'fast',
      CP_NODES_READY_TIMEOUT_SECONDS: '900',
    });
    cleanups.push(() => own?.stop());
  }
  const kubeconfigPath =
    process.env.WIDE_EP_BENCH_CP_KUBECONFIG ?? own!.kubeconfigPath;
  const { KubeConfig, CoreV1Api } = await loadClientNode();
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const client = await createKubeClient({ clusterName: 'bench', kubeConfig });
  out(
    `control plane with ${Math.ceil(
      pods / PODS_PER_NODE,
    )} SIMULATED H200 nodes of ${8 * PODS_PER_NODE} GPUs up after ${seconds(
      t0,
    )} s`,
  );

  // 20 deployments, one namespace each, applied as wide-ep:apply does.
  const suffix = Date.now().toString(36);
  const rendered = await Promise.all(
    Array.from({ length: DEPLOYMENTS }, async (_, i) => {
      const name = `fleet-${String(i).padStart(2, '0')}`;
      const namespace = `${name}-${suffix}`;
      await core.createNamespace({ body: { metadata: { name: namespace } } });
      const parsed = parseSpec({
        ...LWS_H200_SEED,
        name,
        namespace,
        cluster: 'bench',
        rankPorts: RANK_PORTS,
        prefill: { replicas: 2, dataParallelSize: 64 },
        decode: { replicas: 6, dataParallelSize: 64 },
      });
      if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
      return { namespace, ...renderDeployment(parsed.spec) };
    }),
  );
  const t1 = performance.now();
  await Promise.all(
    rendered.map(async r => {
      assertApplySucceeded(
        await applyManifests({ client, objects: r.objects, dryRun: false }),
      );
      await waitForReady({
        client,
        namespace: r.namespace,
        objects: r.objects.map(o => objectRefOf(o)),
        intervalMs: 2000,
        timeoutMs: 20 * 60_000,
      });
    }),
  );
  const podList = (
    await Promise.all(
      rendered.map(r =>
        client.list<V1Pod>({
          apiVersion: 'v1',
          kind: 'Pod',
          namespace: r.namespace,
          labelSelector: 'llm-d.ai/inference-serving=true',
        }),
      ),
    )
  ).flat();
  if (podList.length !== pods || podList.some(p => !p.status?.podIP))
    throw new Error(`expected ${pods} pods with IPs, got ${podList.length}`);
  out(
    `${DEPLOYMENTS} deployments, ${pods} pods (made by the real LWS controller, bound by kube-scheduler, run by kwok) ready after ${seconds(
      t1,
    )} s`,
  );

  const simulators = child('rankSimulators.child.ts');
  cleanups.push(() => void simulators.kill());
  const { started } = await ask<{ started: number }>(
    simulators,
    {
      start: podList.map(p =>
        rankSimulatorOptionsFor(p as OperatorPod, p.status!.podIP!),
      ),
    },
    'started',
  );
  const ranks = pods * RANKS_PER_POD;
  const targets = podScrapeTargets(podList);
  prometheus.setTargets(targets);
  const t2 = performance.now();
  await prometheus.waitForHealthyTargets(targets.length, 5 * 60_000);
  out(
    `${ranks} SIMULATED ranks on ${started} loopback servers; Prometheus scrapes ${
      targets.length
    } endpoints every ${SCRAPE_SECONDS} s (all up after ${seconds(t2)} s)`,
  );

  const cluster = kubeConfig.getCurrentCluster()!;
  const proxy = await startApiServerProxy({
    target: cluster.server,
    ca: Buffer.from(cluster.caData!, 'base64'),
  });
  cleanups.push(() => proxy.close());
  // BENCH_BACKEND_HEAP_MB caps V8's old space (NODE_OPTIONS=
  // --max-old-space-size); unset, Node.js sizes it from the memory limit,
  // or from the machine's memory without one.
  const heapMb = process.env.BENCH_BACKEND_HEAP_MB;
  let cgroup: MemoryCgroup | undefined;
  if (MEMORY_LIMIT_MB > 0) {
    const made = createMemoryCgroup(
      `wide-ep-bench-${process.pid}`,
      MEMORY_LIMIT_MB * 1e6,
    );
    cgroup = made;
    cleanups.push(() => made.remove());
  }
  const backendProc = child(
    'backend.child.ts',
    ['--expose-gc', ...(heapMb ? [`--max-old-space-size=${heapMb}`] : [])],
    { cgroupProcs: cgroup?.procsFile },
  );
  const backendExited = once(backendProc, 'exit');
  cleanups.push(async () => {
    if (backendProc.exitCode === null && backendProc.signalCode === null) {
      backendProc.kill();
      await backendExited;
    }
  });
  backendProc.once('exit', (code, signal) => {
    const kills = cgroup?.oomKills();
    if (signal === 'SIGKILL' && kills)
      out(
        `backend KILLED by its memory limit of ${MEMORY_LIMIT_MB} MB (${kills} OOM kill${
          kills === 1 ? '' : 's'
        }; the cgroup peaked at ${mib(cgroup?.peakBytes())})`,
      );
    else if (code !== 0 && code !== null)
      out(`backend exited with code ${code}`);
  });
  const { port } = await ask<{ port: number }>(
    backendProc,
    {
      start: {
        entities: rendered.map(r => r.entity as Entity),
        config: {
          kubernetes: kubernetesClusterConfig({
            name: 'bench',
            url: proxy.url,
            token: kubeConfig.getCurrentUser()!.token,
          }),
          wideEp: {
            rankHealth: {
              freshnessMs: FRESHNESS_MS,
              probeTimeoutMs: PROBE_TIMEOUT_MS,
              concurrency: CONCURRENCY,
            },
            prometheus: {
              clusters: [{ cluster: 'bench', url: prometheus.url }],
            },
          },
        },
      },
    },
    'port',
  );
  const base = `http://127.0.0.1:${port}/api/wide-ep`;
  // What the backend holds before anybody asks: Backstage's own share.
  const idle = await ask<{
    rss: number;
    liveHeap: number;
    heapLimit: number;
    constrainedMemory?: number;
  }>(backendProc, { rss: true }, 'rss');
  out(
    `backend started, before any request: RSS ${mib(
      idle.rss,
    )}, heap after a full GC ${mib(idle.liveHeap)}; ${
      cgroup
        ? `in a memory cgroup of ${MEMORY_LIMIT_MB} MB (Node.js sees ${mib(
            idle.constrainedMemory,
          )})`
        : 'no memory limit'
    }, V8 heap limit ${mib(idle.heapLimit)}`,
  );
  const urls = rendered.map(
    r =>
      `${base}/ranks?entityRef=${encodeURIComponent(
        `component:default/${r.entity.metadata.name}`,
      )}`,
  );

  // Cold: every deployment's watches, first probe round and first query.
  const tCold = performance.now();
  const cold = await Promise.all(urls.map(u => getJson(u)));
  out(
    `cold first request of all ${DEPLOYMENTS} cards at once: ${(
      performance.now() - tCold
    ).toFixed(0)} ms, statuses ${[...new Set(cold.map(c => c.status))].join(
      ',',
    )}`,
  );
  // Until rate() has two scrapes in its window, the rates are missing.
  const tLoad = performance.now();
  for (;;) {
    const { body } = await getJson(urls[0]);
    const withRates = body.ranks.filter(
      (r: any) => r.metrics.generationTokensPerSecond !== undefined,
    ).length;
    if (
      (body.loadSource === 'prometheus' && withRates === body.ranks.length) ||
      performance.now() - tLoad > 120_000
    ) {
      out(
        `card 1: loadSource ${body.loadSource}, ${withRates}/${
          body.ranks.length
        } ranks with token rates, ${
          body.ranks.filter((r: any) => r.state === 'healthy').length
        } healthy, conditions: ${
          JSON.stringify(
            body.conditions.filter((c: any) => c.status !== 'True'),
          ) || '[]'
        } (after ${seconds(tLoad)} s)`,
      );
      break;
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  let oldSpace = 'uncapped (V8 default)';
  if (heapMb) oldSpace = `capped at ${heapMb} MB`;
  else if (cgroup) oldSpace = 'sized by Node.js from the memory limit';
  out(
    `phases: ${SECONDS} s each, poll every ${POLL_MS} ms; freshness ${FRESHNESS_MS} ms, probe timeout ${PROBE_TIMEOUT_MS} ms, concurrency ${CONCURRENCY}; backend V8 old space ${oldSpace}`,
  );

  const viewersProc = child('viewers.child.ts');
  cleanups.push(() => void viewersProc.kill());
  const count = async (path: string) =>
    (
      await ask<{ requests: number }>(
        simulators,
        { count: true, path },
        'requests',
      )
    ).requests;
  const queries = async () => {
    const q = await prometheus.queryCounts();
    return q.query + q.queryRange;
  };
  const phases = [
    { name: '1 viewer (cycling 20 cards)', plans: [urls] },
    {
      name: `${VIEWERS} viewers over ${DEPLOYMENTS} cards`,
      plans: Array.from({ length: VIEWERS }, (_, v) => [urls[v % urls.length]]),
    },
  ];
  const rows: (PhaseResult & {
    name: string;
    apiPerMin: number;
    queriesPerMin: number;
    healthPerEndpointWindow: number;
    healthPerRankWindow: number;
    metricsProbesPerMin: number;
    rssBytes: number;
    liveHeapBytes: number;
  })[] = [];
  const cpu = () => ({
    backend: cpuSeconds(backendProc.pid),
    simulators: cpuSeconds(simulators.pid),
    viewers: cpuSeconds(viewersProc.pid),
    prometheus: cpuSeconds(prometheus.pid),
    machine: machineCpuSeconds(),
  });
  const cpuRows: string[] = [];
  const memoryRows: string[] = [];
  for (const phase of phases) {
    const evalBefore = (await prometheus.queryCounts()).evalSeconds;
    const cpuBefore = cpu();
    const before = {
      api: proxy.requests.length,
      queries: await queries(),
      health: await count('/health'),
      metrics: await count('/metrics'),
      scrapes: await count('/metrics by Prometheus'),
    };
    const result = await ask<PhaseResult>(
      viewersProc,
      { plans: phase.plans, seconds: SECONDS, pollMs: POLL_MS },
      'p95',
    );
    const health = (await count('/health')) - before.health;
    const windows = (SECONDS * 1000) / FRESHNESS_MS;
    const { maxRss, liveHeap, atPeak, handles } = await ask<{
      maxRss: number;
      liveHeap: number;
      atPeak?: NodeJS.MemoryUsage;
      handles: Record<string, number>;
    }>(backendProc, { rss: true }, 'maxRss');
    memoryRows.push(
      `${phase.name}: at the RSS peak ${mib(atPeak?.rss)}: V8 heap ${mib(
        atPeak?.heapTotal,
      )} reserved / ${mib(atPeak?.heapUsed)} used, external ${mib(
        atPeak?.external,
      )} (array buffers ${mib(
        atPeak?.arrayBuffers,
      )}); open handles ${JSON.stringify(handles)}`,
    );
    const cpuAfter = cpu();
    const share = (k: keyof typeof cpuAfter) =>
      `${k} ${(((cpuAfter[k] - cpuBefore[k]) / SECONDS) * 100).toFixed(0)}%`;
    const evalAfter = (await prometheus.queryCounts()).evalSeconds;
    cpuRows.push(
      `${phase.name}: CPU (100% = one core) ${(
        ['backend', 'simulators', 'prometheus', 'viewers', 'machine'] as const
      )
        .map(share)
        .join(', ')} of 200%; Prometheus query evaluation ${(
        ((evalAfter - evalBefore) * 1000) /
        Math.max(1, (await queries()) - before.queries)
      ).toFixed(0)} ms per query on average`,
    );
    // Scrapes read before all /metrics here (after them at the start): a
    // scrape between two reads counts as a probe, an overcount, never a
    // negative figure.
    const scrapesAfter = await count('/metrics by Prometheus');
    const probedMetrics =
      (await count('/metrics')) -
      before.metrics -
      (scrapesAfter - before.scrapes);
    rows.push({
      ...result,
      name: phase.name,
      apiPerMin: ((proxy.requests.length - before.api) * 60) / SECONDS,
      queriesPerMin: (((await queries()) - before.queries) * 60) / SECONDS,
      healthPerEndpointWindow: health / started / windows,
      healthPerRankWindow: health / ranks / windows,
      // /metrics requests that are not Prometheus' scrapes: the backend's probes.
      metricsProbesPerMin: (probedMetrics * 60) / SECONDS,
      rssBytes: maxRss,
      liveHeapBytes: liveHeap,
    });
  }
  viewersProc.kill();
  // BENCH_HEAP_SNAPSHOT=<file>: the backend's heap after the last phase,
  // for Chromium's DevTools (Memory tab) or any .heapsnapshot reader.
  if (process.env.BENCH_HEAP_SNAPSHOT) {
    const { snapshot } = await ask<{ snapshot: string }>(
      backendProc,
      { snapshot: process.env.BENCH_HEAP_SNAPSHOT },
      'snapshot',
    );
    out(`backend heap snapshot written to ${snapshot}`);
  }

  // History: 60 minutes of one metric for every rank of one deployment.
  const historyUrl = `${base}/ranks/history?entityRef=${encodeURIComponent(
    `component:default/${rendered[0].entity.metadata.name}`,
  )}&metric=generationTokensPerSecond&window=60m`;
  const tH = performance.now();
  const history = await getJson(historyUrl);
  const coldHistoryMs = performance.now() - tH;
  const tH2 = performance.now();
  await getJson(historyUrl);
  out(
    `history (60m, generationTokensPerSecond, ${
      history.body.ranks?.length
    } ranks x ${history.body.timestamps?.length} columns, source ${
      history.body.source
    }): ${coldHistoryMs.toFixed(0)} ms cold, ${(
      performance.now() - tH2
    ).toFixed(0)} ms cached`,
  );

  const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '-');
  out('');
  out(
    `phase                          requests  errors  p50 ms  p95 ms  p99 ms  RSS MiB  API req/min  Prom queries/min  /health per endpoint/window  per rank/window  /metrics probes/min`,
  );
  for (const r of rows) {
    out(
      `${r.name.padEnd(29)}  ${String(r.requests).padStart(8)}  ${String(
        r.errors,
      ).padStart(6)}  ${fmt(r.p50).padStart(6)}  ${fmt(r.p95).padStart(
        6,
      )}  ${fmt(r.p99).padStart(6)}  ${fmt(r.rssBytes / 1048576, 0).padStart(
        7,
      )}  ${fmt(r.apiPerMin).padStart(11)}  ${fmt(r.queriesPerMin).padStart(
        16,
      )}  ${fmt(r.healthPerEndpointWindow, 2).padStart(27)}  ${fmt(
        r.healthPerRankWindow,
        3,
      ).padStart(15)}  ${fmt(r.metricsProbesPerMin, 0).padStart(19)}`,
    );
  }
  for (const line of cpuRows) out(line);
  for (const line of memoryRows) out(line);
  out(
    `backend heap after a full GC at the end of each phase: ${rows
      .map(r => mib(r.liveHeapBytes))
      .join(', ')} (RSS above is the peak, sampled every 250 ms)${
      cgroup
        ? `; the kernel's peak of the backend's cgroup (RSS and page cache): ${mib(
            cgroup.peakBytes(),
          )} of ${mib(cgroup.limitBytes)}`
        : ''
    }`,
  );
  const watches = proxy.requests.filter(r => r.watch).length;
  out(
    `API-server requests in total: ${
      proxy.requests.length
    } (${watches} WATCH, ${proxy.requests.length - watches} LIST)`,
  );
  // Counts may differ by the queries/LISTs straddling a phase edge.
  const close = (a: number, b: number, slack: number) =>
    Math.abs(a - b) <= slack;
  const checks = {
    'p95 < 100 ms': rows.every(r => r.p95 < 100 && r.errors === 0),
    [`RSS < 500 MB (${mib(RSS_TARGET_BYTES)})`]: rows.every(
      r => r.rssBytes < RSS_TARGET_BYTES,
    ),
    'API-server requests/min independent of viewers': close(
      rows[0].apiPerMin,
      rows[1].apiPerMin,
      2,
    ),
    'Prometheus queries/min independent of viewers': close(
      rows[0].queriesPerMin,
      rows[1].queriesPerMin,
      DEPLOYMENTS * 0.1 * (60 / (FRESHNESS_MS / 1000)),
    ),
    '/health probes <= 1 per rank per window': rows.every(
      r => r.healthPerRankWindow <= 1,
    ),
  };
  for (const [check, ok] of Object.entries(checks))
    out(`${ok ? 'met    ' : 'NOT met'}  ${check}`);

  await ask(backendProc, { stop: true }, 'stopped');
  const exited = once(simulators, 'exit');
  simulators.send({ close: true });
  await exited;
  process.exitCode = Object.values(checks).every(Boolean) ? 0 : 1;
}

async function cleanup() {
  for (const step of cleanups.splice(0).reverse()) {
    try {
      await step();
    } catch (error) {
      process.stderr.write(`cleanup: ${error}\n`);
    }
  }
}

// Interrupted: stop the cluster, Prometheus and the children all the same.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    process.stderr.write(`bench:fleet interrupted by ${signal}; cleaning up\n`);
    void cleanup().finally(() => process.exit(130));
  });

main()
  .catch(error => {
    process.stderr.write(`bench:fleet failed: ${error?.stack ?? error}\n`);
    process.exitCode = 2;
  })
  .finally(cleanup);
