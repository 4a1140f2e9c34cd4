import { RankSimulator, startRankSimulator } from './startRankSimulator';
import { RunningPrometheus, startPrometheus } from './startPrometheus';

// A loopback address of its own so parallel suites on this host do not collide.
const HOST = '127.0.91.7';

jest.setTimeout(60_000);

describe('startPrometheus (the real Debian binary)', () => {
  let prometheus: RunningPrometheus | undefined;
  let sim: RankSimulator | undefined;
  afterAll(async () => {
    await prometheus?.stop();
    await sim?.close();
  });

  it('scrapes SIMULATED ranks from the file_sd targets with their labels; rate() and histogram_quantile() read back the load', async () => {
    sim = await startRankSimulator({
      host: HOST,
      mode: 'hybrid',
      ranks: 2,
      startRank: 0,
      basePort: 0,
      load: r => ({
        running: r + 1,
        waiting: 0,
        kvCacheUsage: 0.5,
        generationTokensPerSecond: 100 * (r + 1),
        ttftSeconds: 0.3,
      }),
    });
    prometheus = await startPrometheus({ scrapeIntervalSeconds: 1 });
    prometheus.setTargets([
      {
        targets: [`${HOST}:${sim.ports[0]}`],
        labels: { namespace: 'ns', pod: 'p-0', port_name: 'vllm' },
      },
    ]);
    await prometheus.waitForHealthyTargets(1, 20_000);
    const query = async (q: string) => {
      const res = await fetch(
        `${prometheus!.url}/api/v1/query?query=${encodeURIComponent(q)}`,
      );
      return (await res.json()).data.result as {
        metric: Record<string, string>;
        value: [number, string];
      }[];
    };
    const before = await prometheus.queryCounts();
    // Four scrapes, so rate() over the window has points to go on.
    await new Promise(r => setTimeout(r, 4_500));
    const running = await query('vllm:num_requests_running');
    expect(
      running.map(s => [
        s.metric.pod,
        s.metric.port_name,
        s.metric.engine,
        s.value[1],
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['p-0', 'vllm', '0', '1'],
        ['p-0', 'vllm', '1', '2'],
      ]),
    );
    const rates = await query(
      'sum by (engine) (rate(vllm:generation_tokens_total[5s]))',
    );
    const rateOf = (engine: string) =>
      Number(rates.find(s => s.metric.engine === engine)!.value[1]);
    expect(rateOf('0')).toBeGreaterThan(80);
    expect(rateOf('0')).toBeLessThan(120);
    expect(rateOf('1')).toBeGreaterThan(160);
    const ttft = await query(
      'histogram_quantile(0.95, sum by (engine, le) (rate(vllm:time_to_first_token_seconds_bucket[5s])))',
    );
    // Every observation is in the (0.25, 0.5] bucket.
    for (const s of ttft) {
      expect(Number(s.value[1])).toBeGreaterThan(0.25);
      expect(Number(s.value[1])).toBeLessThanOrEqual(0.5);
    }
    expect((await prometheus.queryCounts()).query).toBe(before.query + 3);
  });
});
