/**
 * A test's (or benchmark's) own control-plane cluster (test/cluster/control-plane: real
 * kube-apiserver, kube-scheduler, kube-controller-manager and
 * LeaderWorkerSet controller with its webhooks; kwok for the SIMULATED
 * nodes), in a state dir of its own (`.state-jest-<pid>`) with free ports,
 * so concurrent test files cannot stop each other's cluster. Leftovers of
 * dead runs are stopped first.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

// Test-only code that is never bundled, so __dirname is the source dir.
// eslint-disable-next-line no-restricted-syntax
const CP_DIR = path.resolve(__dirname, '../../cluster/control-plane');

/** A cold first run compiles the scheduler, controller-manager, LWS and kwok. */
export const CONTROL_PLANE_START_TIMEOUT_MS = 40 * 60 * 1000;

/** Runs a script; resolves with its stdout, stderr goes to ours. @public */
export function runScript(
  file: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, [], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: timeoutMs,
    });
    let out = '';
    child.stdout.on('data', d => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code, signal) =>
      code === 0
        ? resolve(out)
        : reject(new Error(`${file} exited with ${code ?? signal}`)),
    );
  });
}

/** A TCP port free on 127.0.0.1 right now. @public */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Whether a process exists (signal 0). @public */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A started cluster: its admin kubeconfig and how to stop it. */
export interface OwnControlPlane {
  kubeconfigPath: string;
  stop(): Promise<void>;
}

/**
 * Starts a control-plane cluster of this test file. `config` sets keys of
 * test/cluster/control-plane/config.env (node pools, pod stages, pod CIDR).
 */
export async function startOwnControlPlane(
  config: Record<string, string> = {},
): Promise<OwnControlPlane> {
  for (const entry of fs.readdirSync(CP_DIR)) {
    const m = /^\.state-jest-(\d+)$/.exec(entry);
    if (m && !pidAlive(Number(m[1]))) {
      const env = {
        ...process.env,
        WIDE_EP_CP_STATE_DIR: path.join(CP_DIR, entry),
      };
      await runScript(path.join(CP_DIR, 'down'), env, 120_000).catch(e =>
        console.warn(`could not stop the leftover cluster ${entry}: ${e}`),
      );
    }
  }
  const env = {
    ...process.env,
    // Test files run side by side on Jest workers, each with a control plane
    // of its own; with one pod CIDR their kwoks hand out the same loopback
    // IPs, and one file's backend can probe another file's simulated ranks
    // (wrong load, probes counted where nobody looks). One /16 per worker.
    CP_POD_CIDR: `127.${64 + Number(process.env.JEST_WORKER_ID ?? 0)}.0.0/16`,
    ...config,
    WIDE_EP_CP_STATE_DIR: path.join(CP_DIR, `.state-jest-${process.pid}`),
    CP_APISERVER_PORT: String(await freePort()),
    CP_ETCD_PORT: String(await freePort()),
    CP_ETCD_PEER_PORT: String(await freePort()),
    CP_LWS_WEBHOOK_PORT: String(await freePort()),
  };
  const stop = async () => {
    await runScript(path.join(CP_DIR, 'down'), env, 120_000);
  };
  try {
    const out = await runScript(
      path.join(CP_DIR, 'up'),
      env,
      CONTROL_PLANE_START_TIMEOUT_MS,
    );
    const kubeconfigPath = out.trim().split('\n').pop() ?? '';
    if (!kubeconfigPath || !fs.existsSync(kubeconfigPath)) {
      throw new Error(
        `control-plane cluster did not come up (kubeconfig "${kubeconfigPath}")`,
      );
    }
    return { kubeconfigPath, stop };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}
