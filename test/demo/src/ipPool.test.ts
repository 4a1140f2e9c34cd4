import { LoopbackIpPool } from './ipPool';

describe('LoopbackIpPool', () => {
  it('hands out loopback addresses lowest first and reuses released ones', () => {
    const pool = new LoopbackIpPool({ first: 10, last: 12 });
    expect([pool.take(), pool.take()]).toEqual(['127.0.0.10', '127.0.0.11']);
    pool.release('127.0.0.10');
    expect(pool.take()).toBe('127.0.0.10');
    expect(pool.take()).toBe('127.0.0.12');
    expect(() => pool.take()).toThrow(
      'no free loopback pod IP left (3 in use)',
    );
    pool.release('10.0.0.1');
    expect(pool.inUse).toBe(3);
  });

  it('refuses addresses outside loopback', () => {
    expect(() => new LoopbackIpPool({ prefix: '10.0.0' })).toThrow(
      'loopback prefix',
    );
  });
});
