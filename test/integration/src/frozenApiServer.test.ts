/*
 * A cluster that stops answering (issue #14): wide-ep:apply and
 * wide-ep:preflight against a REAL kube-apiserver frozen with SIGSTOP (the
 * way a black-holed or overloaded API server behaves: the kernel still
 * accepts connections, nothing answers), and against a closed port.
 *
 * The file starts a plain API server of its own (test/cluster/up with its
 * own state dir and free ports), so freezing it cannot stall the suites
 * sharing the default cluster; afterAll resumes it before stopping it.
 *
 * Prints the measured figures: time to the first "has not answered" line of
 * the task log, and time to success (resumed) or failure (kept frozen).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { PermissionsService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import {
  createWideEpApplyAction,
  createWideEpPreflightAction,
} from '@internal/plugin-scaffolder-backend-module-wide-ep';
import {
  GROVE_GB200_SEED,
  parseSpec,
  renderDeployment,
} from '@internal/plugin-wide-ep-common';
import {
  ClusterRegistry,
  KubeClient,
  loadClientNode,
} from '@internal/plugin-wide-ep-node';
import {
  freePort,
  pidAlive,
  runScript,
  kubernetesClusterConfig,
} from '@internal/wide-ep-rank-simulator';
import { runAction } from './actionContext';
import { createNamespace } from './testCluster';

// Test-only code that is never bundled, so __dirname is the source dir.
// eslint-disable-next-line no-restricted-syntax
const CLUSTER_DIR = path.resolve(__dirname, '../../cluster');
const STATE_PREFIX = '.state-frozen-';
const CLUSTER = 'frozen-test';
const SLOW = /^warn cluster "frozen-test" has not answered /;

jest.setTimeout(5 * 60_000);

const allow = {
  authorize: async (requests: unknown[]) =>
    requests.map(() => ({ result: 'ALLOW' })),
  authorizeConditional: async () => [],
} as unknown as PermissionsService;

let env: NodeJS.ProcessEnv;
let apiserverPid: number;
let cluster: { url: string; token: string; caData: string };
let admin: KubeClient;

/** SIGSTOP / SIGCONT of this file's own kube-apiserver. */
const freeze = () => process.kill(apiserverPid, 'SIGSTOP');
const resume = () => {
  if (apiserverPid && pidAlive(apiserverPid)) {
    process.kill(apiserverPid, 'SIGCONT');
  }
};

beforeAll(async () => {
  // Clusters of earlier runs that died before their afterAll.
  for (const entry of fs.readdirSync(CLUSTER_DIR)) {
    const m = new RegExp(`^${STATE_PREFIX}(\\d+)$`).exec(entry);
    if (m && !pidAlive(Number(m[1]))) {
      const stateDir = path.join(CLUSTER_DIR, entry);
      const pidFile = path.join(stateDir, 'kube-apiserver.pid');
      if (fs.existsSync(pidFile)) {
        const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
        if (pid && pidAlive(pid)) process.kill(pid, 'SIGCONT');
      }
      await runScript(
        path.join(CLUSTER_DIR, 'down'),
        { ...process.env, WIDE_EP_CLUSTER_STATE_DIR: stateDir },
        120_000,
      ).catch(e => console.warn(`could not stop leftover ${entry}: ${e}`));
    }
  }
  env = {
    ...process.env,
    WIDE_EP_CLUSTER_STATE_DIR: path.join(
      CLUSTER_DIR,
      `${STATE_PREFIX}${process.pid}`,
    ),
    WIDE_EP_APISERVER_PORT: String(await freePort()),
    WIDE_EP_ETCD_PORT: String(await freePort()),
    WIDE_EP_ETCD_PEER_PORT: String(await freePort()),
  };
  const out = await runScript(path.join(CLUSTER_DIR, 'up'), env, 30 * 60_000);
  const kubeconfigPath = out.trim().split('\n').pop() ?? '';
  apiserverPid = Number(
    fs
      .readFileSync(
        path.join(env.WIDE_EP_CLUSTER_STATE_DIR!, 'kube-apiserver.pid'),
        'utf8',
      )
      .trim(),
  );
  if (!pidAlive(apiserverPid)) {
    throw new Error(`kube-apiserver pid ${apiserverPid} is not running`);
  }

  const { KubeConfig } = await loadClientNode();
  const file = new KubeConfig();
  file.loadFromFile(kubeconfigPath);
  const current = file.getCurrentCluster();
  const user = file.getCurrentUser();
  if (!current?.caData || !user?.token) {
    throw new Error(`${kubeconfigPath} has no CA data or token`);
  }
  cluster = { url: current.server, token: user.token, caData: current.caData };
  admin = await registry().connect(CLUSTER);
}, 35 * 60_000);

