const SUFFIXES: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * Parses a Kubernetes resource quantity (`8`, `1k`, `500m`, `16Gi`, `1e3`)
 * into a number; `undefined` when it is not one. Extended resources such as
 * `nvidia.com/gpu` are integers, but RDMA device plugins advertise shared
 * devices as e.g. `1k`, so suffixes matter.
 *
 * @public
 */
export function parseQuantity(value: string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:(e[+-]?\d+)|([a-zA-Z]*))$/.exec(
    value.trim(),
  );
  if (!match) {
    return undefined;
  }
  const [, number, exponent, suffix = ''] = match;
  if (exponent) {
    return Number(`${number}${exponent}`);
  }
  const multiplier = SUFFIXES[suffix];
  return multiplier === undefined ? undefined : Number(number) * multiplier;
}
