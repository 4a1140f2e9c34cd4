import { parseSpec, WideEpSpecInput } from '../spec';
import { renderDeployment } from '../render';
import { allVariants } from '../variants';
import { LWS_H200_SEED } from '../seeds';
import { OperatorPod, renderedWorkloads } from '../testUtils/operatorPods';
import {
  PrometheusMatrixSeries,
  PrometheusVectorSample,
  RANK_METRIC_LABEL,
  deploymentLoadQuery,
  mapInstantVector,
  mapRangeMatrix,
  podScrapeTargets,
  prometheusValue,
  rankMetricQuery,
  rankSeriesIndex,
  scrapeTargetLabels,
} from './prometheusQueries';
import { RANK_HISTORY_METRICS } from './rankHistory';

function render(input: WideEpSpecInput) {
  const parsed = parseSpec(input);
  if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
  const out = renderDeployment(parsed.spec);
  return { ...out, ...renderedWorkloads(out.objects) };
}

const variantName = (v: WideEpSpecInput) =>
  `${v.orchestrator}/${v.hardware}/${v.clusterProvider}/${v.gateway}/${
    v.rankPorts ? 'ports' : 'hybrid'
  }`;

/** Every rank the plan expects, as `role/group/rank`. */
function plannedRanks(plan: Plan): string[] {
  return (['prefill', 'decode'] as const).flatMap(role =>
    plan.roles[role].groups.flatMap((g, group) =>
      g.pods.flatMap(p => p.ranks.map(r => `${role}/${group}/${r.globalRank}`)),
    ),
  );
}

type Plan = ReturnType<typeof render>['plan'];

/** The plan's ranks served on a pod's port, found by hostname and port number. */
function plannedRanksOn(plan: Plan, pod: OperatorPod, port: number): number[] {
  for (const role of ['prefill', 'decode'] as const)
    for (const g of plan.roles[role].groups)
      for (const p of g.pods)
        if (p.hostname === pod.spec?.hostname)
          return p.ranks
            .filter(r => r.vllmPort === port)
            .map(r => r.globalRank);
  return [];
}

/**
 * The series Prometheus would hold for a pod, with the target labels the
 * monitoring objects give them: one per rank port in supervisor mode (vLLM
 * labels it with the rank as engine), one per engine on the API port in
 * hybrid mode. The ranks come from the generator's plan, not the layout.
 */
function scrapedSeries(
  plan: Plan,
  pod: OperatorPod,
  extra: Record<string, string> = {},
): Record<string, string>[] {
  return podScrapeTargets(pod).flatMap(t =>
    plannedRanksOn(plan, pod, t.port).map(rank => ({
      ...t.labels,
      instance: `${pod.metadata.name}:${t.portName}`,
      engine: String(rank),
      ...extra,
    })),
  );
}

describe('scrape target labels', () => {
  const { pods, objects } = render(LWS_H200_SEED);

  it("name a rank port's series by namespace, pod, container, port, deployment and role", () => {
    const pod = pods.find(p => p.metadata.name === 'wide-ep-decode-0-1')!;
    expect(scrapeTargetLabels(pod, 'vllm-rank3')).toEqual({
      namespace: 'llm-d-wide-ep',
      pod: 'wide-ep-decode-0-1',
      container: 'vllm',
      port_name: 'vllm-rank3',
      llm_d_deployment: 'wide-ep',
      llm_d_role: 'decode',
    });
    expect(podScrapeTargets(pod).map(t => `${t.portName}=${t.port}`)).toEqual(
      Array.from({ length: 8 }, (_, i) => `vllm-rank${i}=${8200 + i}`),
    );
  });

  it('hybrid mode: one target per pod, the API port', () => {
    const pod = render({ ...LWS_H200_SEED, rankPorts: false }).pods.find(
      p => p.metadata.name === 'wide-ep-prefill-0',
    )!;
    expect(podScrapeTargets(pod)).toEqual([
      {
        port: 8000,
        portName: 'vllm',
        labels: expect.objectContaining({
          pod: 'wide-ep-prefill-0',
          port_name: 'vllm',
          llm_d_role: 'prefill',
        }),
      },
    ]);
  });

  it('the endpoint picker: its metrics port, no role', () => {
    const epp: any = objects.find(o => o.kind === 'Deployment');
    const pod = {
      metadata: {
        name: 'wide-ep-infpool-epp-6b7f9-x2x4z',
        namespace: 'llm-d-wide-ep',
        labels: epp.spec.template.metadata.labels,
      },
      spec: epp.spec.template.spec,
    };
    expect(podScrapeTargets(pod)).toEqual([
      {
        port: 9090,
        portName: 'metrics',
        labels: {
          namespace: 'llm-d-wide-ep',
          pod: 'wide-ep-infpool-epp-6b7f9-x2x4z',
          container: 'epp',
          port_name: 'metrics',
          llm_d_deployment: 'wide-ep',
        },
      },
    ]);
  });

  it('names the pod and port a target cannot be made of', () => {
    expect(() => scrapeTargetLabels(pods[0], 'rank9')).toThrow(
      `scrapeTargetLabels: pod llm-d-wide-ep/${pods[0].metadata.name} declares no container port named "rank9"`,
    );
  });
});

