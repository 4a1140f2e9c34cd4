#!/usr/bin/env node
/**
 * Rank card render benchmark in real headless Chromium (Debian's, through
 * playwright-core; no browser download): bundles harness.tsx with esbuild
 * (React production build, as the app ships), opens it from a file and prints
 * the medians of mounting 1,024 ranks (128 pods x 8), a refresh that changes
 * 3 ranks and a click, beside a plain-DOM baseline of the same buttons; then
 * median and p95 of the card at 10,000 ranks (group tiles and the ranks that
 * are not healthy), alone, refreshed, and with a 500-rank 60-minute history
 * (uPlot lines and the heatmap), and of a 10,000-rank history.
 *
 * Usage: npm run bench:card -w @internal/plugin-wide-ep [-- --screenshot out.png [--fleet] [--dark]]
 *        BENCH_RUNS=31 CHROMIUM=/usr/bin/chromium (defaults)
 * --screenshot also saves what was measured, drawn once after the runs
 * (--fleet: the 10,000-rank card with its history; --dark: the dark theme).
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
const SCALE_TARGET_MS = 100;
const showFleet = process.argv.includes('--fleet');
const darkTheme = process.argv.includes('--dark');
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
  const pageErrors = [];
  page.on('pageerror', e => pageErrors.push(e.message));
  await page.goto(
    `file://${path.join(dir, 'index.html')}${darkTheme ? '#dark' : ''}`,
  );
  const result = await page.evaluate(
    ([runs, warmup]) => window.runBench(runs, warmup),
    [RUNS, WARMUP],
  );
  const scale = await page.evaluate(
    ([runs, warmup]) => window.runScaleBench(runs, warmup),
    [RUNS, WARMUP],
  );
  if (screenshot) {
    await page.evaluate(
      which => window.showBench(which),
      showFleet ? 'fleet' : 'grid',
    );
    await page.waitForTimeout(300);
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
  const p95 = values => {
    const s = [...values].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)];
  };
  const scaleLine = (name, samples, key = 'layout') => {
    const v = samples.map(x => x[key]);
    return `${name.padEnd(58)} median ${fmt(median(v))} ms   p95 ${fmt(
      p95(v),
    )} ms`;
  };
  const s = result.samples;
  const f = scale.samples;
  const fleetP95 = p95(f.fleet.map(x => x.layout));
  const withHistoryP95 = p95(f.fleetWithHistory.map(x => x.layout));
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
      `10,000 ranks in one deployment (125 prefill + 125 decode groups; ${RUNS} runs, to laid-out DOM):`,
      scaleLine('card, group tiles + not-healthy ranks', f.fleet),
      scaleLine('  of which grouping the ranks (no DOM)', f.grouping),
      scaleLine('refresh: new response, 1 rank newly failed', f.fleetRefresh),
      scaleLine(
        'card + 500-rank 60 min history: laid-out DOM',
        f.fleetWithHistory,
      ),
      scaleLine(
        'card + 500-rank 60 min history: plots drawn',
        f.fleetWithHistory,
        'plots',
      ),
      scaleLine(
        '10,000-rank 60 min history alone: plots drawn',
        f.history10k,
        'plots',
      ),
      `target: 10,000-rank card to laid-out DOM < ${SCALE_TARGET_MS} ms at p95 -> ${
        fleetP95 < SCALE_TARGET_MS ? 'met' : 'NOT met'
      } (${fleetP95.toFixed(
        1,
      )} ms; with the 500-rank history ${withHistoryP95.toFixed(1)} ms)`,
      '',
    ].join('\n'),
  );
  result.errors.push(...scale.errors, ...pageErrors);
  if (result.errors.length) {
    console.error(
      `harness checks failed:\n  ${[...new Set(result.errors)].join('\n  ')}`,
    );
    process.exitCode = 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
