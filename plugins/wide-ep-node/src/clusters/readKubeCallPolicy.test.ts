import { ConfigReader } from '@backstage/config';
import { readKubeCallPolicy } from './readKubeCallPolicy';

describe('readKubeCallPolicy', () => {
  it('reads durations in every form Backstage config takes', () => {
    expect(readKubeCallPolicy(new ConfigReader({}))).toEqual({});
    expect(
      readKubeCallPolicy(
        new ConfigReader({
          wideEp: {
            clusterCalls: { attemptTimeout: '5s', giveUpAfter: { minutes: 3 } },
          },
        }),
      ),
    ).toEqual({ attemptTimeoutMs: 5_000, giveUpAfterMs: 180_000 });
    expect(
      readKubeCallPolicy(
        new ConfigReader({
          wideEp: { clusterCalls: { giveUpAfter: 'PT90S' } },
        }),
      ),
    ).toEqual({ giveUpAfterMs: 90_000 });
  });

  it('rejects a zero or unreadable duration', () => {
    expect(() =>
      readKubeCallPolicy(
        new ConfigReader({
          wideEp: { clusterCalls: { attemptTimeout: '0s' } },
        }),
      ),
    ).toThrow('wideEp.clusterCalls.attemptTimeout must be longer than zero');
    expect(() =>
      readKubeCallPolicy(
        new ConfigReader({
          wideEp: { clusterCalls: { attemptTimeout: 'soon' } },
        }),
      ),
    ).toThrow(/Invalid duration 'soon'/);
  });
});
