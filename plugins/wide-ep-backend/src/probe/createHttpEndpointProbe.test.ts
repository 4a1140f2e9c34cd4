import {
  RankSimulator,
  startRankSimulator,
} from '@internal/wide-ep-rank-simulator';
import {
  createHttpEndpointProbe,
  EndpointProbeFn,
} from './createHttpEndpointProbe';

const HOST = '127.0.92.2';

describe('createHttpEndpointProbe (against the SIMULATED ranks)', () => {
  let sim: RankSimulator;
  let probe: EndpointProbeFn;
  beforeEach(async () => {
    probe = createHttpEndpointProbe({ timeoutMs: 300 });
  });
  afterEach(async () => {
    probe.close();
    await sim?.close();
  });

  const targetOf = (port: number, ranks: number[]) => ({
    key: `${HOST}:${port}`,
    host: HOST,
    port,
    pod: 'p',
    ranks,
  });

  it('reads /health and splits /metrics by engine (hybrid)', async () => {
    sim = await startRankSimulator({
      host: HOST,
      mode: 'hybrid',
      ranks: 2,
      startRank: 4,
      basePort: 0,
      load: r => ({ running: r, waiting: 1, kvCacheUsage: 0.5 }),
    });
    const result = await probe(targetOf(sim.ports[0], [4, 5]));
    expect(result).toEqual({
      probedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      health: { kind: 'ok' },
      engines: {
        '4': { running: 4, waiting: 1, kvCacheUsage: 0.5 },
        '5': { running: 5, waiting: 1, kvCacheUsage: 0.5 },
      },
    });
  });

  it('maps 503, connection refused and a hang to outcomes, and recovers after heal on kept-alive connections', async () => {
    sim = await startRankSimulator({
      host: HOST,
      mode: 'supervisor',
      ranks: 3,
      basePort: 0,
      supervisorPort: 0,
    });
    const [p0, p1, p2] = sim.ports;
    await Promise.all([
      probe(targetOf(p0, [0])),
      probe(targetOf(p1, [1])),
      probe(targetOf(p2, [2])),
    ]);
    sim.rank(0).fail(503);
    await sim.rank(1).kill();
    sim.rank(2).hang();
    const [r0, r1, r2] = await Promise.all([
      probe(targetOf(p0, [0])),
      probe(targetOf(p1, [1])),
      probe(targetOf(p2, [2])),
    ]);
    expect(r0.health).toEqual({ kind: 'httpStatus', status: 503 });
    expect(r1).toEqual({
      probedAt: expect.any(String),
      health: { kind: 'refused' },
    });
    expect(r2).toEqual({
      probedAt: expect.any(String),
      health: { kind: 'timeout', timeoutMs: 300 },
    });
    await Promise.all([0, 1, 2].map(r => sim.rank(r).heal()));
    const healed = await Promise.all([
      probe(targetOf(p0, [0])),
      probe(targetOf(p1, [1])),
      probe(targetOf(p2, [2])),
    ]);
    expect(healed.map(h => h.health.kind)).toEqual(['ok', 'ok', 'ok']);
  });

  it('refuses targets that are not literal IPs', async () => {
    const result = await probe({
      key: 'x',
      host: 'metadata.google.internal',
      port: 80,
      pod: 'p',
      ranks: [0],
    });
    expect(result.health).toEqual({
      kind: 'error',
      message: 'refused to probe a target that is not an IP address and port',
    });
  });
});
