/**
 * Checks a `vllm serve` command line and a container's environment against
 * the interface recorded from vLLM's own argument parser
 * (interfaces/vllm/vllm-<version>.json, made by
 * scripts/record-vllm-interface.sh). Test-side code: not exported from the
 * package index.
 */

/** One option of `vllm serve` as the recorded parser declares it. */
export interface VllmOption {
  takesValue: boolean;
  choices?: string[];
  action: string;
  dest: string;
}

/** The record of one vLLM release. */
export interface VllmInterface {
  provenance: { version: string };
  positionals: string[];
  options: Record<string, VllmOption>;
  environmentVariables: string[];
  /** The Prometheus metrics vLLM exports, with the sample names a scrape shows. */
  metrics: { name: string; type: string; samples: string[] }[];
}

/** Flags whose value vLLM parses as JSON. */
const JSON_FLAGS = new Set([
  '--kv-transfer-config',
  '--compilation-config',
  '--eplb-config',
]);

/**
 * Problems of one argv as vLLM 's parser would see it: `serve`, the model,
 * then options. FlexibleArgumentParser rewrites `_` to `-` in long option
 * names, so both spellings resolve to one option.
 */
export function vllmArgvProblems(
  record: VllmInterface,
  argv: string[],
): string[] {
  const problems: string[] = [];
  if (argv[0] !== 'serve') problems.push(`expected "serve", got "${argv[0]}"`);
  let positionals = 0;
  for (let i = 1; i < argv.length; i++) {
    const token = argv[i];
    if (!token.startsWith('--')) {
      positionals++;
      if (positionals > record.positionals.length)
        problems.push(`unexpected argument "${token}"`);
      continue;
    }
    const eq = token.indexOf('=');
    const written = eq < 0 ? token : token.slice(0, eq);
    const name = `--${written.slice(2).replace(/_/g, '-')}`;
    const option = record.options[name];
    if (!option) {
      problems.push(
        `unknown flag ${written} (vLLM ${record.provenance.version})`,
      );
      continue;
    }
    if (!option.takesValue) {
      if (eq >= 0)
        problems.push(
          `${written} takes no value, got "${token.slice(eq + 1)}"`,
        );
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = token.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--'))
      value = argv[++i];
    if (value === undefined || value === '') {
      problems.push(`${written} needs a value`);
      continue;
    }
    if (option.choices && !option.choices.includes(value)) {
      problems.push(
        `${written} ${value}: not one of ${option.choices.join(', ')}`,
      );
    }
    if (JSON_FLAGS.has(name)) {
      try {
        JSON.parse(value);
      } catch (e) {
        problems.push(`${written}: not JSON: ${value}`);
      }
    }
  }
  if (positionals < 1) problems.push('no model given');
  return problems;
}

/** `VLLM_*` variables the recorded vLLM does not read. */
export function vllmEnvProblems(
  record: VllmInterface,
  names: string[],
): string[] {
  const known = new Set(record.environmentVariables);
  return names
    .filter(n => n.startsWith('VLLM_') && !known.has(n))
    .map(
      n =>
        `unknown environment variable ${n} (vLLM ${record.provenance.version} does not read it)`,
    );
}

/** Value of a flag in an argv, in either `--flag v` or `--flag=v` form. */
export function flagValue(argv: string[], flag: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === flag) return argv[i + 1];
    if (argv[i].startsWith(`${flag}=`)) return argv[i].slice(flag.length + 1);
  }
  return undefined;
}
