/**
 * Page side of the chart-library comparison (compare.mjs bundles it once
 * per candidate and opens it in headless Chromium). Times one candidate
 * drawing N series of the same deterministic data.
 */
import type { Draw, SeriesData } from './candidates/types';

export interface Timing {
  /** draw() plus its microtasks and one macrotask, then a forced layout. */
  ready: number;
  /**
   * ...up to the second animation frame, so the first frame's paint (SVG
   * candidates paint there, canvas ones drew already) is counted.
   */
  frame: number;
}

/** Seeded PRNG (mulberry32), so every candidate draws the same data. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` random walks of `points` samples, 15 s apart, a few gaps. */
export function makeSeries(count: number, points: number): SeriesData {
  const next = random(count * 7919 + points);
  const start = 1_795_000_000;
  const timestamps = Array.from({ length: points }, (_, i) => start + i * 15);
  const series = Array.from({ length: count }, (_, j) => {
    let v = 20 + next() * 60;
    const values = timestamps.map(() => {
      v = Math.max(0, v + (next() - 0.5) * 8);
      return next() < 0.01 ? null : Math.round(v * 10) / 10;
    });
    return { label: `rank ${j}`, values };
  });
  return { timestamps, series };
}

const macrotask = () =>
  new Promise<void>(resolve => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
const frame = () => new Promise<void>(r => requestAnimationFrame(() => r()));
const idle = () => new Promise(r => setTimeout(r, 30));

export async function runBench(
  draw: Draw,
  options: {
    counts: number[];
    points: number;
    runs: number;
    warmup: number;
    budgetMs: number;
  },
): Promise<{ count: number; samples: Timing[]; drew: boolean }[]> {
  const out = [];
  for (const count of options.counts) {
    const data = makeSeries(count, options.points);
    const samples: Timing[] = [];
    let drew = true;
    const began = performance.now();
    for (let i = 0; i < options.warmup + options.runs; i++) {
      const el = document.createElement('div');
      el.style.width = '800px';
      el.style.height = '240px';
      document.body.appendChild(el);
      const start = performance.now();
      const dispose = draw(el, data, { width: 800, height: 240 });
      await macrotask();
      void el.getBoundingClientRect().height;
      const ready = performance.now() - start;
      await frame();
      await frame();
      const framed = performance.now() - start;
      drew &&= el.querySelector('canvas, svg') !== null;
      dispose();
      el.remove();
      await idle();
      if (i >= options.warmup) samples.push({ ready, frame: framed });
      // A candidate that takes seconds per draw is measured fewer times.
      if (i >= options.warmup && performance.now() - began > options.budgetMs)
        break;
      // A slow candidate skips its remaining warm-up runs.
      if (i < options.warmup && ready > options.budgetMs / 4) {
        i = options.warmup - 1;
      }
    }
    out.push({ count, samples, drew });
  }
  return out;
}
