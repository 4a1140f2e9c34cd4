#!/usr/bin/env node
/**
 * Rank card render benchmark in real headless Chromium (Debian's, through
 * playwright-core; no browser download): bundles harness.tsx with esbuild
 * (React production build, as the app ships), opens it from a file and prints
 * the medians of mounting 1,024 ranks (128 pods x 8), a refresh that changes
 * 3 ranks and a click, beside a plain-DOM baseline of the same buttons.
 *
 * Usage: npm run bench:card -w @internal/plugin-wide-ep [-- --screenshot out.png]
 *        BENCH_RUNS=31 CHROMIUM=/usr/bin/chromium (defaults)
 * --screenshot also saves what was measured, drawn once after the runs.
 */
/* eslint-disable no-console -- a command-line benchmark that prints its figures */
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.env.BENCH_RUNS ?? 31);
const shotAt = process.argv.indexOf('--screenshot');
const screenshot =
  shotAt > 0
    ? path.resolve(process.argv[shotAt + 1] ?? 'rank-card-bench.png')
    : undefined;
const WARMUP = 5;
const TARGET_MS = 50;
const here = path.dirname(fileURLToPath(import.meta.url));

const executablePath = [
  process.env.CHROMIUM,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
]
  .filter(Boolean)
  .find(p => existsSync(p));
if (!executablePath) {
  console.error(
    'Chromium not found: apt-get update && apt-get install -y chromium (or set CHROMIUM)',
  );
  process.exit(2);
}

const dir = mkdtempSync(path.join(tmpdir(), 'wide-ep-card-bench-'));
try {
  await build({
    entryPoints: [path.join(here, 'harness.tsx')],
    bundle: true,
    format: 'iife',
    minify: true,
    jsx: 'automatic',
    target: 'chrome120',
    define: { 'process.env.NODE_ENV': '"production"' },
    outfile: path.join(dir, 'bench.js'),
    logLevel: 'error',
  });
  writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"></head><body><script src="bench.js"></script></body></html>',
  );

  const loadBefore = loadavg()[0];
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = await browser.newPage({
    viewport: { width: 1400, height: 1000 },
  });
  await page.goto(`file://${path.join(dir, 'index.html')}`);
  const result = await page.evaluate(
    ([runs, warmup]) => window.runBench(runs, warmup),
    [RUNS, WARMUP],
  );
  if (screenshot) {
    await page.evaluate(() => window.showBench());
    await page.screenshot({ path: screenshot, fullPage: true });
  }
  const version = browser.version();
  await browser.close();

  const median = values => {
    const s = [...values].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const fmt = n => n.toFixed(1).padStart(6);
  const line = (name, samples) => {
    const commit = samples.map(s => s.commit);
    const layout = samples.map(s => s.layout);
    return `${name.padEnd(44)} commit median ${fmt(
      median(commit),
    )} ms   + layout median ${fmt(median(layout))} ms (min ${fmt(
      Math.min(...layout),
    )}, max ${fmt(Math.max(...layout))})`;
  };
  const s = result.samples;
  const mountLayout = median(s.mount.map(x => x.layout));
  console.log(
    [
      '',
      `Rank card render benchmark in Chromium ${version} (headless, React production build):`,
      `1,024 ranks (128 pods x 8), median of ${RUNS} runs after ${WARMUP} warm-up runs;`,
      `1-min load average ${loadBefore.toFixed(1)} -> ${loadavg()[0].toFixed(
        1,
      )} on ${cpus().length} CPUs`,
      line('baseline: same 1,024 buttons, plain DOM', s.baseline),
      line('RankHealthView mount', s.mount),
      line('click a rank (details panel)', s.click),
      line('refresh: new response, 3 ranks changed', s.refresh),
      `target: mount to laid-out DOM < ${TARGET_MS} ms -> ${
        mountLayout < TARGET_MS ? 'met' : 'NOT met'
      } (${mountLayout.toFixed(1)} ms)`,
      '',
    ].join('\n'),
  );
  if (result.errors.length) {
    console.error(
      `harness checks failed:\n  ${[...new Set(result.errors)].join('\n  ')}`,
    );
    process.exitCode = 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
