/*
 * A memory cgroup for a benchmark child: the kernel enforces its limit as
 * it enforces a container's (Kubernetes resources.limits.memory is this
 * cgroup setting), and Node.js sizes V8's heap from it
 * (process.constrainedMemory()) as it does in a container. Without it, V8
 * on this 24 GiB machine let the backend's heap reach 390 MiB for 112-123
 * MiB of live data before a full collection (RSS 640 MiB), which no
 * deployed backend would be allowed.
 *
 * cgroup v1 (memory.limit_in_bytes, as on this machine) or v2 (memory.max),
 * created under the benchmark's own memory cgroup. Needs write access to
 * the cgroup file system (root here).
 */
import fs from 'node:fs';
import path from 'node:path';

/** A memory cgroup the benchmark made, and what the kernel counted in it. */
export interface MemoryCgroup {
  limitBytes: number;
  /** The file a process writes its PID to, to enter the cgroup. */
  procsFile: string;
  /** The kernel's peak of the cgroup's memory (RSS and page cache), if it says. */
  peakBytes(): number | undefined;
  /** Processes the kernel killed for reaching the limit, if it says. */
  oomKills(): number | undefined;
  /** Removes the cgroup (its processes must have exited). */
  remove(): void;
}

function readNumber(file: string, key?: string): number | undefined {
  try {
    const text = fs.readFileSync(file, 'utf8');
    if (!key) return Number(text.trim());
    const line = text.split('\n').find(l => l.startsWith(`${key} `));
    return line ? Number(line.split(' ')[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Makes a memory cgroup limited to `limitBytes`, beside nothing else. */
export function createMemoryCgroup(
  name: string,
  limitBytes: number,
): MemoryCgroup {
  const own = fs.readFileSync('/proc/self/cgroup', 'utf8').split('\n');
  const v1 = own.find(l => /^\d+:([^:]*,)?memory(,[^:]*)?:/.test(l));
  if (v1 && fs.existsSync('/sys/fs/cgroup/memory/memory.limit_in_bytes')) {
    const dir = path.join(
      '/sys/fs/cgroup/memory',
      v1.slice(v1.lastIndexOf(':') + 1),
      name,
    );
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'memory.limit_in_bytes'),
      String(limitBytes),
    );
    // Swap must not stretch the limit (memsw is memory plus swap).
    const memsw = path.join(dir, 'memory.memsw.limit_in_bytes');
    if (fs.existsSync(memsw)) fs.writeFileSync(memsw, String(limitBytes));
    return {
      limitBytes,
      procsFile: path.join(dir, 'cgroup.procs'),
      peakBytes: () => readNumber(path.join(dir, 'memory.max_usage_in_bytes')),
      oomKills: () =>
        readNumber(path.join(dir, 'memory.oom_control'), 'oom_kill'),
      remove: () => fs.rmdirSync(dir),
    };
  }
  const v2 = own.find(l => l.startsWith('0::'));
  if (v2 && fs.existsSync('/sys/fs/cgroup/cgroup.controllers')) {
    const dir = path.join('/sys/fs/cgroup', v2.slice(3), name);
    fs.mkdirSync(dir, { recursive: true });
    if (!fs.existsSync(path.join(dir, 'memory.max')))
      throw new Error(
        `the memory controller is not enabled for ${dir} (cgroup v2: add +memory to the parent's cgroup.subtree_control)`,
      );
    fs.writeFileSync(path.join(dir, 'memory.max'), String(limitBytes));
    fs.writeFileSync(path.join(dir, 'memory.swap.max'), '0');
    return {
      limitBytes,
      procsFile: path.join(dir, 'cgroup.procs'),
      peakBytes: () => readNumber(path.join(dir, 'memory.peak')),
      oomKills: () => readNumber(path.join(dir, 'memory.events'), 'oom_kill'),
      remove: () => fs.rmdirSync(dir),
    };
  }
  throw new Error(
    'no writable memory cgroup (neither /sys/fs/cgroup/memory nor a cgroup v2 memory controller): set BENCH_BACKEND_MEMORY_LIMIT_MB=0 to run the backend without a memory limit',
  );
}
