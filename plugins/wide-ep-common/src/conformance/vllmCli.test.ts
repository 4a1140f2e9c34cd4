/*
 * Every vLLM command line the generator emits, as each pod actually runs
 * it, against the CLI of the vLLM release the image carries
 * (VERSION_SET.vllm.version), recorded from vLLM's own parser by
 * scripts/record-vllm-interface.sh.
 *
 * The container's script runs in real bash, exactly as
 * `command: [/bin/bash, -c]` runs it, with the container's env and the env
 * the operator injects into that pod (LWS webhook, Grove). PATH holds only
 * two stubs: `vllm` writes its argv to a file, `find` does nothing (the
 * script clears /dev/shm, which must never touch the test machine's).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GROVE_GB200_SEED, LWS_H200_SEED } from '../seeds';
import { parseSpec, WideEpSpec, WideEpSpecInput } from '../spec';
import { allVariants } from '../variants';
import { VERSION_SET } from '../versionSet';
import { renderDeployment } from '../render';
import {
  VllmInterface,
  flagValue,
  vllmArgvProblems,
  vllmEnvProblems,
} from './vllmInterface';

const record: VllmInterface = JSON.parse(
  fs.readFileSync(
    path.resolve(
      // eslint-disable-next-line no-restricted-syntax
      __dirname,
      `../../interfaces/vllm/vllm-${VERSION_SET.vllm.version}.json`,
    ),
    'utf8',
  ),
);

const label = (s: WideEpSpec) =>
  `${s.orchestrator}/${s.hardware}/${s.clusterProvider}/${s.gateway}/${
    s.rankPorts ? 'ports' : 'hybrid'
  }`;

/** One pod as its operator would start it. */
interface PodRun {
  variant: string;
  workload: string;
  pod: string;
  container: any;
  operatorEnv: Record<string, string>;
  /** The start rank the operator's layout implies for this pod. */
  expectedStartRank: number;
}

function podRuns(variant: string, spec: WideEpSpec): PodRun[] {
  const runs: PodRun[] = [];
  const L = spec.hardware === 'gb200' ? 4 : 8;
  for (const o of renderDeployment(spec).objects as any[]) {
    if (o.kind === 'LeaderWorkerSet') {
      const name = o.metadata.name;
      const size = o.spec.leaderWorkerTemplate.size;
      const container =
        o.spec.leaderWorkerTemplate.workerTemplate.spec.containers.find(
          (c: any) => c.name === 'vllm',
        );
      for (let i = 0; i < size; i++)
        runs.push({
          variant,
          workload: `LeaderWorkerSet/${name}`,
          pod: i === 0 ? `${name}-0` : `${name}-0-${i}`,
          container,
          // What the LWS pod webhook injects (lws pkg/webhooks/pod_webhook.go).
          operatorEnv: {
            LWS_LEADER_ADDRESS: `${name}-0.${name}.${spec.namespace}`,
            LWS_GROUP_SIZE: String(size),
            LWS_WORKER_INDEX: String(i),
            LWS_NAME: name,
          },
          expectedStartRank: i * L,
        });
    }
    if (o.kind === 'PodCliqueSet') {
      const pcs = `${o.metadata.name}-0`;
      const groups = o.spec.template.podCliqueScalingGroups ?? [];
      for (const clique of o.spec.template.cliques) {
        const sg = groups.find((g: any) => g.cliqueNames.includes(clique.name));
        const container = clique.spec.podSpec.containers.find(
          (c: any) => c.name === 'vllm',
        );
        const cliqueName = sg
          ? `${pcs}-${sg.name}-0-${clique.name}`
          : `${pcs}-${clique.name}`;
        const leader = sg && clique.name === sg.cliqueNames[0];
        for (let i = 0; i < clique.spec.replicas; i++)
          runs.push({
            variant,
            workload: `PodCliqueSet/${o.metadata.name} clique ${clique.name}`,
            pod: `${cliqueName}-${i}`,
            container,
            // What the Grove operator injects (rank-health.md §3).
            operatorEnv: {
              GROVE_PCS_NAME: o.metadata.name,
              GROVE_PCS_INDEX: '0',
              GROVE_PCLQ_NAME: cliqueName,
              GROVE_PCLQ_POD_INDEX: String(i),
              GROVE_HEADLESS_SERVICE: `${pcs}.${spec.namespace}.svc.cluster.local`,
              ...(sg
                ? {
                    GROVE_PCSG_NAME: `${pcs}-${sg.name}`,
                    GROVE_PCSG_INDEX: '0',
                    GROVE_PCSG_TEMPLATE_NUM_PODS: String(
                      o.spec.template.cliques
                        .filter((c: any) => sg.cliqueNames.includes(c.name))
                        .reduce((n: number, c: any) => n + c.spec.replicas, 0),
                    ),
                  }
                : {}),
            },
            expectedStartRank: !sg || leader ? 0 : (i + 1) * L,
          });
      }
    }
  }
  return runs;
}

const stubDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wide-ep-vllm-stub-'));
afterAll(() => fs.rmSync(stubDir, { recursive: true, force: true }));
fs.writeFileSync(
  path.join(stubDir, 'vllm'),
  '#!/bin/bash\nprintf \'%s\\0\' "$@" > "$WIDE_EP_ARGV_FILE"\n',
  { mode: 0o755 },
);
fs.writeFileSync(path.join(stubDir, 'find'), '#!/bin/bash\nexit 0\n', {
  mode: 0o755,
});

