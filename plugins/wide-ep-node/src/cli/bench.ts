import {
  allVariants,
  parseSpec,
  renderDeployment,
} from '@internal/plugin-wide-ep-common';

/** Validates and renders every variant (allVariants: 144); returns figures for the CLI to print. */
export function benchRender(rounds: number) {
  const variants = allVariants();
  const perVariant: number[] = [];
  let bytes = 0;
  const started = process.hrtime.bigint();
  for (let round = 0; round < rounds; round++) {
    for (const input of variants) {
      const t0 = process.hrtime.bigint();
      const parsed = parseSpec(input);
      if (!parsed.success)
        throw new Error(
          `variant does not validate: ${JSON.stringify(parsed.issues)}`,
        );
      const out = renderDeployment(parsed.spec);
      for (const f of out.files) bytes += f.content.length;
      perVariant.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
  const sorted = [...perVariant].sort((a, b) => a - b);
  const q = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return {
    variants: variants.length,
    rounds,
    totalMsPerRound: totalMs / rounds,
    medianMs: q(0.5),
    p95Ms: q(0.95),
    maxMs: sorted[sorted.length - 1],
    bytesPerRound: bytes / rounds,
  };
}
