/*
 * One replica of packages/backend as its own process, started from source
 * the way `backstage-cli package start` runs it (node with the CLI's
 * TypeScript transform) minus the file watcher, which would restart a
 * replica in the middle of a test whenever a source file changes. In its
 * own process group, so a test can SIGKILL the replica with everything it
 * started, as a node failure would.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

// Test-only code that is never bundled, so __dirname is the source dir.
// eslint-disable-next-line no-restricted-syntax
export const REPO_ROOT = path.resolve(__dirname, '../../..');
const BACKEND_DIR = path.join(REPO_ROOT, 'packages', 'backend');

/** A running backend process. */
export interface BackendReplica {
  readonly name: string;
  readonly baseUrl: string;
  readonly pid: number;
  readonly logFile: string;
  /** Everything it printed so far. */
  log(): string;
  /** Whether the process has exited. */
  exited(): boolean;
  /** SIGKILL to the whole process group: no shutdown hooks, no goodbyes. */
  kill(): Promise<void>;
  /** SIGTERM (graceful shutdown), SIGKILL after 20 s. */
  stop(): Promise<void>;
}

/** Jest's variables (NODE_ENV=test among them) are not the backend's. */
function backendEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${path.join(REPO_ROOT, 'node_modules', '.bin')}${path.delimiter}${
      process.env.PATH ?? ''
    }`,
    FORCE_COLOR: '0',
  };
  for (const key of Object.keys(env)) {
    if (key === 'NODE_ENV' || key === 'BABEL_ENV' || key.startsWith('JEST_'))
      delete env[key];
  }
  return { ...env, ...extra };
}

/**
 * Starts packages/backend with `--config` for each file (relative paths in
 * them resolve against packages/backend) and resolves once
 * `/.backstage/health/v1/readiness` answers 200.
 */
export async function startBackendReplica(options: {
  name: string;
  port: number;
  configFiles: string[];
  logFile: string;
  readyTimeoutMs: number;
  env?: NodeJS.ProcessEnv;
}): Promise<BackendReplica> {
  const { name, port, logFile, readyTimeoutMs } = options;
  const baseUrl = `http://127.0.0.1:${port}`;
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = fs.createWriteStream(logFile);
  let output = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--enable-source-maps',
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      'src/index.ts',
      ...options.configFiles.flatMap(f => ['--config', f]),
    ],
    {
      cwd: BACKEND_DIR,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: backendEnv(options.env ?? {}),
    },
  );
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > 8_000_000) output = output.slice(-4_000_000);
    out.write(chunk);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  let exitedWith: string | undefined;
  const exited = new Promise<void>(resolve =>
    child.once('exit', (code, signal) => {
      exitedWith = String(code ?? signal);
      resolve();
    }),
  );
  // A test process that dies leaves no replica behind.
  const killOnExit = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  };
  process.once('exit', killOnExit);

  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // gone already
    }
  };
  const kill = async () => {
    signalGroup('SIGKILL');
    await exited;
  };
  const stop = async () => {
    process.off('exit', killOnExit);
    if (exitedWith === undefined) {
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    // Children of the group (none expected) go too.
    signalGroup('SIGKILL');
    await new Promise(resolve => out.end(resolve));
  };

  const started = Date.now();
  for (;;) {
    let failed: string | undefined;
    if (exitedWith !== undefined) failed = `exited with ${exitedWith}`;
    else if (/Backend startup failed|Plugin '.*' startup failed/.test(output))
      failed = 'startup failed';
    let status: number | string = 'no answer';
    if (!failed) {
      try {
        status = (
          await fetch(`${baseUrl}/.backstage/health/v1/readiness`, {
            signal: AbortSignal.timeout(5_000),
          })
        ).status;
      } catch (error) {
        status = (error as Error).message;
      }
      if (status === 200) break;
    }
    if (failed || Date.now() - started > readyTimeoutMs) {
      await stop();
      throw new Error(
        `backend replica ${name} (${baseUrl}) did not become ready (${
          failed ?? `readiness: ${status} after ${readyTimeoutMs} ms`
        }; log: ${logFile}); its last lines:\n${output
          .split('\n')
          .slice(-25)
          .join('\n')
          .slice(-6000)}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
  return {
    name,
    baseUrl,
    pid: child.pid!,
    logFile,
    log: () => output,
    exited: () => exitedWith !== undefined,
    kill,
    stop,
  };
}
