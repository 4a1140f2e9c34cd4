import http from 'node:http';
import { RankSimulator, startRankSimulator } from './startRankSimulator';

// A loopback address of its own so parallel suites on this host do not collide.
const HOST = '127.0.91.2';

interface Reply {
  status?: number;
  body?: string;
  error?: string;
}

function get(port: number, path: string, timeoutMs = 300): Promise<Reply> {
  return new Promise(resolve => {
    const req = http.get(
      { host: HOST, port, path, agent: false, timeout: timeoutMs },
      res => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', c => (body += c));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      },
    );
    req.on('timeout', () => {
      req.destroy();
      resolve({ error: 'timeout' });
    });
    req.on('error', (e: NodeJS.ErrnoException) =>
      resolve({ error: e.code ?? e.message }),
    );
  });
}

describe('startRankSimulator', () => {
  let sim: RankSimulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('supervisor mode: one server per rank with its own engine series, and an aggregate supervisor', async () => {
    sim = await startRankSimulator({
      host: HOST,
      mode: 'supervisor',
      ranks: 2,
      startRank: 8,
      basePort: 0,
      supervisorPort: 0,
      modelName: 'deepseek-ai/DeepSeek-R1',
      load: r => ({ running: r, waiting: 1, kvCacheUsage: 0.25 }),
    });
    expect(sim.ports).toHaveLength(2);
    const [p8, p9] = sim.ports;
    expect(await get(p8, '/health')).toEqual({ status: 200, body: '' });
    const models = JSON.parse((await get(p9, '/v1/models')).body!);
    expect(models.data.map((m: { id: string }) => m.id)).toEqual([
      'deepseek-ai/DeepSeek-R1',
    ]);
    const metrics = (await get(p9, '/metrics')).body!;
    expect(metrics).toContain(
      'vllm:num_requests_running{engine="9",model_name="deepseek-ai/DeepSeek-R1"} 9.0000',
    );
    expect(metrics).toContain(
      'vllm:kv_cache_usage_perc{engine="9",model_name="deepseek-ai/DeepSeek-R1"} 0.2500',
    );
    expect(metrics).not.toContain('engine="8"');
    expect((await get(sim.supervisorPort!, '/readyz')).status).toBe(200);
    expect((await get(p8, '/nope')).status).toBe(404);
  });

  it('kill refuses connections, fail answers 503, hang times out, heal restores; the supervisor follows', async () => {
    sim = await startRankSimulator({
      host: HOST,
      mode: 'supervisor',
      ranks: 3,
      basePort: 0,
      supervisorPort: 0,
    });
    const [p0, p1, p2] = sim.ports;
    await sim.rank(0).kill();
    sim.rank(1).fail();
    sim.rank(2).hang();
    expect(await get(p0, '/health')).toEqual({ error: 'ECONNREFUSED' });
    expect((await get(p1, '/health')).status).toBe(503);
    expect(await get(p2, '/health', 200)).toEqual({ error: 'timeout' });
    expect((await get(sim.supervisorPort!, '/readyz')).status).toBe(503);
    expect([sim.rank(0).state, sim.rank(1).state, sim.rank(2).state]).toEqual([
      'killed',
      'failing',
      'hung',
    ]);

    await Promise.all([0, 1, 2].map(r => sim!.rank(r).heal()));
    for (const port of [p0, p1, p2])
      expect((await get(port, '/health')).status).toBe(200);
    expect((await get(sim.supervisorPort!, '/readyz')).status).toBe(200);
  });

  it('hybrid mode: one server for the pod with one series per engine; a failing rank fails the server', async () => {
    sim = await startRankSimulator({
      host: HOST,
      mode: 'hybrid',
      ranks: 4,
      startRank: 4,
      basePort: 0,
      load: r => ({ running: 0, waiting: r, kvCacheUsage: 0 }),
    });
    expect(sim.ports).toHaveLength(1);
    expect(sim.supervisorPort).toBeUndefined();
    const metrics = (await get(sim.ports[0], '/metrics')).body!;
    for (const r of [4, 5, 6, 7])
      expect(metrics).toContain(
        `vllm:num_requests_waiting{engine="${r}",model_name="deepseek-ai/DeepSeek-R1"} ${r}.0000`,
      );
    sim.rank(6).setLoad({ running: 42 });
    expect((await get(sim.ports[0], '/metrics')).body).toContain(
      'vllm:num_requests_running{engine="6",model_name="deepseek-ai/DeepSeek-R1"} 42.0000',
    );
    sim.rank(6).fail(503);
    expect((await get(sim.ports[0], '/health')).status).toBe(503);
    expect(sim.rank(5).state).toBe('failing');
  });

  it('can export the deprecated KV metric name, and counts requests', async () => {
    sim = await startRankSimulator({
      host: HOST,
      mode: 'hybrid',
      ranks: 1,
      basePort: 0,
      legacyKvMetric: true,
    });
    const body = (await get(sim.ports[0], '/metrics')).body!;
    expect(body).toContain('vllm:gpu_cache_usage_perc{engine="0"');
    expect(body).not.toContain('vllm:kv_cache_usage_perc');
    expect(sim.requests()).toBe(1);
  });

  it('fails to start, and cleans up, when a port is taken', async () => {
    sim = await startRankSimulator({
      host: HOST,
      mode: 'hybrid',
      ranks: 1,
      basePort: 0,
    });
    await expect(
      startRankSimulator({
        host: HOST,
        mode: 'supervisor',
        ranks: 1,
        basePort: sim.ports[0],
        supervisorPort: 0,
      }),
    ).rejects.toThrow(/EADDRINUSE/);
  });
});
