/*
 * The metric names the rank card reads, from /metrics probes and from
 * Prometheus, against the metrics vLLM exports in the release the image
 * carries (VERSION_SET.vllm.version), as recorded from its
 * vllm/v1/metrics/loggers.py by scripts/record_vllm_interface.py.
 */
import fs from 'node:fs';
import path from 'node:path';
import { VERSION_SET } from '../versionSet';
import {
  VLLM_LOAD_METRICS,
  rankMetricQuery,
} from '../health/prometheusQueries';
import { RANK_HISTORY_METRICS } from '../health/rankHistory';
import type { VllmInterface } from './vllmInterface';

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
const samples = new Map(
  record.metrics.flatMap(m => m.samples.map(s => [s, m.type] as const)),
);

describe(`vLLM ${VERSION_SET.vllm.version} metrics`, () => {
  it('the record lists the metrics of the V1 engine', () => {
    expect(samples.get('vllm:num_requests_running')).toBe('gauge');
    expect(samples.size).toBeGreaterThan(30);
  });

  it.each(Object.entries(VLLM_LOAD_METRICS))(
    '%s: %s is exported, with the type its PromQL needs',
    (_, sample) => {
      const suffixType = [
        ['_bucket', 'histogram'],
        ['_total', 'counter'],
      ].find(([suffix]) => sample.endsWith(suffix));
      expect(samples.get(sample)).toBe(suffixType?.[1] ?? 'gauge');
    },
  );

  it('every rank-history query reads only exported series', () => {
    const selector = { namespace: 'ns', deployment: 'd' };
    for (const metric of RANK_HISTORY_METRICS) {
      const names = rankMetricQuery(metric, selector).match(/vllm:[a-z_:]+/g);
      expect(names?.length).toBeGreaterThan(0);
      for (const name of names!) expect(samples.has(name)).toBe(true);
    }
  });
});
