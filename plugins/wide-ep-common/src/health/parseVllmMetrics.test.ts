import { parseVllmMetrics } from './parseVllmMetrics';

// Trimmed from a vLLM 0.11 hybrid-LB API server managing engines 8..9.
const HYBRID = `# HELP vllm:num_requests_running Number of requests in model execution batches.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{engine="8",model_name="deepseek-ai/DeepSeek-R1"} 12.0
vllm:num_requests_running{engine="9",model_name="deepseek-ai/DeepSeek-R1"} 0.0
# HELP vllm:num_requests_waiting Number of requests waiting to be processed.
# TYPE vllm:num_requests_waiting gauge
vllm:num_requests_waiting{engine="8",model_name="deepseek-ai/DeepSeek-R1"} 3.0
vllm:num_requests_waiting{engine="9",model_name="deepseek-ai/DeepSeek-R1"} 0.0
# HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.
# TYPE vllm:kv_cache_usage_perc gauge
vllm:kv_cache_usage_perc{engine="8",model_name="deepseek-ai/DeepSeek-R1"} 0.42
vllm:kv_cache_usage_perc{engine="9",model_name="deepseek-ai/DeepSeek-R1"} 0.0
# HELP vllm:gpu_cache_usage_perc DEPRECATED GPU KV-cache usage.
# TYPE vllm:gpu_cache_usage_perc gauge
vllm:gpu_cache_usage_perc{engine="8",model_name="deepseek-ai/DeepSeek-R1"} 0.99
vllm:time_to_first_token_seconds_bucket{engine="8",le="0.001",model_name="deepseek-ai/DeepSeek-R1"} 0.0
vllm:prompt_tokens_total{engine="8",model_name="deepseek-ai/DeepSeek-R1"} 123456.0
python_gc_objects_collected_total{generation="0"} 1234.0
`;

describe('parseVllmMetrics', () => {
  it('splits hybrid-mode series by engine and prefers kv_cache_usage_perc over the deprecated name', () => {
    expect(parseVllmMetrics(HYBRID)).toEqual({
      '8': { running: 12, waiting: 3, kvCacheUsage: 0.42 },
      '9': { running: 0, waiting: 0, kvCacheUsage: 0 },
    });
  });

  it('falls back to vllm:gpu_cache_usage_perc on vLLM before 0.11', () => {
    const old = `vllm:num_requests_running{model_name="m"} 1\nvllm:gpu_cache_usage_perc{model_name="m"} 0.25\n`;
    expect(parseVllmMetrics(old)).toEqual({
      '': { running: 1, kvCacheUsage: 0.25 },
    });
  });

  it('sums running and waiting over other labels and reads engine_healthy', () => {
    const text = [
      'vllm:num_requests_running{engine="3",model_name="a"} 2',
      'vllm:num_requests_running{engine="3",model_name="lora-b"} 5',
      'vllm:engine_healthy{engine="3"} 0',
    ].join('\n');
    expect(parseVllmMetrics(text)).toEqual({
      '3': { running: 7, engineHealthy: 0 },
    });
  });

  it('handles escaped label values, timestamps, CRLF and skips NaN and garbage', () => {
    const text = [
      'vllm:num_requests_waiting{model_name="we\\"ird,name}",engine="0"} 4 1719830400000\r',
      'vllm:num_requests_running{engine="0",model_name="m"} NaN',
      'vllm:num_requests_running{engine="0" broken',
      'vllm:kv_cache_usage_perc{engine="1"}',
      '',
    ].join('\n');
    expect(parseVllmMetrics(text)).toEqual({ '0': { waiting: 4 } });
  });

  it('returns nothing for an empty or non-vLLM body', () => {
    expect(parseVllmMetrics('')).toEqual({});
    expect(parseVllmMetrics('<html>502 Bad Gateway</html>')).toEqual({});
  });
});
