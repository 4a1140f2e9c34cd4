import { gatewayStatus } from './gatewayStatus';
import { withTimes } from './statusWriter';

describe('the SIMULATED gateway controllers', () => {
  it('programs Gateways of the demo classes only, and says the status is simulated', () => {
    const gw = {
      metadata: { generation: 2 },
      spec: {
        gatewayClassName: 'istio',
        listeners: [{ name: 'http' }, { name: 'https' }],
      },
    };
    const status = gatewayStatus(gw)!;
    expect(status.conditions.map((c: any) => [c.type, c.status])).toEqual([
      ['Accepted', 'True'],
      ['Programmed', 'True'],
    ]);
    expect(status.conditions[0].message).toMatch(/^SIMULATED/);
    expect(status.conditions[0].observedGeneration).toBe(2);
    expect(status.listeners.map((l: any) => l.name)).toEqual(['http', 'https']);
    expect(
      gatewayStatus({ spec: { gatewayClassName: 'gke-l7-rilb' } }),
    ).toBeUndefined();
  });
});

describe('withTimes', () => {
  it('keeps the transition time of a condition whose status did not change, and stamps the others', () => {
    const before = {
      conditions: [
        { type: 'A', status: 'True', lastTransitionTime: 't0' },
        { type: 'B', status: 'False', lastTransitionTime: 't0' },
      ],
      listeners: [
        {
          name: 'l',
          conditions: [{ type: 'A', status: 'True', lastTransitionTime: 't0' }],
        },
      ],
    };
    const next = withTimes(
      before,
      {
        conditions: [
          { type: 'A', status: 'True' },
          { type: 'B', status: 'True' },
          { type: 'C', status: 'True' },
        ],
        listeners: [
          { name: 'l', conditions: [{ type: 'A', status: 'False' }] },
        ],
      },
      't1',
    );
    expect(next.conditions.map((c: any) => c.lastTransitionTime)).toEqual([
      't0',
      't1',
      't1',
    ]);
    expect(next.listeners[0].conditions[0].lastTransitionTime).toBe('t1');
  });
});
