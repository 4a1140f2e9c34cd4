#!/usr/bin/env node
// Starts the product for local use: Backstage (frontend dev server on :3000,
// backend on :7007 with embedded SQLite and guest sign-in) plus the local
// demo: a throw-away cluster on loopback (test/cluster/control-plane: real
// kube-apiserver, kube-scheduler, kube-controller-manager and
// LeaderWorkerSet controller; kwok for SIMULATED GPU nodes; sizes in
// test/demo/cluster.env) registered as the cluster "local-demo", and the
// demo operator (test/demo), which SIMULATES what cannot run here (Grove,
// the ComputeDomain and gateway controllers, vLLM ranks). The sample
// entity's deployment (examples/wide-ep-sample) is applied to it on start.
// Prints the URL once everything answers; stops everything (and the demo
// cluster) on Ctrl-C or when any part dies.
//
//   npm start                  Backstage + local demo
//   npm start -- --no-demo     Backstage only (app-config.yaml + app-config.local.yaml)
//   npm start -- --stop [--pid N]
//                              stop a start.mjs (and its children, the demo cluster)
//                              left behind, e.g. after a kill -9; with --pid, only if
//                              that start.mjs was pid N (scripts/test-all.sh uses this)
//
// Run through `npm start`, so node_modules/.bin (Node 24 from the npm
// registry's `node` package) is first on PATH for every child process.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FRONTEND = 'http://localhost:3000';
const BACKEND_READY = 'http://127.0.0.1:7007/.backstage/health/v1/readiness';
const READY_TIMEOUT_MS = Number(
  process.env.WIDE_EP_START_TIMEOUT_MS ?? 15 * 60 * 1000,
);

// Children find backstage-cli and the project's Node 24 (the npm registry's
// `node` package) first on PATH, also when this runs without `npm start`.
process.env.PATH = `${path.join(ROOT, 'node_modules', '.bin')}${
  path.delimiter
}${process.env.PATH ?? ''}`;
const env = process.env;
const DEMO_ENABLED =
  !process.argv.includes('--no-demo') && env.WIDE_EP_DEMO !== '0';
// Everything the demo writes lives in .wide-ep/ (git-ignored by its own .gitignore).
const WORK_DIR = path.join(ROOT, '.wide-ep');
// The demo cluster's sizes and ports: test/demo/cluster.env (KEY=value
// lines for test/cluster/control-plane/up), each overridable from the
// environment; WIDE_EP_DEMO_APISERVER_PORT etc. are kept as aliases.
const DEMO_CLUSTER_CONFIG = Object.fromEntries(
  fs
    .readFileSync(path.join(ROOT, 'test', 'demo', 'cluster.env'), 'utf8')
    .split('\n')
    .map(line => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line))
    .filter(Boolean)
    .map(([, key, value]) => [key, env[key] ?? value]),
);
for (const [alias, key] of [
  ['WIDE_EP_DEMO_APISERVER_PORT', 'CP_APISERVER_PORT'],
  ['WIDE_EP_DEMO_ETCD_PORT', 'CP_ETCD_PORT'],
  ['WIDE_EP_DEMO_ETCD_PEER_PORT', 'CP_ETCD_PEER_PORT'],
]) {
  if (env[alias]) DEMO_CLUSTER_CONFIG[key] = env[alias];
}
const DEMO = {
  stateDir: path.resolve(
    env.WIDE_EP_DEMO_STATE_DIR ?? path.join(WORK_DIR, 'demo-cluster'),
  ),
  apiserverPort: Number(DEMO_CLUSTER_CONFIG.CP_APISERVER_PORT),
  controlPort: Number(env.WIDE_EP_DEMO_CONTROL_PORT ?? 17480),
  namespaces: env.WIDE_EP_DEMO_NAMESPACES ?? 'llm-d-wide-ep',
  // Deployed on start, so the sample entity's page shows live ranks.
  sample: path.join(ROOT, 'examples', 'wide-ep-sample'),
};
// WIDE_EP_CLUSTER_DIR: try a changed copy of test/cluster.
const CLUSTER_DIR = path.resolve(
  env.WIDE_EP_CLUSTER_DIR ?? path.join(ROOT, 'test', 'cluster'),
);
const CONTROL_PLANE_DIR = path.join(CLUSTER_DIR, 'control-plane');
// The field manager of the generator's apply (WIDE_EP_FIELD_MANAGER), so
// the sample reads as in sync on its Wide-EP tab.
const FIELD_MANAGER = 'wide-ep-backstage';
const DEMO_MARKER_FILE = 'wide-ep-demo'; // see test/demo/src/demoGuard.ts
// Pids of this start.mjs and its children's process groups, for --stop.
const PIDS_FILE = path.join(WORK_DIR, 'start.pids.json');

