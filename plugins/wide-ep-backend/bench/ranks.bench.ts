/*
 * Rank-health API under load, against a REAL kube-apiserver:
 *
 *   npm run bench:ranks -w @internal/plugin-wide-ep-backend
 *
 * Setup: a control-plane cluster of its own (test/cluster/control-plane:
 * real kube-apiserver, kube-scheduler, kube-controller-manager and
 * LeaderWorkerSet controller; 128 SIMULATED kwok H200 nodes), or
 * WIDE_EP_BENCH_CP_KUBECONFIG for a running one with enough nodes. One LWS
 * H200 deployment with rank ports, 128 pods x 8 = 1,024 ranks, applied as
 * wide-ep:apply does; the real LWS controller makes the pods, the real
 * scheduler binds them, kwok gives them loopback IPs (127.64.x.y) and marks
 * them Ready. Every rank is a SIMULATED vLLM server on its pod's IP, run in
 * a child process. The wide-EP backend plugin runs in this process in
 * startTestBackend and reaches the API server through a counting proxy, so
 * every LIST and WATCH is counted. The viewers run in a second child process.
 *
 * Phases: 1 viewer, then BENCH_VIEWERS (50) viewers, each polling
 * GET /api/wide-ep/ranks every BENCH_POLL_MS (1000; the card polls every
 * 5 s, so this is 5x harsher) for BENCH_SECONDS (60). Reports latency
 * percentiles of the API, API-server requests per minute and probe HTTP
 * requests per minute per phase.
 */
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  LWS_H200_SEED,
  parseSpec,
  renderDeployment,
} from '@internal/plugin-wide-ep-common';
import {
  KubeClient,
  applyManifests,
  assertApplySucceeded,
  createKubeClient,
  loadClientNode,
  objectRefOf,
  waitForReady,
} from '@internal/plugin-wide-ep-node';
import type { OperatorPod } from '@internal/plugin-wide-ep-common/testUtils';
import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import {
  OwnControlPlane,
  rankSimulatorOptionsFor,
  startApiServerProxy,
  startOwnControlPlane,
  kubernetesClusterConfig,
} from '@internal/wide-ep-rank-simulator';
import wideEpBackend from '../src';
import { ask, child } from './childProcess';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const VIEWERS = Number(process.env.BENCH_VIEWERS ?? 50);
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 1000);
const FRESHNESS_MS = 5_000;
const PROBE_TIMEOUT_MS = 1_500;
const CONCURRENCY = 16;

const PODS = 128;
let ownCluster: OwnControlPlane | undefined;

async function adminKubeconfig(): Promise<string> {
  if (process.env.WIDE_EP_BENCH_CP_KUBECONFIG)
    return process.env.WIDE_EP_BENCH_CP_KUBECONFIG;
  ownCluster = await startOwnControlPlane({
    CP_RACKS: 'rack-a',
    CP_NODES_PER_RACK: '0',
    CP_H200_NODES: String(PODS),
    CP_POD_STAGES: 'fast',
  });
  return ownCluster.kubeconfigPath;
}

/** Applies the rendered objects and waits, as wide-ep:apply does, until every workload is ready. */
async function deployOnControlPlane(
  client: KubeClient,
  objects: KubernetesObject[],
  namespace: string,
): Promise<V1Pod[]> {
  assertApplySucceeded(
    await applyManifests({ client, objects, dryRun: false }),
  );
  // The generator's own readiness wait: every workload Available.
  await waitForReady({
    client,
    namespace,
    objects: objects.map(o => objectRefOf(o)),
    intervalMs: 1000,
    timeoutMs: 10 * 60_000,
  });
  const pods = await client.list<V1Pod>({
    apiVersion: 'v1',
    kind: 'Pod',
    namespace,
    labelSelector: 'llm-d.ai/inference-serving=true',
  });
  if (pods.length !== PODS || pods.some(p => !p.status?.podIP))
    throw new Error(`expected ${PODS} pods with IPs, got ${pods.length}`);
  return pods;
}

interface PhaseResult {
  viewers: number;
  requests: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  ranks: number;
  healthy: number;
}