describe('PromQL for one deployment', () => {
  const selector = { namespace: 'llm-d-wide-ep', deployment: 'wide-ep' };

  it('selects by namespace and deployment and keeps pod, port_name and engine', () => {
    expect(rankMetricQuery('running', selector)).toBe(
      'sum by (pod, port_name, engine) (vllm:num_requests_running{namespace="llm-d-wide-ep",llm_d_deployment="wide-ep"})',
    );
    expect(rankMetricQuery('promptTokensPerSecond', selector, 60)).toBe(
      'sum by (pod, port_name, engine) (rate(vllm:prompt_tokens_total{namespace="llm-d-wide-ep",llm_d_deployment="wide-ep"}[60s]))',
    );
    expect(rankMetricQuery('itlP95Seconds', selector)).toBe(
      'histogram_quantile(0.95, sum by (pod, port_name, engine, le) (rate(vllm:inter_token_latency_seconds_bucket{namespace="llm-d-wide-ep",llm_d_deployment="wide-ep"}[40s])))',
    );
  });

  it('asks for every metric in one query, each tagged', () => {
    const q = deploymentLoadQuery(selector);
    for (const metric of RANK_HISTORY_METRICS) {
      expect(q).toContain(`"${RANK_METRIC_LABEL}", "${metric}", "", "")`);
    }
    expect(q.split(' or ')).toHaveLength(RANK_HISTORY_METRICS.length);
  });

  it.each([
    [{ namespace: 'ns"}) or up{x="', deployment: 'd' }, 'namespace'],
    [{ namespace: 'ns', deployment: 'A' }, 'deployment'],
  ])('refuses a selector that is not a DNS label (%j)', (bad, field) => {
    expect(() => rankMetricQuery('running', bad)).toThrow(
      `${field} must be a DNS-1123 label`,
    );
  });

  it('refuses a rate window shorter than two scrapes', () => {
    expect(() => rankMetricQuery('running', selector, 15)).toThrow(
      'rateWindowSeconds must be a whole number of at least 20 (two scrapes), got 15',
    );
  });
});

