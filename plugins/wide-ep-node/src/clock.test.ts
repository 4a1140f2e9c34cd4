import { execFileSync } from 'node:child_process';
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

describe('systemClock in a process of its own', () => {
  it('keeps the process alive while it waits: a script awaiting only a delay does not exit before it', () => {
    const script = `require(${JSON.stringify(
      require.resolve('./clock'),
    )}).systemClock.delay(300).then(() => process.stdout.write('waited'))`;
    const out = execFileSync(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        '-e',
        script,
      ],
      { encoding: 'utf8' },
    );
    expect(out).toBe('waited');
  });
});