afterAll(async () => {
  // A stopped process cannot act on TERM: resume it before stopping it.
  resume();
  if (env) await runScript(path.join(CLUSTER_DIR, 'down'), env, 120_000);
}, 180_000);

afterEach(() => resume());

/** The production registry from app-config, as the scaffolder module reads it. */
function registry(
  clusterCalls?: { attemptTimeout: string; giveUpAfter: string },
  url = cluster.url,
) {
  return ClusterRegistry.fromConfig(
    new ConfigReader({
      kubernetes: kubernetesClusterConfig({
        name: CLUSTER,
        url,
        token: cluster.token,
        caData: cluster.caData,
      }),
      ...(clusterCalls ? { wideEp: { clusterCalls } } : {}),
    }),
  );
}

/**
 * Runs an action, noting when the first "has not answered" line reaches
 * the task log and when the action settles, in ms from its start.
 */
async function timedRun(
  action: { handler(ctx: any): Promise<void> },
  input: Record<string, unknown>,
  duringRun: (lines: string[], start: number) => Promise<void> = async () => {},
) {
  const start = Date.now();
  const r = runAction(action, input);
  let firstSlowLineMs: number | undefined;
  const watcher = setInterval(() => {
    if (firstSlowLineMs === undefined && r.lines.some(l => SLOW.test(l))) {
      firstSlowLineMs = Date.now() - start;
    }
  }, 20);
  let error: any;
  try {
    await Promise.all([
      r.promise.catch(e => {
        error = e;
      }),
      duringRun(r.lines, start),
    ]);
  } finally {
    clearInterval(watcher);
  }
  if (firstSlowLineMs === undefined && r.lines.some(l => SLOW.test(l))) {
    firstSlowLineMs = Date.now() - start;
  }
  return {
    error,
    lines: r.lines,
    outputs: r.outputs,
    firstSlowLineMs,
    settledMs: Date.now() - start,
  };
}

async function until(what: string, check: () => boolean, timeoutMs: number) {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`no ${what}`);
    await new Promise(r => setTimeout(r, 20));
  }
}

function rendered(namespace: string) {
  const parsed = parseSpec({ ...GROVE_GB200_SEED, namespace });
  if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
  return renderDeployment(parsed.spec).objects;
}

/** The rendered objects the cluster holds, read one by one. */
async function liveObjects(namespace: string) {
  const found: string[] = [];
  for (const o of rendered(namespace)) {
    const live = await admin.read({
      apiVersion: o.apiVersion,
      kind: o.kind,
      namespace: o.metadata.namespace,
      name: o.metadata.name,
    });
    if (live) found.push(`${o.kind}/${o.metadata.name}`);
  }
  return found.sort();
}

const ms = (n: number | undefined) =>
  n === undefined ? 'never' : `${(n / 1000).toFixed(1)} s`;

