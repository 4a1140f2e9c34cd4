import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { main } from './main';

const seed = `
name: wide-ep
namespace: llm-d-wide-ep
model: deepseek-ai/DeepSeek-R1-0528
hardware: h200
clusterProvider: coreweave
orchestrator: lws
gateway: istio
prefill: { replicas: 1, dataParallelSize: 16 }
decode: { replicas: 1, dataParallelSize: 16 }
rankPorts: true
`;

function run(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  return main(args, {
    stdout: s => (stdout += s),
    stderr: s => (stderr += s),
    cwd,
  }).then(code => ({ code, stdout, stderr }));
}

describe('wide-ep CLI', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wide-ep-cli-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('validates a good spec with a one-line summary', async () => {
    fs.writeFileSync(path.join(dir, 'spec.yaml'), seed);
    const r = await run(['validate', '--spec', 'spec.yaml'], dir);
    expect(r).toEqual({
      code: 0,
      stdout:
        'ok: wide-ep: lws on h200, prefill 1 x DP16, decode 1 x DP16, 32 GPUs on 4 pods, supervisor ports 8000,8001,8002,8003,8004,8005,8006,8007\n',
      stderr:
        'warning: gateway: multi-port InferencePools need Istio 1.28.1 or later\n',
    });
  });

  it('refuses rank ports on kgateway, naming the field, and writes nothing', async () => {
    fs.writeFileSync(
      path.join(dir, 'spec.yaml'),
      seed.replace('gateway: istio', 'gateway: kgateway'),
    );
    const r = await run(['validate', '--spec', 'spec.yaml'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^rankPorts: is not supported by kgateway: v2\.1\.1/m,
    );
  });

  it('prints one line per problem naming the field, exits 1 and writes nothing', async () => {
    fs.writeFileSync(
      path.join(dir, 'spec.yaml'),
      seed
        .replace(
          'dataParallelSize: 16 }\nrankPorts',
          'dataParallelSize: 12 }\nrankPorts',
        )
        .replace('name: wide-ep', 'name: "x\\"\\nkind: Secret"'),
    );
    const r = await run(['render', '--spec', 'spec.yaml', '--out', 'out'], dir);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^name: must be a DNS-1123 label/),
      'decode.dataParallelSize: must be a multiple of 8 GPUs per node on h200 (got 12; try 16)',
    ]);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });

  it('rejects a file with several documents or YAML aliases used to smuggle values', async () => {
    fs.writeFileSync(path.join(dir, 'two.yaml'), `${seed}\n---\n${seed}`);
    expect((await run(['validate', '--spec', 'two.yaml'], dir)).stderr).toMatch(
      /exactly one YAML document/,
    );
    expect(
      (await run(['validate', '--spec', 'missing.yaml'], dir)).stderr,
    ).toMatch(/^\(file\): cannot read/);
  });

  it('renders the folder: manifests listed in kustomization.yaml, README and catalog-info', async () => {
    fs.writeFileSync(path.join(dir, 'spec.yaml'), seed);
    const r = await run(['render', '--spec', 'spec.yaml', '--out', 'out'], dir);
    expect(r.code).toBe(0);
    const out = path.join(dir, 'out');
    const kustomization = parse(
      fs.readFileSync(path.join(out, 'kustomization.yaml'), 'utf8'),
    );
    for (const file of kustomization.resources)
      expect(fs.existsSync(path.join(out, file))).toBe(true);
    expect(kustomization.resources).toContain(
      'manifests/leaderworkerset-wide-ep-decode.yaml',
    );
    expect(fs.readFileSync(path.join(out, 'README.md'), 'utf8')).toMatch(
      /kubectl apply --server-side -k \./,
    );
    expect(
      parse(fs.readFileSync(path.join(out, 'catalog-info.yaml'), 'utf8'))
        .metadata.annotations['backstage.io/kubernetes-id'],
    ).toBe('wide-ep');
    expect(fs.readdirSync(dir).filter(f => f.includes('staging'))).toEqual([]);

    // A second render into the same folder needs --force.
    const again = await run(
      ['render', '--spec', 'spec.yaml', '--out', 'out'],
      dir,
    );
    expect(again).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/not empty; pass --force/),
    });
    expect(
      (
        await run(
          ['render', '--spec', 'spec.yaml', '--out', 'out', '--force'],
          dir,
        )
      ).code,
    ).toBe(0);
  });

  it('explains usage errors with exit code 2', async () => {
    expect((await run([], dir)).code).toBe(2);
    expect((await run(['render', '--spec'], dir)).stderr).toMatch(
      /--spec needs a value/,
    );
    expect((await run(['frobnicate'], dir)).stderr).toMatch(
      /unknown command "frobnicate"/,
    );
  });
});

describe('examples/wide-ep-sample', () => {
  it('is exactly what the renderer produces for its spec (regenerate with the command in spec.yaml)', async () => {
    const sample = path.resolve(
      __dirname,
      '../../../../examples/wide-ep-sample',
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wide-ep-sample-'));
    try {
      const r = await run(
        [
          'render',
          '--spec',
          path.join(sample, 'spec.yaml'),
          '--out',
          path.join(dir, 'out'),
        ],
        dir,
      );
      expect(r.code).toBe(0);
      const list = (root: string, rel = ''): string[] =>
        fs
          .readdirSync(path.join(root, rel), { withFileTypes: true })
          .flatMap(e =>
            e.isDirectory()
              ? list(root, path.join(rel, e.name))
              : [path.join(rel, e.name)],
          );
      const generated = list(path.join(dir, 'out')).sort();
      expect(
        list(sample)
          .filter(f => f !== 'spec.yaml')
          .sort(),
      ).toEqual(generated);
      for (const f of generated) {
        expect([f, fs.readFileSync(path.join(sample, f), 'utf8')]).toEqual([
          f,
          fs.readFileSync(path.join(dir, 'out', f), 'utf8'),
        ]);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
