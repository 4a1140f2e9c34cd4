import { systemClock } from './clock';
import { ManualClock } from './testUtils';

describe.each([
  ['systemClock', () => systemClock],
  ['ManualClock', () => new ManualClock()],
])('%s', (_name, clockFor) => {
  it('resolves a delay at once when its signal aborts, never rejecting', async () => {
    const controller = new AbortController();
    const delay = clockFor().delay(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(delay).resolves.toBeUndefined();
    await expect(
      clockFor().delay(60_000, AbortSignal.abort()),
    ).resolves.toBeUndefined();
  });
});

describe('systemClock', () => {
  it('waits the given time', async () => {
    const start = Date.now();
    await systemClock.delay(20);
    expect(Date.now() - start).toBeGreaterThanOrEqual(15);
  });
});
