import { rankVerdict } from './rankVerdict';
import type { EndpointProbe } from './probeTargets';

const target = { host: '10.0.0.7', port: 8201 };
const probe = (probedAt: string, kind: 'ok' | 'refused'): EndpointProbe =>
  ({
    probedAt,
    health: kind === 'ok' ? { kind: 'ok' } : { kind: 'refused' },
  } as EndpointProbe);

describe('rankVerdict', () => {
  const readySince = Date.parse('2026-11-22T10:00:05Z');

  it('judges a Ready pod by its probe', () => {
    expect(
      rankVerdict({
        pod: { state: 'healthy', ready: true, readySince },
        target,
        probe: probe('2026-11-22T10:00:06Z', 'ok'),
      }),
    ).toEqual({
      state: 'healthy',
    });
    expect(
      rankVerdict({
        pod: { state: 'healthy', ready: true, readySince },
        target,
        probe: probe('2026-11-22T10:00:06Z', 'refused'),
      }),
    ).toEqual({
      state: 'unhealthy',
      reason:
        'connection refused on 10.0.0.7:8201: the vLLM API server is not listening',
    });
  });

  it('ignores a probe taken before the pod became Ready (a restarted pod refused while loading)', () => {
    expect(
      rankVerdict({
        pod: { state: 'healthy', ready: true, readySince },
        target,
        probe: probe('2026-11-22T10:00:04Z', 'refused'),
      }),
    ).toEqual({
      state: 'unknown',
      reason: 'pod is Ready; its probe result is not in yet',
    });
  });

  it('keeps the pod reason while the pod is not Ready, whatever the probe says', () => {
    expect(
      rankVerdict({
        pod: { state: 'starting', ready: false, reason: 'loading weights' },
        target,
        probe: probe('2026-11-22T10:00:06Z', 'refused'),
      }),
    ).toEqual({ state: 'starting', reason: 'loading weights' });
  });
});
