import {
  formatIssues,
  planTopology,
  renderDeployment,
  specWarnings,
} from '@internal/plugin-wide-ep-common';
import { readSpecFile } from './readSpecFile';
import { writeFolder } from './writeFolder';
import { benchRender } from './bench';
import path from 'node:path';

/** Where the CLI writes; injected so tests need no process. @public */
export interface CliIo {
  stdout(s: string): void;
  stderr(s: string): void;
  cwd: string;
}

const USAGE = `Usage:
  wide-ep validate --spec <file.yaml>
  wide-ep render   --spec <file.yaml> --out <dir> [--force]
  wide-ep bench    [--rounds <n>]
`;

function parseArgs(args: string[]): {
  command?: string;
  flags: Record<string, string | true>;
  error?: string;
} {
  const [command, ...rest] = args;
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith('--'))
      return { command, flags, error: `unexpected argument "${a}"` };
    const key = a.slice(2);
    if (key === 'force') flags.force = true;
    else if (i + 1 < rest.length && !rest[i + 1].startsWith('--'))
      flags[key] = rest[++i];
    else return { command, flags, error: `--${key} needs a value` };
  }
  return { command, flags };
}

/**
 * The `wide-ep` command line: validate a spec, render its folder, or
 * benchmark the renderer. Returns the exit code. The package's `./cli`
 * entry point, which `bin/wide-ep` runs once packed.
 * @public
 */
export async function main(args: string[], io: CliIo): Promise<number> {
  const { command, flags, error } = parseArgs(args);
  if (error || !command || ['-h', '--help', 'help'].includes(command)) {
    (error ? io.stderr : io.stdout)(
      `${error ? `wide-ep: ${error}\n` : ''}${USAGE}`,
    );
    return error || !command ? 2 : 0;
  }
  if (command === 'bench') {
    const rounds = Number(flags.rounds ?? 5);
    if (!Number.isInteger(rounds) || rounds < 1) {
      io.stderr('wide-ep: --rounds must be a positive whole number\n');
      return 2;
    }
    benchRender(1); // warm-up: JIT and module initialisation are not what we measure
    const r = benchRender(rounds);
    io.stdout(
      `render+validate ${r.variants} variants x ${r.rounds} rounds\n` +
        `  total per round: ${r.totalMsPerRound.toFixed(
          1,
        )} ms (target < 1000 ms)\n` +
        `  per variant: median ${r.medianMs.toFixed(
          2,
        )} ms, p95 ${r.p95Ms.toFixed(2)} ms, max ${r.maxMs.toFixed(2)} ms\n` +
        `  YAML per round: ${(r.bytesPerRound / 1024 / 1024).toFixed(1)} MiB\n`,
    );
    return 0;
  }
  if (command !== 'validate' && command !== 'render') {
    io.stderr(`wide-ep: unknown command "${command}"\n${USAGE}`);
    return 2;
  }
  if (typeof flags.spec !== 'string') {
    io.stderr(`wide-ep: --spec <file.yaml> is required\n`);
    return 2;
  }
  const read = await readSpecFile(path.resolve(io.cwd, flags.spec));
  if (!read.spec) {
    io.stderr(`${formatIssues(read.issues)}\n`);
    return 1;
  }
  const { spec } = read;
  for (const w of specWarnings(spec))
    io.stderr(`warning: ${w.path}: ${w.message}\n`);
  const plan = planTopology(spec);
  const summary =
    `${spec.name}: ${spec.orchestrator} on ${spec.hardware}, ` +
    `prefill ${plan.roles.prefill.replicas} x DP${plan.roles.prefill.dataParallelSize}, ` +
    `decode ${plan.roles.decode.replicas} x DP${plan.roles.decode.dataParallelSize}, ` +
    `${plan.totalGpus} GPUs on ${plan.totalPods} pods, ${
      plan.launchMode
    } ports ${plan.targetPorts.join(',')}`;
  if (command === 'validate') {
    io.stdout(`ok: ${summary}\n`);
    return 0;
  }
  if (typeof flags.out !== 'string') {
    io.stderr('wide-ep: --out <dir> is required\n');
    return 2;
  }
  const out = renderDeployment(spec);
  try {
    await writeFolder(path.resolve(io.cwd, flags.out), out.files, {
      force: flags.force === true,
    });
  } catch (e) {
    io.stderr(`wide-ep: ${(e as Error).message}\n`);
    return 1;
  }
  io.stdout(`wrote ${out.files.length} files to ${flags.out}: ${summary}\n`);
  return 0;
}
