/*
 * Wall time of applying one rendered wide-EP deployment to a real
 * kube-apiserver: our applier (ClusterRegistry → createKubeClient →
 * applyManifests, what wide-ep:apply runs) against
 * `kubectl apply --server-side -f <dir>` of the same manifests.
 *
 *   npm run bench:apply -w @internal/plugin-scaffolder-backend-module-wide-ep
 *
 * Env: WIDE_EP_TEST_KUBECONFIG (admin kubeconfig; default: start or reuse
 *      test/cluster/up), WIDE_EP_KUBECTL (default test/cluster/.bin/kubectl),
 *      BENCH_RUNS (default 7).
 *
 * Every run (ours and kubectl's) creates all objects in a fresh namespace
 * made beforehand, outside the timing. Ours is timed in process with a new
 * client each run (cold API discovery), as a task would use it; kubectl's
 * time includes its process start and uses its on-disk discovery cache, as a
 * user would run it. The first run of each is a warm-up and not counted.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
  mkdirSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  parseSpec,
  renderDeployment,
  toYaml,
  WideEpSpecInput,
} from '@internal/plugin-wide-ep-common';
import { LWS_H200_SEED } from '@internal/plugin-wide-ep-common';
import {
  ClusterRegistry,
  applyManifests,
  assertApplySucceeded,
  loadClientNode,
} from '@internal/plugin-wide-ep-node';

const REPO = resolve(__dirname, '../../..');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const VARIANT: WideEpSpecInput = {
  ...LWS_H200_SEED,
  gateway: 'kgateway',
  rankPorts: false,
};

function adminKubeconfig(): string {
  if (process.env.WIDE_EP_TEST_KUBECONFIG)
    return process.env.WIDE_EP_TEST_KUBECONFIG;
  const out = execFileSync(join(REPO, 'test/cluster/up'), {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return out.trim().split('\n').pop()!;
}

function render(namespace: string) {
  const parsed = parseSpec({ ...VARIANT, namespace });
  if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
  return renderDeployment(parsed.spec).objects;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main() {
  const kubeconfigPath = adminKubeconfig();
  const kubectl =
    process.env.WIDE_EP_KUBECTL ?? join(REPO, 'test/cluster/.bin/kubectl');
  if (!existsSync(kubectl))
    throw new Error(`no kubectl at ${kubectl}; run test/cluster/build`);

  // The production path: cluster details as app-config would hold them.
  const { KubeConfig } = await loadClientNode();
  const file = new KubeConfig();
  file.loadFromFile(kubeconfigPath);
  const cluster = file.getCurrentCluster()!;
  const registry = ClusterRegistry.fromClusters([
    {
      name: 'bench',
      url: cluster.server,
      authProvider: 'serviceAccount',
      serviceAccountToken: file.getCurrentUser()!.token!,
      caData: cluster.caData,
      skipTLSVerify: false,
      skipMetricsLookup: true,
    },
  ]);
  const setup = await registry.connect('bench');
  const stamp = Date.now().toString(36);
  let counter = 0;
  async function freshNamespace(): Promise<string> {
    const name = `wide-ep-bench-${stamp}-${counter++}`;
    assertApplySucceeded(
      await applyManifests({
        client: setup,
        objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }],
        dryRun: false,
      }),
    );
    return name;
  }

  async function ours(): Promise<number> {
    const objects = render(await freshNamespace());
    const start = performance.now();
    const client = await registry.connect('bench');
    const results = await applyManifests({ client, objects, dryRun: false });
    const elapsed = performance.now() - start;
    assertApplySucceeded(results);
    if (results.some(r => r.outcome !== 'created'))
      throw new Error('expected every object to be created');
    return elapsed;
  }

  const work = mkdtempSync(join(tmpdir(), 'wide-ep-bench-'));
  async function viaKubectl(): Promise<number> {
    const namespace = await freshNamespace();
    const dir = join(work, namespace);
    for (const object of render(namespace)) {
      const path = join(
        dir,
        `${object.kind.toLowerCase()}-${object.metadata.name}.yaml`,
      );
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, toYaml(object));
    }
    const start = performance.now();
    const result = spawnSync(
      kubectl,
      ['--kubeconfig', kubeconfigPath, 'apply', '--server-side', '-f', dir],
      {
        encoding: 'utf8',
      },
    );
    const elapsed = performance.now() - start;
    if (result.status !== 0)
      throw new Error(`kubectl failed: ${result.stderr}`);
    return elapsed;
  }

  const objectCount = render('x').length;
  console.log(
    `wide-EP apply benchmark: ${objectCount} objects (LWS H200 seed, gateway kgateway), ${RUNS} runs each after 1 warm-up, fresh namespace per run`,
  );
  await ours();
  await viaKubectl();
  const oursMs: number[] = [];
  const kubectlMs: number[] = [];
  // Interleaved, so drift in the shared machine's load hits all alike.
  for (let i = 0; i < RUNS; i++) {
    oursMs.push(await ours());
    kubectlMs.push(await viaKubectl());
  }
  rmSync(work, { recursive: true, force: true });

  const fmt = (values: number[]) => values.map(v => v.toFixed(0)).join(', ');
  const row = (label: string, values: number[]) =>
    console.log(
      `${label.padEnd(46)} median ${median(values).toFixed(1)} ms  [${fmt(
        values,
      )}]`,
    );
  row('ours (applyManifests, in process):', oursMs);
  row('kubectl apply --server-side -f <dir>:', kubectlMs);
  const ratio = median(oursMs) / median(kubectlMs);
  console.log(`ratio ours/kubectl: ${ratio.toFixed(2)}x (target <= 0.50x)`);
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