/** Runs the container's script in bash and returns the argv vLLM got. */
function runScript(run: PodRun): string[] {
  const argvFile = path.join(stubDir, `argv-${process.pid}`);
  fs.rmSync(argvFile, { force: true });
  const env: Record<string, string> = {};
  for (const e of run.container.env ?? []) {
    // Secrets and the downward API are the kubelet's: stand-ins here.
    env[e.name] = e.value ?? (e.valueFrom?.fieldRef ? '10.0.0.1' : 'stand-in');
  }
  const result = spawnSync(
    run.container.command[0],
    [...run.container.command.slice(1), ...run.container.args],
    {
      env: {
        ...env,
        ...run.operatorEnv,
        PATH: stubDir,
        WIDE_EP_ARGV_FILE: argvFile,
      },
      encoding: 'utf8',
      timeout: 10_000,
    },
  );
  if (result.status !== 0)
    throw new Error(
      `${run.variant} ${run.workload} pod ${run.pod}: the script exited ${result.status}: ${result.stderr}`,
    );
  return fs.readFileSync(argvFile, 'utf8').split('\0').slice(0, -1);
}

describe(`vLLM ${VERSION_SET.vllm.version} command lines, as every pod runs them`, () => {
  it('records the vLLM release the images carry', () => {
    expect(record.provenance.version).toBe(VERSION_SET.vllm.version);
    expect(Object.keys(record.options).length).toBeGreaterThan(100);
    expect(record.options['--data-parallel-size']?.takesValue).toBe(true);
  });

  it('every flag, value and VLLM_ variable of every variant and both seeds is one vLLM accepts', () => {
    const inputs: WideEpSpecInput[] = [
      ...allVariants(),
      GROVE_GB200_SEED,
      LWS_H200_SEED,
    ];
    const problems: string[] = [];
    const cache = new Map<string, string[]>();
    let lines = 0;
    let flags = 0;
    let bashRuns = 0;
    const started = Date.now();
    for (const input of inputs) {
      const parsed = parseSpec(input);
      if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
      for (const run of podRuns(label(parsed.spec), parsed.spec)) {
        const where = `${run.variant} ${run.workload} container vllm pod ${run.pod}`;
        const key = JSON.stringify([run.container, run.operatorEnv]);
        let argv = cache.get(key);
        if (!argv) {
          argv = runScript(run);
          cache.set(key, argv);
          bashRuns++;
        }
        lines++;
        flags += argv.filter(a => a.startsWith('--')).length;
        for (const p of vllmArgvProblems(record, argv))
          problems.push(`${where}: ${p}`);
        for (const p of vllmEnvProblems(
          record,
          (run.container.env ?? []).map((e: any) => e.name),
        ))
          problems.push(`${where}: ${p}`);
        const start = flagValue(argv, '--data-parallel-start-rank');
        if (start !== String(run.expectedStartRank))
          problems.push(
            `${where}: --data-parallel-start-rank ${start}, expected ${run.expectedStartRank}`,
          );
      }
    }
    // eslint-disable-next-line no-console
    console.log(
      `vLLM ${
        record.provenance.version
      }: ${lines} pod command lines (${bashRuns} distinct bash runs), ${flags} flags checked in ${
        Date.now() - started
      } ms`,
    );
    expect(problems).toEqual([]);
    expect(lines).toBeGreaterThan(500);
  });
});

describe('the checker can fail', () => {
  const good = ['serve', 'deepseek-ai/DeepSeek-R1-0528', '--port', '8000'];

  it('passes a good command line, in either underscore or dash spelling', () => {
    expect(vllmArgvProblems(record, good)).toEqual([]);
    expect(
      vllmArgvProblems(record, [...good, '--tensor_parallel_size', '1']),
    ).toEqual([]);
  });

  it('names an unknown flag', () => {
    expect(vllmArgvProblems(record, [...good, '--made-up-flag', '1'])).toEqual([
      `unknown flag --made-up-flag (vLLM ${VERSION_SET.vllm.version})`,
      'unexpected argument "1"',
    ]);
  });

  it('names a value outside the choices', () => {
    expect(
      vllmArgvProblems(record, [...good, '--all2all-backend', 'nonsense']),
    ).toEqual([
      expect.stringMatching(
        /^--all2all-backend nonsense: not one of .*deepep_low_latency/,
      ),
    ]);
  });

  it('names a missing value, a value on a boolean flag and bad JSON', () => {
    expect(vllmArgvProblems(record, [...good, '--port'])).toEqual([
      '--port needs a value',
    ]);
    expect(vllmArgvProblems(record, [...good, '--enable-dbo=yes'])).toEqual([
      '--enable-dbo takes no value, got "yes"',
    ]);
    expect(
      vllmArgvProblems(record, [...good, '--kv-transfer-config', '{bad']),
    ).toEqual(['--kv-transfer-config: not JSON: {bad']);
  });

  it('names an unknown VLLM_ variable and ignores others', () => {
    expect(
      vllmEnvProblems(record, [
        'VLLM_FOO_BAR',
        'VLLM_LOGGING_LEVEL',
        'HF_TOKEN',
      ]),
    ).toEqual([
      `unknown environment variable VLLM_FOO_BAR (vLLM ${VERSION_SET.vllm.version} does not read it)`,
    ]);
  });
});