const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  console.error(
    `Node ${process.version} is too old; Backstage needs 22 or 24. Run "npm ci" first, then "npm start".`,
  );
  process.exit(1);
}

const log = msg => console.log(`[start] ${msg}`);
const fail = msg => console.error(`\n[start] ERROR: ${msg}`);

// ------------------------------------------------------------- children ---

const children = new Map(); // child -> { name, expectExit, retired }
const spawnedGroups = new Set(); // process group ids of every child, for stop()
let stopping = false;

function run(name, command, args, options = {}) {
  const { expectExit = false, ...spawnOptions } = options;
  // Own process group, so stopping kills the whole tree (dev server, backend).
  const child = spawn(command, args, {
    stdio: 'inherit',
    detached: true,
    cwd: ROOT,
    ...spawnOptions,
  });
  const meta = { name, expectExit, retired: false };
  children.set(child, meta);
  if (child.pid) spawnedGroups.add(child.pid);
  writePids();
  child.on('exit', (code, signal) => {
    children.delete(child);
    // An empty group's id may be reused by an unrelated process: forget it.
    if (!groupAlive(child.pid)) spawnedGroups.delete(child.pid);
    if (stopping || meta.retired || (expectExit && code === 0)) return;
    fail(`${name} exited (${signal ?? `code ${code}`}); stopping everything.`);
    stop(1);
  });
  child.on('error', error => {
    if (stopping) return;
    fail(`${name} could not be started: ${error.message}`);
    stop(1);
  });
  return child;
}

function ensureWorkDir() {
  fs.mkdirSync(WORK_DIR, { recursive: true });
  fs.writeFileSync(
    path.join(WORK_DIR, '.gitignore'),
    '# Local state of scripts/start.mjs (demo cluster); disposable.\n*\n',
  );
}

function writePids() {
  try {
    ensureWorkDir();
    const list = [...children]
      .filter(([c]) => c.pid)
      .map(([c, m]) => ({ pgid: c.pid, name: m.name }));
    fs.writeFileSync(
      PIDS_FILE,
      JSON.stringify(
        { pid: process.pid, demo: DEMO_ENABLED, children: list },
        null,
        2,
      ),
    );
  } catch {
    // best effort: only --stop reads it
  }
}