async function main() {
  const kubeconfigPath = await adminKubeconfig();
  const { KubeConfig, CoreV1Api } = await loadClientNode();
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  const namespace = `wide-ep-bench-${Date.now().toString(36)}`;
  await kubeConfig
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name: namespace } } });

  // 8 groups x 8 pods per role: 128 pods, 1,024 ranks, every rank on its own port.
  const parsed = parseSpec({
    ...LWS_H200_SEED,
    namespace,
    gateway: 'istio',
    cluster: 'bench',
    prefill: { replicas: 8, dataParallelSize: 64 },
    decode: { replicas: 8, dataParallelSize: 64 },
  });
  if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
  const rendered = renderDeployment(parsed.spec);
  const t0 = performance.now();
  const client = await createKubeClient({ clusterName: 'bench', kubeConfig });
  const pods = await deployOnControlPlane(client, rendered.objects, namespace);
  const simulators = child('rankSimulators.child.ts');
  const { started } = await ask<{ started: number }>(
    simulators,
    {
      start: pods.map(p =>
        rankSimulatorOptionsFor(p as OperatorPod, p.status!.podIP!),
      ),
    },
    'started',
  );
  process.stdout.write(
    `setup: ${
      pods.length
    } pods made by the real LWS controller, bound by kube-scheduler, run by kwok (1024 SIMULATED ranks on ${started} loopback servers in a child process) in ${(
      (performance.now() - t0) /
      1000
    ).toFixed(1)} s\n`,
  );

  const cluster = kubeConfig.getCurrentCluster()!;
  const proxy = await startApiServerProxy({
    target: cluster.server,
    ca: Buffer.from(cluster.caData!, 'base64'),
  });
  const backend = await startTestBackend({
    features: [
      wideEpBackend,
      mockServices.rootConfig.factory({
        data: {
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
          },
        },
      }),
      catalogServiceMock.factory({ entities: [rendered.entity as Entity] }),
    ],
  });
  const port = (backend.server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/api/wide-ep/ranks?entityRef=${encodeURIComponent(
    'component:default/wide-ep',
  )}`;

  const coldStart = performance.now();
  const coldStatus = await new Promise<{ status: number; bytes: number }>(
    (resolvePromise, reject) =>
      http
        .get(url, res => {
          let bytes = 0;
          res.on('data', c => (bytes += c.length));
          res.on('end', () =>
            resolvePromise({ status: res.statusCode ?? 0, bytes }),
          );
        })
        .on('error', reject),
  );
  process.stdout.write(
    `cold first request (watch start + first probe round): ${(
      performance.now() - coldStart
    ).toFixed(0)} ms, status ${coldStatus.status}, ${(
      coldStatus.bytes / 1024
    ).toFixed(0)} KiB\n`,
  );
  process.stdout.write(
    `phases: ${SECONDS} s each, every viewer polls every ${POLL_MS} ms; freshness ${FRESHNESS_MS} ms, probe timeout ${PROBE_TIMEOUT_MS} ms, probe concurrency ${CONCURRENCY}\n`,
  );

  const viewersProc = child('viewers.child.ts');
  const probeCount = async () =>
    (await ask<{ requests: number }>(simulators, { count: true }, 'requests'))
      .requests;
  const rows: (PhaseResult & { apiPerMin: number; probesPerMin: number })[] =
    [];
  for (const viewers of [1, VIEWERS]) {
    const apiBefore = proxy.requests.length;
    const probesBefore = await probeCount();
    const result = await ask<PhaseResult>(
      viewersProc,
      { url, viewers, seconds: SECONDS, pollMs: POLL_MS },
      'p95',
    );
    rows.push({
      ...result,
      apiPerMin: ((proxy.requests.length - apiBefore) * 60) / SECONDS,
      probesPerMin: (((await probeCount()) - probesBefore) * 60) / SECONDS,
    });
  }
  viewersProc.kill();

  const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
  process.stdout.write(
    `\nviewers  requests  errors  p50 ms  p95 ms  p99 ms  max ms  API-server req/min  probe HTTP req/min  ranks  healthy\n`,
  );
  for (const r of rows) {
    process.stdout.write(
      `${String(r.viewers).padStart(7)}  ${String(r.requests).padStart(
        8,
      )}  ${String(r.errors).padStart(6)}  ${fmt(r.p50).padStart(6)}  ${fmt(
        r.p95,
      ).padStart(6)}  ${fmt(r.p99).padStart(6)}  ${fmt(r.max).padStart(
        6,
      )}  ${fmt(r.apiPerMin).padStart(18)}  ${fmt(r.probesPerMin).padStart(
        18,
      )}  ${String(r.ranks).padStart(5)}  ${String(r.healthy).padStart(7)}\n`,
    );
  }
  const watches = proxy.requests.filter(r => r.watch).length;
  process.stdout.write(
    `API-server requests in total: ${
      proxy.requests.length
    } (${watches} WATCH, ${proxy.requests.length - watches} LIST)\n`,
  );
  const ok =
    rows.every(r => r.p95 < 200 && r.errors === 0) &&
    rows[0].apiPerMin === rows[1].apiPerMin;
  process.stdout.write(
    `targets (p95 < 200 ms; API-server requests independent of viewers): ${
      ok ? 'met' : 'NOT met'
    }\n`,
  );

  await backend.stop();
  await proxy.close();
  const exited = once(simulators, 'exit');
  simulators.send({ close: true });
  await exited;
  await ownCluster?.stop();
  process.exitCode = ok ? 0 : 1;
}

main().catch(error => {
  process.stderr.write(`bench:ranks failed: ${error?.stack ?? error}\n`);
  process.exitCode = 2;
});