describe('mapping Prometheus results to ranks', () => {
  it.each(allVariants().map(v => [variantName(v), v] as const))(
    '%s: every rank of every metric gets exactly one series, from an instant vector and a range matrix',
    (_, variant) => {
      const { plan, pods } = render(variant);
      const index = rankSeriesIndex(pods);
      const planned = plannedRanks(plan);

      const vector: PrometheusVectorSample[] = pods.flatMap(pod =>
        RANK_HISTORY_METRICS.flatMap(metric =>
          scrapedSeries(plan, pod, { [RANK_METRIC_LABEL]: metric }).map(m => ({
            metric: m,
            value: [1700000000, m.engine] as [number, string],
          })),
        ),
      );
      const samples = mapInstantVector(index, vector);
      for (const metric of RANK_HISTORY_METRICS) {
        const mine = samples.filter(s => s.metric === metric);
        expect(mine.map(s => `${s.role}/${s.group}/${s.rank}`).sort()).toEqual(
          [...planned].sort(),
        );
        // The value is the series' own: engine = rank.
        expect(mine.every(s => s.value === s.rank)).toBe(true);
      }

      const timestamps = [1700000000, 1700000010, 1700000020];
      const matrix: PrometheusMatrixSeries[] = pods.flatMap(pod =>
        scrapedSeries(plan, pod).map(m => ({
          metric: m,
          // The first column missing, as for a rank that came up late.
          values: timestamps
            .slice(1)
            .map(t => [t, m.engine] as [number, string]),
        })),
      );
      const series = mapRangeMatrix(index, matrix, timestamps);
      expect(series.map(s => `${s.role}/${s.group}/${s.rank}`).sort()).toEqual(
        [...planned].sort(),
      );
      for (const s of series) expect(s.values).toEqual([null, s.rank, s.rank]);
    },
  );

  const hybrid = render({ ...LWS_H200_SEED, rankPorts: false });
  const supervisor = render(LWS_H200_SEED);
  const sample = (metric: Record<string, string>, value = '1') => ({
    metric,
    value: [1700000000, value] as [number, string],
  });

  it('hybrid mode: the engine label picks the rank; an engine of another pod, or none, maps to nothing', () => {
    const index = rankSeriesIndex(hybrid.pods);
    const worker = { pod: 'wide-ep-decode-0-1', port_name: 'vllm' };
    expect(
      mapInstantVector(index, [
        sample({ ...worker, engine: '11' }, '3'),
        sample({ ...worker, engine: '2' }),
        sample(worker),
      ]),
    ).toEqual([{ role: 'decode', group: 0, rank: 11, value: 3 }]);
  });

  it('supervisor mode: a rank port with one series takes it whatever its engine; several series need the rank as engine', () => {
    const index = rankSeriesIndex(supervisor.pods);
    const port = { pod: 'wide-ep-decode-0-1', port_name: 'vllm-rank3' };
    expect(mapInstantVector(index, [sample({ ...port, engine: '0' })])).toEqual(
      [{ role: 'decode', group: 0, rank: 11, value: 1 }],
    );
    expect(
      mapInstantVector(index, [
        sample({ ...port, engine: '0' }),
        sample({ ...port, engine: '1' }),
      ]),
    ).toEqual([]);
  });

  it('drops series of unknown pods, of ports that serve no rank and of unknown metrics; NaN and Inf are null', () => {
    const index = rankSeriesIndex(supervisor.pods);
    expect(
      mapInstantVector(index, [
        sample({ pod: 'gone-0', port_name: 'vllm-rank0', engine: '0' }),
        sample({ pod: 'wide-ep-decode-0', port_name: 'supervisor' }),
        sample({
          pod: 'wide-ep-decode-0',
          port_name: 'vllm-rank0',
          engine: '0',
          [RANK_METRIC_LABEL]: 'gpuTemperature',
        }),
        sample(
          { pod: 'wide-ep-decode-0', port_name: 'vllm-rank1', engine: '1' },
          'NaN',
        ),
      ]),
    ).toEqual([{ role: 'decode', group: 0, rank: 1, value: null }]);
    expect(
      ['0.25', 'NaN', '+Inf', '-Inf', ''].map(v => prometheusValue(v)),
    ).toEqual([0.25, null, null, null, null]);
  });

  it('matches range columns by the millisecond, as Prometheus prints them', () => {
    const index = rankSeriesIndex(supervisor.pods);
    const [s] = mapRangeMatrix(
      index,
      [
        {
          metric: { pod: 'wide-ep-prefill-0', port_name: 'vllm-rank2' },
          values: [
            [1700000000.1, '1'],
            [1700000000.6, '2'],
          ],
        },
      ],
      [1700000000.1, 1700000000.6, 1700000001.1],
    );
    expect(s).toEqual({
      role: 'prefill',
      group: 0,
      rank: 2,
      values: [1, 2, null],
    });
  });
});
