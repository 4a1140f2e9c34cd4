import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The repository root (this file is test/e2e/src/startProduct.ts). */
// eslint-disable-next-line no-restricted-syntax -- a test package, always run from source
export const REPO_ROOT = path.resolve(__dirname, '../../..');

/** Where screenshots and logs go (git-ignored: test/artifacts/). */
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'test', 'artifacts', 'e2e');

export const FRONTEND_URL = 'http://localhost:3000';
export const BACKEND_URL = 'http://127.0.0.1:7007';
export const CONTROL_URL = `http://127.0.0.1:${
  process.env.WIDE_EP_DEMO_CONTROL_PORT ?? 17480
}`;

/** The product as `npm start` runs it. */
export interface RunningProduct {
  /** Whether this suite started it (and so stops it). */
  readonly owned: boolean;
  /** Seconds from launch to the "Ready" line (undefined when reused). */
  readonly readySeconds?: number;
  stop(): Promise<void>;
}

const READY_LINE = /\[start\] Ready after (\d+) s/;

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * The environment of a plain `npm start`: Jest sets NODE_ENV=test (and its
 * worker variables), which would make the frontend build pick another
 * browserslist and fail.
 */
function productEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0' };
  for (const key of Object.keys(env)) {
    if (key === 'NODE_ENV' || key === 'BABEL_ENV' || key.startsWith('JEST_'))
      delete env[key];
  }
  return env;
}

function tail(text: string, lines = 40): string {
  return text.split('\n').slice(-lines).join('\n');
}

/**
 * Starts Backstage and the local demo exactly as `npm start` does
 * (`node scripts/start.mjs`, under the same Node), waits for its "Ready"
 * line and returns a handle that stops it with SIGINT, as Ctrl-C would;
 * start.mjs then stops its children and the demo cluster.
 *
 * With `WIDE_EP_E2E_REUSE=1` an already running `npm start` is used instead
 * (and left running), which saves the start-up while iterating on tests.
 */
export async function startProduct(options: {
  timeoutMs: number;
  log: (line: string) => void;
}): Promise<RunningProduct> {
  if (process.env.WIDE_EP_E2E_REUSE === '1') {
    const up =
      (await answers(`${BACKEND_URL}/.backstage/health/v1/readiness`)) &&
      (await answers(FRONTEND_URL)) &&
      (await answers(`${CONTROL_URL}/healthz`));
    if (!up)
      throw new Error(
        `WIDE_EP_E2E_REUSE=1 but no running "npm start" with the local demo answers on ${FRONTEND_URL}, ${BACKEND_URL} and ${CONTROL_URL}`,
      );
    options.log('reusing the running npm start');
    return { owned: false, stop: async () => {} };
  }

  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const logFile = path.join(ARTIFACTS_DIR, 'start.log');
  const out = fs.createWriteStream(logFile);
  const started = Date.now();
  // Own process group, so a hard kill reaches everything; SIGINT goes to start.mjs only.
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(REPO_ROOT, 'scripts', 'start.mjs')],
    {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: productEnv(),
    },
  );
  let output = '';
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 2_000_000) output = output.slice(-1_000_000);
    out.write(chunk);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>(resolve =>
    child.once('exit', code => resolve(code)),
  );
  // scripts/test-all.sh stops leftovers of exactly this start.mjs (npm start -- --stop --pid N).
  fs.writeFileSync(path.join(ARTIFACTS_DIR, 'start.pid'), `${child.pid}\n`);
  options.log(
    `started scripts/start.mjs (pid ${child.pid}); log: ${path.relative(
      REPO_ROOT,
      logFile,
    )}`,
  );

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    options.log('stopping npm start (SIGINT, as Ctrl-C)');
    child.kill('SIGINT');
    const done = await Promise.race([
      exited.then(() => true),
      new Promise<boolean>(r => setTimeout(() => r(false), 90_000)),
    ]);
    if (!done) {
      options.log(
        'start.mjs did not exit within 90 s; killing it and what it left behind',
      );
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
      spawnSync(
        process.execPath,
        [
          path.join(REPO_ROOT, 'scripts', 'start.mjs'),
          '--stop',
          '--pid',
          String(child.pid),
        ],
        { cwd: REPO_ROOT, stdio: 'inherit' },
      );
    }
    out.end();
  };

  const deadline = started + options.timeoutMs;
  let lastNote = started;
  for (;;) {
    const ready = READY_LINE.exec(output);
    if (ready) {
      const readySeconds = Math.round((Date.now() - started) / 1000);
      options.log(`npm start is ready after ${readySeconds} s`);
      return { owned: true, readySeconds, stop };
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      out.end();
      throw new Error(
        `npm start (scripts/start.mjs) exited with ${
          child.exitCode ?? child.signalCode
        } before it was ready; last output:\n${tail(output)}`,
      );
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `npm start was not ready within ${Math.round(
          options.timeoutMs / 60000,
        )} min (a cold build of the demo cluster takes ~8 min); last output:\n${tail(
          output,
        )}`,
      );
    }
    if (Date.now() - lastNote > 60_000) {
      lastNote = Date.now();
      options.log(
        `still waiting for npm start (${Math.round(
          (Date.now() - started) / 1000,
        )} s)…`,
      );
    }
    await new Promise(r => setTimeout(r, 500));
  }
}