function signalGroupId(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

function signalGroup(child, signal) {
  signalGroupId(child.pid, signal);
}

function demoClusterEnv() {
  return {
    ...env,
    ...DEMO_CLUSTER_CONFIG,
    WIDE_EP_CP_STATE_DIR: DEMO.stateDir,
  };
}

/** Stops the demo cluster's daemons (detached, not our children). */
function demoClusterDown() {
  if (!fs.existsSync(DEMO.stateDir)) return;
  log('stopping the demo cluster (test/cluster/control-plane/down)');
  const r = spawnSync(path.join(CONTROL_PLANE_DIR, 'down'), [], {
    cwd: ROOT,
    env: demoClusterEnv(),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0)
    fail(
      `test/cluster/control-plane/down exited ${r.status}; check ${DEMO.stateDir}`,
    );
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stop(code) {
  if (stopping) return;
  stopping = true;
  // Every group we started, including children that already exited: their
  // own children (the backend under the CLI) may still be shutting down.
  const groups = [...spawnedGroups];
  for (const pgid of groups) signalGroupId(pgid, 'SIGTERM');
  const deadline = Date.now() + 10000;
  while (groups.some(groupAlive) && Date.now() < deadline) await sleep(100);
  for (const pgid of groups.filter(groupAlive)) signalGroupId(pgid, 'SIGKILL');
  if (DEMO_ENABLED) demoClusterDown();
  fs.rmSync(PIDS_FILE, { force: true });
  process.exit(code);
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
process.on('SIGHUP', () => stop(0));

// ------------------------------------------------------------- helpers ---

/**
 * Applies the sample entity's manifests (examples/wide-ep-sample) to the
 * demo cluster with the generator's field manager, so a first visit to the
 * sample's page shows live ranks. A failure is reported, not fatal.
 */
function deploySample(kubeconfig) {
  const r = spawnSync(
    path.join(CLUSTER_DIR, '.bin', 'kubectl'),
    [
      '--kubeconfig',
      kubeconfig,
      'apply',
      '--server-side',
      `--field-manager=${FIELD_MANAGER}`,
      '-k',
      DEMO.sample,
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (r.status === 0) {
    log(
      `sample deployment applied to local-demo (${path.relative(
        ROOT,
        DEMO.sample,
      )}: ${r.stdout.trim().split('\n').length} objects); its pods start now`,
    );
  } else {
    fail(
      `could not apply the sample deployment: ${(r.stderr || r.stdout).trim()}`,
    );
  }
}

async function ok(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    return res.ok;
  } catch {
    return false;
  }
}

async function waitFor(what, check, timeoutMs = READY_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    if (await check()) return true;
    await sleep(1000);
  }
  if (!stopping) {
    fail(
      `${what} did not become ready within ${Math.round(
        timeoutMs / 60000,
      )} minutes.`,
    );
    await stop(1);
  }
  return false;
}

function portInUse(port) {
  return new Promise(resolve => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

function configArgs() {
  const files = ['app-config.yaml', 'app-config.demo.yaml'];
  // Passing --config replaces the default list, so keep the local overrides.
  if (fs.existsSync(path.join(ROOT, 'app-config.local.yaml')))
    files.push('app-config.local.yaml');
  return files.flatMap(f => ['--config', path.join(ROOT, f)]);
}

// ----------------------------------------------------------------- stop ---

const alive = pid => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const cmdline = pid => {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
};

/** `--stop`: ends a start.mjs left running (SIGINT, as Ctrl-C), then anything it left behind. */
async function stopLeftovers(onlyPid) {
  let state;
  try {
    state = JSON.parse(fs.readFileSync(PIDS_FILE, 'utf8'));
  } catch {
    state = undefined;
  }
  if (onlyPid !== undefined && state?.pid !== onlyPid) {
    log(`nothing to stop: no leftovers of start.mjs pid ${onlyPid}`);
    return;
  }
  if (state && alive(state.pid) && cmdline(state.pid).includes('start.mjs')) {
    log(`stopping start.mjs (pid ${state.pid})`);
    process.kill(state.pid, 'SIGINT');
    const deadline = Date.now() + 90000;
    while (alive(state.pid) && Date.now() < deadline) await sleep(250);
  }
  for (const { pgid, name } of state?.children ?? []) {
    const leader = cmdline(pgid);
    if (
      leader &&
      !/backstage-cli|wide-ep-demo-operator|cluster\/up|control-plane\/up|node/.test(
        leader,
      )
    )
      continue; // pid reused
    try {
      process.kill(-pgid, 'SIGTERM');
      log(`stopped leftover ${name} (process group ${pgid})`);
    } catch {
      continue; // group gone
    }
    await sleep(3000);
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  demoClusterDown();
  fs.rmSync(PIDS_FILE, { force: true });
}

if (process.argv.includes('--stop')) {
  const at = process.argv.indexOf('--pid');
  await stopLeftovers(at > 0 ? Number(process.argv[at + 1]) : undefined);
  process.exit(0);
}

// ---------------------------------------------------------------- start ---

const busy = [];
for (const port of [3000, 7007, ...(DEMO_ENABLED ? [DEMO.controlPort] : [])]) {
  if (await portInUse(port)) busy.push(port);
}
if (busy.length) {
  fail(
    `port ${busy.join(
      ', ',
    )} already in use: is another "npm start" (or the e2e suite) running? Stop it first.`,
  );
  process.exit(1);
}

const started = Date.now();
const since = () => `${Math.round((Date.now() - started) / 1000)} s`;

if (!DEMO_ENABLED) {
  run('Backstage', 'backstage-cli', ['repo', 'start']);
  if (
    await waitFor(
      'Backstage',
      async () => (await ok(BACKEND_READY)) && (await ok(FRONTEND)),
    )
  ) {
    log(
      `Backstage is ready after ${since()}: ${FRONTEND}  (sign in as guest; Ctrl-C stops it)\n`,
    );
  }
} else {
  await startWithDemo();
}

async function startWithDemo() {
  // The demo is disposable: a fresh cluster each time, and no leftover
  // entities (apply-only rollouts register theirs in the wide-EP backend
  // plugin's database, in memory with app-config.yaml's SQLite).
  ensureWorkDir();
  demoClusterDown();

  // test/cluster/up generates the admin token itself unless it accepts one
  // from us; only then can the backend start before the cluster is up.
  const upScript = fs.readFileSync(path.join(CLUSTER_DIR, 'up'), 'utf8');
  const injectable = upScript.includes('WIDE_EP_CLUSTER_ADMIN_TOKEN');
  const chosenToken = injectable ? randomBytes(32).toString('hex') : undefined;
  const coldBuild = ![
    'kube-apiserver',
    'kube-scheduler',
    'lws-controller',
    'kwok',
  ].every(binary => fs.existsSync(path.join(CLUSTER_DIR, '.bin', binary)));
  if (coldBuild) {
    log(
      'first run: test/cluster/build compiles etcd, kube-apiserver, kube-scheduler, kube-controller-manager, kubectl, the LWS controller and kwok from Go modules (about 15 minutes on 2 cores, cached in test/cluster/.bin).',
    );
  }

  log(
    `starting the demo cluster (test/cluster/control-plane/up, state ${path.relative(
      ROOT,
      DEMO.stateDir,
    )}, API server port ${DEMO.apiserverPort})`,
  );
  let upOutput = '';
  const up = run(
    'test/cluster/control-plane/up (demo cluster)',
    path.join(CONTROL_PLANE_DIR, 'up'),
    [],
    {
      env: {
        ...demoClusterEnv(),
        ...(chosenToken ? { WIDE_EP_CLUSTER_ADMIN_TOKEN: chosenToken } : {}),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
      expectExit: true,
    },
  );
  up.stdout.on('data', chunk => {
    upOutput += chunk;
  });
  const clusterUp = new Promise(resolve =>
    up.on('exit', code => code === 0 && resolve()),
  );

  log('starting the Backstage frontend (compiles in the background)');
  run('Backstage frontend', 'backstage-cli', [
    'repo',
    'start',
    'packages/app',
    ...configArgs(),
  ]);

  const backendEnv = token => ({
    ...env,
    WIDE_EP_DEMO_TOKEN: token,
    WIDE_EP_DEMO_CA_FILE: path.join(DEMO.stateDir, 'ca.crt'),
    WIDE_EP_DEMO_APISERVER_URL: `https://127.0.0.1:${DEMO.apiserverPort}`,
  });
  let backend;
  const startBackend = token => {
    log('starting the Backstage backend');
    backend = run(
      'Backstage backend',
      'backstage-cli',
      ['repo', 'start', 'packages/backend', ...configArgs()],
      { env: backendEnv(token) },
    );
  };
  let demoReady = false;
  if (chosenToken) {
    startBackend(chosenToken);
    // Backstage may be up long before a first-run cluster build is done.
    (async () => {
      while (!stopping && !demoReady) {
        if ((await ok(BACKEND_READY)) && (await ok(FRONTEND))) {
          if (!demoReady) {
            log(
              `Backstage is up after ${since()}: ${FRONTEND} (the local demo cluster is still starting${
                coldBuild ? '; first run builds it' : ''
              }; "Ready" follows)`,
            );
          }
          return;
        }
        await sleep(2000);
      }
    })();
  } else {
    log(
      'the backend starts once the demo cluster is up (test/cluster/up generates its admin token)',
    );
  }

  await clusterUp;
  if (stopping) return;
  const kubeconfig = upOutput.trim().split('\n').pop();
  const token = fs
    .readFileSync(path.join(DEMO.stateDir, 'admin.token'), 'utf8')
    .trim();
  fs.writeFileSync(
    path.join(DEMO.stateDir, DEMO_MARKER_FILE),
    'SIMULATED local demo cluster of scripts/start.mjs; test/demo acts only on clusters with this file.\n',
  );
  log(
    `demo cluster is up after ${since()} (kubeconfig ${path.relative(
      ROOT,
      kubeconfig,
    )})`,
  );
  if (!backend) {
    startBackend(token);
  } else if (token !== chosenToken) {
    log(
      'the demo cluster kept another admin token; restarting the backend with it',
    );
    const old = backend;
    const meta = children.get(old);
    if (meta) meta.retired = true;
    signalGroup(old, 'SIGTERM');
    await new Promise(resolve =>
      old.exitCode !== null || old.signalCode !== null
        ? resolve()
        : old.once('exit', resolve),
    );
    startBackend(token);
  }

  run('demo operator (test/demo)', process.execPath, [
    path.join(ROOT, 'test', 'demo', 'bin', 'wide-ep-demo-operator'),
    '--state-dir',
    DEMO.stateDir,
    '--namespaces',
    DEMO.namespaces,
    '--control-port',
    String(DEMO.controlPort),
  ]);
  const control = `http://127.0.0.1:${DEMO.controlPort}`;
  if (
    !(await waitFor(
      'the demo operator',
      () => ok(`${control}/healthz`),
      5 * 60 * 1000,
    ))
  )
    return;
  demoReady = true;
  log(`demo operator is ready after ${since()}`);
  deploySample(kubeconfig);

  if (
    !(await waitFor(
      'Backstage',
      async () => (await ok(BACKEND_READY)) && (await ok(FRONTEND)),
    ))
  )
    return;
  console.log(`
[start] ──────────────────────────────────────────────────────────────────
[start] Ready after ${since()}: ${FRONTEND}  (sign in as guest; Ctrl-C stops everything)
[start] Local demo cluster "local-demo" at https://127.0.0.1:${
    DEMO.apiserverPort
  }: SIMULATED GPUs
[start]   real scheduler, controller-manager and LWS controller; SIMULATED: kwok GPU nodes
[start]   (gb200-NN-<rack>, h200-NN, b200-NN), Grove, ComputeDomain and gateway controllers,
[start]   vLLM ranks on the pods' loopback IPs (127.64.x.x); no real model runs
[start]   sample deployment: ${FRONTEND}/catalog/default/component/wide-ep-sample
[start]   kubeconfig ${kubeconfig}
[start]   control endpoint ${control}/pods  (POST /ranks/<ns>/<pod>/<port>/kill|heal)
[start] ──────────────────────────────────────────────────────────────────
`);
}
