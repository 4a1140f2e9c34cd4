import { parseSpec } from '../spec';
import { renderDeployment } from '../render';
import { LWS_H200_SEED } from '../seeds';
import {
  readyStatus,
  renderedWorkloads,
  withStatus,
} from '../testUtils/operatorPods';
import { deploymentProbeTargets } from './deriveRankHealth';
import {
  isIpAddress,
  probeTargetsForPod,
  probeUrl,
  rankEngineMetrics,
} from './probeTargets';
import { podRankLayout } from './podRankLayout';

function pods(rankPorts: boolean) {
  const parsed = parseSpec({ ...LWS_H200_SEED, rankPorts });
  if (!parsed.success) throw new Error('bad seed');
  return renderedWorkloads(renderDeployment(parsed.spec).objects).pods;
}

describe('probe targets', () => {
  it('supervisor mode: one target per rank port of the pod IP', () => {
    const pod = withStatus(
      pods(true).find(p => p.metadata.name === 'wide-ep-decode-0-1')!,
      readyStatus({ podIP: '10.4.0.7' }),
      'n1',
    );
    const result = podRankLayout(pod);
    if (!('layout' in result)) throw new Error(result.problem);
    expect(probeTargetsForPod(pod, result.layout)).toEqual(
      Array.from({ length: 8 }, (_, i) => ({
        key: `10.4.0.7:${8200 + i}`,
        host: '10.4.0.7',
        port: 8200 + i,
        pod: 'wide-ep-decode-0-1',
        ranks: [8 + i],
      })),
    );
  });

  it('hybrid mode: one target per pod carrying all its ranks', () => {
    const pod = withStatus(
      pods(false).find(p => p.metadata.name === 'wide-ep-prefill-0')!,
      readyStatus({ podIP: 'fd00::12' }),
      'n1',
    );
    expect(deploymentProbeTargets([pod])).toEqual([
      {
        key: '[fd00::12]:8000',
        host: 'fd00::12',
        port: 8000,
        pod: 'wide-ep-prefill-0',
        ranks: [0, 1, 2, 3, 4, 5, 6, 7],
      },
    ]);
    expect(probeUrl({ host: 'fd00::12', port: 8000 }, '/metrics')).toBe(
      'http://[fd00::12]:8000/metrics',
    );
  });

  it('probes nothing for pods that are not Running, are terminating, or whose podIP is not an IP', () => {
    const base = pods(true)[0];
    const terminating = withStatus(base, readyStatus());
    terminating.metadata.deletionTimestamp = '2026-07-01T10:00:00Z';
    const hostile = withStatus(
      base,
      readyStatus({ podIP: 'evil.example.com' }),
    );
    const withPath = withStatus(
      base,
      readyStatus({ podIP: '10.0.0.1/admin?' }),
    );
    const pending = withStatus(base, { phase: 'Pending', podIP: '10.0.0.1' });
    expect(
      deploymentProbeTargets([terminating, hostile, withPath, pending]),
    ).toEqual([]);
  });

  it.each([
    ['10.0.0.1', true],
    ['127.0.0.2', true],
    ['fd00::1', true],
    ['256.1.1.1', false],
    ['10.0.0.1:80', false],
    ['localhost', false],
    ['169.254.169.254.nip.io', false],
    ['', false],
  ])('isIpAddress(%j) = %s', (value, expected) => {
    expect(isIpAddress(value)).toBe(expected);
  });

  it("picks a rank's own engine series, or the only one of a single-rank endpoint", () => {
    const engines = { '8': { running: 1 }, '9': { running: 2 } };
    expect(rankEngineMetrics(engines, 9, 8)).toEqual({ running: 2 });
    expect(rankEngineMetrics(engines, 10, 8)).toBeUndefined();
    expect(rankEngineMetrics({ '': { waiting: 3 } }, 5, 1)).toEqual({
      waiting: 3,
    });
    expect(rankEngineMetrics({ '': { waiting: 3 } }, 5, 8)).toBeUndefined();
  });
});
