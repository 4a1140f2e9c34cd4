import { formatIssues, parseSpec } from './spec';
import { LWS_H200_SEED } from './seeds';
import { derivedDnsNames } from './names';
import { allVariants } from './variants';

describe('parseSpec', () => {
  it('fills defaults for a minimal valid spec', () => {
    const r = parseSpec(LWS_H200_SEED);
    if (!r.success) throw new Error(formatIssues(r.issues));
    expect(r.spec.hfTokenSecret).toEqual({
      name: 'llm-d-hf-token',
      key: 'HF_TOKEN',
    });
    expect(r.spec.eplb).toBe(false);
    expect(r.spec.grove).toEqual({
      kaiScheduler: true,
      queue: 'default-queue',
    });
    expect(r.spec.owner).toBe('group:default/guests');
  });

  it('names the field of a DP size that does not fit the nodes', () => {
    const r = parseSpec({
      ...LWS_H200_SEED,
      decode: { replicas: 1, dataParallelSize: 12 },
    });
    expect(r.success).toBe(false);
    if (r.success) return;
    expect(formatIssues(r.issues)).toBe(
      'decode.dataParallelSize: must be a multiple of 8 GPUs per node on h200 (got 12; try 16)',
    );
  });

  it('reports every problem at once with its path', () => {
    const r = parseSpec({
      ...LWS_H200_SEED,
      name: 'Bad_Name',
      hardware: 'h100',
      prefill: { replicas: 0, dataParallelSize: 8 },
      extra: 1,
    });
    expect(r.success).toBe(false);
    if (r.success) return;
    const paths = r.issues.map(i => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'name',
        'hardware',
        'prefill.replicas',
        '(spec)',
      ]),
    );
    expect(r.issues.find(i => i.path === 'name')!.message).toMatch(/DNS-1123/);
  });

  it('limits a GB200 group to one NVL72 rack', () => {
    const r = parseSpec({
      ...LWS_H200_SEED,
      hardware: 'gb200',
      decode: { replicas: 1, dataParallelSize: 76 },
    });
    expect(r.success).toBe(false);
    if (r.success) return;
    expect(formatIssues(r.issues)).toMatch(
      /^decode\.dataParallelSize: must be at most 72 on gb200/,
    );
  });

  it('rejects EPLB with an FP4 checkpoint and with a DP size that does not divide the experts', () => {
    const fp4 = parseSpec({
      ...LWS_H200_SEED,
      model: 'nvidia/DeepSeek-R1-NVFP4',
      eplb: true,
    });
    expect(!fp4.success && fp4.issues.map(i => i.path)).toContain('eplb');
    const odd = parseSpec({
      ...LWS_H200_SEED,
      eplb: true,
      decode: { replicas: 1, dataParallelSize: 40 },
    });
    expect(!odd.success && formatIssues(odd.issues)).toMatch(
      /decode\.dataParallelSize: with eplb, 288 experts/,
    );
    const ok = parseSpec({ ...LWS_H200_SEED, eplb: true });
    expect(ok.success).toBe(true);
  });

  it('rejects a name whose derived pod names would exceed 63 characters, saying by how much', () => {
    const r = parseSpec({
      ...LWS_H200_SEED,
      orchestrator: 'grove',
      name: 'a'.repeat(40),
    });
    expect(r.success).toBe(false);
    if (r.success) return;
    expect(r.issues[0].path).toBe('name');
    expect(r.issues[0].message).toMatch(
      /is too long: the .* would have \d+ characters \(limit 63\); shorten name by \d+/,
    );
  });

  it('accepts the longest name whose longest derived name has exactly 63 characters, and refuses one character more, for every variant', () => {
    for (const variant of allVariants()) {
      const probe = parseSpec({ ...variant, name: 'n' });
      if (!probe.success) throw new Error(JSON.stringify(probe.issues));
      // Every derived name is the spec name plus a suffix of fixed length.
      const longestSuffix = Math.max(
        ...derivedDnsNames(probe.spec).map(d => d.value.length - 1),
      );
      const fits = 'n'.repeat(63 - longestSuffix);
      const atLimit = parseSpec({ ...variant, name: fits });
      expect([variant.orchestrator, variant.hardware, atLimit.success]).toEqual(
        [variant.orchestrator, variant.hardware, true],
      );
      if (!atLimit.success) continue;
      expect(
        Math.max(...derivedDnsNames(atLimit.spec).map(d => d.value.length)),
      ).toBe(63);
      const over = parseSpec({ ...variant, name: `${fits}n` });
      expect(over.success).toBe(false);
      if (over.success) continue;
      expect(over.issues[0].path).toBe('name');
      expect(over.issues[0].message).toMatch(
        /would have 64 characters \(limit 63\); shorten name by 1\b/,
      );
    }
  });

  it.each([
    ['name', 'x"\nkind: Secret'],
    ['namespace', 'ns\n  evil: true'],
    ['model', "deepseek-ai/R1'; rm -rf /"],
    ['model', 'org/${HF_TOKEN}'],
    ['servedModelName', 'a b'],
    ['cluster', 'c"\nx'],
    ['owner', 'group:default/x\ny'],
  ])('rejects hostile %s %j', (field, value) => {
    const r = parseSpec({ ...LWS_H200_SEED, [field]: value });
    expect(r.success).toBe(false);
    if (r.success) return;
    expect(r.issues.map(i => i.path)).toContain(field);
  });

  it('never throws on garbage', () => {
    for (const input of [undefined, null, 42, 'spec', [], { prefill: 'x' }]) {
      const r = parseSpec(input);
      expect(r.success).toBe(false);
    }
  });
});