describe('a kube-apiserver frozen with SIGSTOP', () => {
  it('wide-ep:apply says so in the task log and completes, every object stored, when the server resumes before the bound', async () => {
    const namespace = await createNamespace(admin, 'frozen-resume');
    const action = createWideEpApplyAction({
      clusters: registry({ attemptTimeout: '3s', giveUpAfter: '60s' }),
      permissions: allow,
    });
    const FROZEN_FOR_MS = 8_000;
    freeze();
    let resumedAtMs = 0;
    const result = await timedRun(
      action,
      { ...GROVE_GB200_SEED, namespace, cluster: CLUSTER, wait: false },
      async (lines, start) => {
        await until(
          '"has not answered" line',
          () => lines.some(l => SLOW.test(l)),
          60_000,
        );
        await new Promise(r =>
          setTimeout(r, Math.max(0, FROZEN_FOR_MS - (Date.now() - start))),
        );
        resume();
        resumedAtMs = Date.now() - start;
      },
    );
    console.log(
      `apply, frozen ${ms(
        resumedAtMs,
      )} then resumed (attempt timeout 3 s, bound 60 s): first "has not answered" line after ${ms(
        result.firstSlowLineMs,
      )}; apply finished after ${ms(result.settledMs)}\n${result.lines
        .filter(l => SLOW.test(l))
        .join('\n')}`,
    );

    expect(result.error).toBeUndefined();
    expect(result.firstSlowLineMs).toBeGreaterThanOrEqual(3_000);
    expect(result.firstSlowLineMs).toBeLessThan(5_000);
    const objects = rendered(namespace);
    expect(
      result.outputs.objects.map(
        (o: any) => `${o.kind}/${o.name}:${o.outcome}`,
      ),
    ).toEqual(objects.map(o => `${o.kind}/${o.metadata.name}:created`));
    // Nothing half-applied: every rendered object is in the cluster.
    expect(await liveObjects(namespace)).toEqual(
      objects.map(o => `${o.kind}/${o.metadata.name}`).sort(),
    );
  });

  it('wide-ep:apply kept frozen past the bound fails naming the cluster and the call, with nothing applied', async () => {
    const namespace = await createNamespace(admin, 'frozen-fail');
    const action = createWideEpApplyAction({
      clusters: registry({ attemptTimeout: '2s', giveUpAfter: '12s' }),
      permissions: allow,
    });
    freeze();
    const result = await timedRun(action, {
      ...GROVE_GB200_SEED,
      namespace,
      cluster: CLUSTER,
      wait: false,
    });
    resume();
    console.log(
      `apply, kept frozen (attempt timeout 2 s, bound 12 s): first "has not answered" line after ${ms(
        result.firstSlowLineMs,
      )}; failed after ${ms(result.settledMs)}: ${result.error?.message}`,
    );

    expect(result.firstSlowLineMs).toBeGreaterThanOrEqual(2_000);
    expect(result.firstSlowLineMs).toBeLessThan(4_000);
    expect(result.settledMs).toBeLessThan(12_000 + 3_000);
    expect(result.error?.name).toBe('ServiceUnavailableError');
    expect(result.error?.message).toMatch(
      /^gave up on (read|apply) \S+ \S+ on cluster "frozen-test" after \d+ s and \d+ attempts: no answer within 2 s/,
    );
    // Every object of the first stage is logged as failed, naming why.
    const failed = result.lines.filter(l => l.startsWith('error failed '));
    expect(failed.length).toBeGreaterThan(0);
    for (const line of failed) {
      expect(line).toMatch(/gave up on .* on cluster "frozen-test"/);
    }
    // Nothing reached the API server, also not once it resumed.
    await new Promise(r => setTimeout(r, 2_000));
    expect(await liveObjects(namespace)).toEqual([]);
  });

  it('wide-ep:preflight with the default patience: the figures', async () => {
    const action = createWideEpPreflightAction({
      clusters: registry(),
      permissions: allow,
    });
    freeze();
    const result = await timedRun(action, {
      ...GROVE_GB200_SEED,
      cluster: CLUSTER,
    });
    resume();
    console.log(
      `preflight, kept frozen (defaults: attempt timeout 10 s, bound 120 s): first "has not answered" line after ${ms(
        result.firstSlowLineMs,
      )}; failed after ${ms(result.settledMs)}: ${
        result.error?.message
      }\n${result.lines.filter(l => SLOW.test(l)).join('\n')}`,
    );

    expect(result.firstSlowLineMs).toBeGreaterThanOrEqual(10_000);
    expect(result.firstSlowLineMs).toBeLessThan(13_000);
    expect(result.settledMs).toBeLessThanOrEqual(123_000);
    expect(result.error?.message).toMatch(
      /^gave up on (read|list) \S+ .*on cluster "frozen-test" after \d+ s and 7 attempts: no answer within 10 s/,
    );
    // About one line every 10 s while it waited, not one per call.
    const slow = result.lines.filter(l => SLOW.test(l));
    expect(slow.length).toBeGreaterThanOrEqual(5);
    expect(slow.length).toBeLessThanOrEqual(8);
  });
});

describe('a closed port', () => {
  it('wide-ep:preflight fails with "refused" within the bound', async () => {
    const port = await freePort();
    const action = createWideEpPreflightAction({
      clusters: registry(
        { attemptTimeout: '2s', giveUpAfter: '10s' },
        `https://127.0.0.1:${port}`,
      ),
      permissions: allow,
    });
    const result = await timedRun(action, {
      ...GROVE_GB200_SEED,
      cluster: CLUSTER,
    });
    console.log(
      `preflight, closed port (bound 10 s): first "has not answered" line after ${ms(
        result.firstSlowLineMs,
      )}; failed after ${ms(result.settledMs)}: ${result.error?.message}`,
    );
    expect(result.firstSlowLineMs).toBeLessThan(1_000);
    expect(result.settledMs).toBeLessThan(10_000);
    expect(result.error?.message).toMatch(
      /^gave up on (read|list) \S+ .*on cluster "frozen-test" after \d+ s and \d+ attempts: connection refused \(ECONNREFUSED\)$/,
    );
  });
});
