import { RankTotalsClock } from './rankTotals';
import { vllmMetricsText } from './vllmMetricsText';

describe('SIMULATED rank counters and histograms', () => {
  it('grow with the load for the time that passed, at the rates in force then', () => {
    let now = 0;
    const clock = new RankTotalsClock(() => now);
    const load = {
      running: 4,
      waiting: 0,
      kvCacheUsage: 0.5,
      promptTokensPerSecond: 300,
      generationTokensPerSecond: 50,
      ttftSeconds: 0.3,
      itlSeconds: 0.04,
    };
    now = 10_000;
    let t = clock.advance(load);
    expect(t.promptTokens).toBe(3000);
    expect(t.generationTokens).toBe(500);
    // 2 TTFT observations per second, all in the (0.25, 0.5] bucket.
    expect(t.ttft.count).toBe(20);
    expect(t.ttft.counts[t.ttft.bounds.indexOf(0.5)]).toBe(20);
    expect(t.ttft.sum).toBeCloseTo(6);
    // One ITL observation per generated token, in (0.025, 0.05].
    expect(t.itl.counts[t.itl.bounds.indexOf(0.05)]).toBe(500);

    now = 20_000;
    t = clock.advance({
      ...load,
      ttftSeconds: 3,
      generationTokensPerSecond: 0,
    });
    expect(t.generationTokens).toBe(500);
    expect(t.ttft.counts[t.ttft.bounds.indexOf(5)]).toBe(20);
    expect(t.ttft.count).toBe(40);
  });

  it('exposes them with vLLM 0.23.0 names, per engine, cumulative buckets ending in +Inf', () => {
    let now = 0;
    const clock = new RankTotalsClock(() => now);
    now = 1000;
    const load = {
      running: 1,
      waiting: 0,
      kvCacheUsage: 0,
      promptTokensPerSecond: 100,
      generationTokensPerSecond: 10,
      ttftSeconds: 0.07,
      itlSeconds: 0.02,
    };
    const text = vllmMetricsText({
      modelName: 'm',
      engines: new Map([[3, load]]),
      totals: new Map([[3, clock.advance(load)]]),
    });
    const lines = text.split('\n');
    expect(lines).toContain('# TYPE vllm:prompt_tokens_total counter');
    expect(lines).toContain(
      'vllm:prompt_tokens_total{engine="3",model_name="m"} 100',
    );
    expect(lines).toContain(
      'vllm:generation_tokens_total{engine="3",model_name="m"} 10',
    );
    expect(lines).toContain(
      '# TYPE vllm:time_to_first_token_seconds histogram',
    );
    expect(lines).toContain(
      'vllm:time_to_first_token_seconds_bucket{engine="3",model_name="m",le="0.06"} 0',
    );
    expect(lines).toContain(
      'vllm:time_to_first_token_seconds_bucket{engine="3",model_name="m",le="0.08"} 2',
    );
    expect(lines).toContain(
      'vllm:time_to_first_token_seconds_bucket{engine="3",model_name="m",le="2560.0"} 2',
    );
    expect(lines).toContain(
      'vllm:time_to_first_token_seconds_bucket{engine="3",model_name="m",le="+Inf"} 2',
    );
    expect(lines).toContain(
      'vllm:inter_token_latency_seconds_bucket{engine="3",model_name="m",le="0.025"} 10',
    );
    expect(lines).toContain(
      'vllm:inter_token_latency_seconds_count{engine="3",model_name="m"} 10',
    );
  });

  it('leaves counters and histograms out without totals', () => {
    const text = vllmMetricsText({
      modelName: 'm',
      engines: new Map([[0, { running: 1, waiting: 0, kvCacheUsage: 0 }]]),
    });
    expect(text).toContain('vllm:num_requests_running');
    expect(text).not.toContain('vllm:prompt_tokens_total');
    expect(text).not.toContain('_bucket');
  });
});
