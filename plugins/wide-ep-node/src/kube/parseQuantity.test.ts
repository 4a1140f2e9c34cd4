import { parseQuantity } from './parseQuantity';

describe('parseQuantity', () => {
  it.each([
    ['8', 8],
    ['0', 0],
    ['1k', 1000],
    ['500m', 0.5],
    ['16Gi', 16 * 2 ** 30],
    ['1.5M', 1.5e6],
    ['1e3', 1000],
    [' 4 ', 4],
  ])('parses %j as %d', (input, expected) => {
    expect(parseQuantity(input)).toBe(expected);
  });

  it.each([undefined, '', 'abc', '1Xi', '1.2.3'])('rejects %j', input => {
    expect(parseQuantity(input)).toBeUndefined();
  });
});
