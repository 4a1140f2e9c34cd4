/*
 * Starts an installed backend the way the container image does
 * (`node <backend dir> --config ...`, NODE_ENV=production) and stops it.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { toolEnv } from './packPlugins';

export interface RunningBackend {
  baseUrl: string;
  /** Everything the backend printed so far. */
  log(): string;
  stop(): Promise<void>;
}

export async function startBackend(options: {
  dir: string;
  port: number;
  configFile: string;
  logFile: string;
  readyTimeoutMs: number;
}): Promise<RunningBackend> {
  const { dir, port, configFile, logFile, readyTimeoutMs } = options;
  const baseUrl = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn('node', ['.', '--config', configFile], {
    cwd: dir,
    env: toolEnv({ NODE_ENV: 'production' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited: string | undefined;
  child.on('exit', (code, signal) => {
    exited = `exited with ${code ?? signal}`;
  });

  const stop = async () => {
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    fs.writeFileSync(logFile, output);
    if (exited) return;
    const gone = new Promise(resolve => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  };

  // Backstage keeps the process alive after a plugin fails to start; its
  // log line is the earliest sign.
  const started = Date.now();
  for (;;) {
    const failed =
      exited ??
      (output.includes('Backend startup failed')
        ? 'startup failed'
        : undefined);
    let status: number | string = 'no answer';
    if (!failed) {
      try {
        status = (await fetch(`${baseUrl}/.backstage/health/v1/readiness`))
          .status;
      } catch (error) {
        status = (error as Error).message;
      }
      if (status === 200) break;
    }
    if (failed || Date.now() - started > readyTimeoutMs) {
      await stop();
      throw new Error(
        `the packed backend at ${baseUrl} did not become ready (${
          failed ?? `readiness: ${status} after ${readyTimeoutMs} ms`
        }; full log: ${logFile}); its errors and warnings:\n${output
          .split('\n')
          .filter(line => /"level":"(error|warn)"|Error/.test(line))
          .slice(-15)
          .join('\n')
          .slice(-6000)}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
  return { baseUrl, log: () => output, stop };
}
