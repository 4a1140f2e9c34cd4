import { parseSpec, WideEpSpecInput } from './spec';
import { planTopology } from './topology';
import { GROVE_GB200_SEED, LWS_H200_SEED } from './seeds';

function plan(input: WideEpSpecInput) {
  const r = parseSpec(input);
  if (!r.success) throw new Error(JSON.stringify(r.issues));
  return planTopology(r.spec);
}

describe('planTopology', () => {
  it('lays out the LWS H200 seed: DP16 over 2 pods x 8 ranks, ports 8000-8007 and 8200-8207', () => {
    const p = plan(LWS_H200_SEED);
    expect(p.launchMode).toBe('supervisor');
    expect(p.targetPorts).toEqual([
      8000, 8001, 8002, 8003, 8004, 8005, 8006, 8007,
    ]);
    const d = p.roles.decode;
    expect(d).toMatchObject({
      localSize: 8,
      podsPerGroup: 2,
      dataParallelSize: 16,
      totalGpus: 16,
      supervisorPort: 8208,
    });
    expect(d.vllmPorts).toEqual([
      8200, 8201, 8202, 8203, 8204, 8205, 8206, 8207,
    ]);
    const [leader, worker] = d.groups[0].pods;
    expect(leader.hostname).toBe('wide-ep-decode-0');
    expect(worker.hostname).toBe('wide-ep-decode-0-1');
    expect(worker.ranks[3]).toEqual({
      globalRank: 11,
      localRank: 3,
      vllmPort: 8203,
      servingPort: 8003,
    });
    expect(p.roles.prefill.supervisorPort).toBe(8008);
    expect(p.roles.prefill.groups[0].pods[1].ranks[7]).toEqual({
      globalRank: 15,
      localRank: 7,
      vllmPort: 8007,
      servingPort: 8007,
    });
    expect(p.totalGpus).toBe(32);
  });

  it('lays out the Grove GB200 seed like rank-health.md §3.1', () => {
    const p = plan(GROVE_GB200_SEED);
    expect(p.launchMode).toBe('hybrid');
    expect(p.targetPorts).toEqual([8000]);
    expect(p.roles.prefill.groups[0].pods.map(x => x.hostname)).toEqual([
      'wide-ep-0-prefill-0',
    ]);
    const decode = p.roles.decode.groups[0].pods;
    expect(decode).toHaveLength(8);
    expect(decode[0].hostname).toBe('wide-ep-0-decode-sg-0-decode-leader-0');
    expect(decode[7].hostname).toBe('wide-ep-0-decode-sg-0-decode-worker-6');
    // Worker k holds ranks 4(k+1) .. 4(k+1)+3, all behind one API server on 8200.
    expect(decode[3].ranks.map(r => r.globalRank)).toEqual([12, 13, 14, 15]);
    expect(new Set(decode[3].ranks.map(r => r.vllmPort))).toEqual(
      new Set([8200]),
    );
    expect(p.totalGpus).toBe(36);
  });

  it('tiles ranks 0..DP-1 with no gap in every group', () => {
    const p = plan({
      ...LWS_H200_SEED,
      decode: { replicas: 3, dataParallelSize: 32 },
    });
    for (const g of p.roles.decode.groups) {
      const ranks = g.pods.flatMap(pod => pod.ranks.map(r => r.globalRank));
      expect(ranks).toEqual(Array.from({ length: 32 }, (_, i) => i));
    }
    expect(p.roles.decode.groups.map(g => g.pods[0].hostname)).toEqual([
      'wide-ep-decode-0',
      'wide-ep-decode-1',
      'wide-ep-decode-2',
    ]);
  });

  it('gives each pod of a multi-replica standalone Grove clique its own group', () => {
    const p = plan({
      ...GROVE_GB200_SEED,
      prefill: { replicas: 3, dataParallelSize: 4 },
    });
    expect(
      p.roles.prefill.groups.map(g => g.pods.map(x => x.hostname)),
    ).toEqual([
      ['wide-ep-0-prefill-0'],
      ['wide-ep-0-prefill-1'],
      ['wide-ep-0-prefill-2'],
    ]);
  });
});
