#!/usr/bin/env node
/**
 * Chart-library comparison behind the rank card's choice (see the README):
 * for each candidate, the minified and gzipped size of what it adds to the
 * card chunk (React and MUI are already in the app, so they stay out), and
 * the time to draw N line series of 240 points (60 min at a 15 s step) in
 * headless Chromium (Debian's, through playwright-core).
 *
 * The candidates are not dependencies of the plugin: this script installs
 * them (exact versions below) into a temporary directory with npm, or uses
 * CHART_CANDIDATES_DIR if it already holds them.
 *
 *   node plugins/wide-ep/bench/chartLibraries/compare.mjs
 *   BENCH_RUNS=11 BENCH_SERIES=50,500,2000 CHROMIUM=/usr/bin/chromium (defaults)
 */
/* eslint-disable no-console -- a command-line benchmark that prints its figures */
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoModules = path.resolve(here, '../../../../node_modules');
const RUNS = Number(process.env.BENCH_RUNS ?? 11);
const COUNTS = (process.env.BENCH_SERIES ?? '50,500,2000')
  .split(',')
  .map(Number);
const POINTS = 240;

/** name -> [entry file, packages it needs at exact versions] */
const CANDIDATES = {
  uplot: ['uplot.ts', ['uplot@1.6.32']],
  'chart.js': ['chartjs.ts', ['chart.js@4.6.1']],
  echarts: ['echarts.ts', ['echarts@6.1.0']],
  recharts: ['recharts.tsx', ['recharts@3.10.1']],
  visx: ['visx.tsx', ['@visx/xychart@4.0.0', '@react-spring/web@10.1.2']],
};
const only = process.env.BENCH_CANDIDATES?.split(',');
const names = Object.keys(CANDIDATES).filter(n => !only || only.includes(n));

const executablePath = [
  process.env.CHROMIUM,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
]
  .filter(Boolean)
  .find(p => existsSync(p));
if (!executablePath) {
  console.error(
    'Chromium not found: apt-get install -y chromium (or set CHROMIUM)',
  );
  process.exit(2);
}

const given = process.env.CHART_CANDIDATES_DIR;
const modulesDir =
  given ?? mkdtempSync(path.join(tmpdir(), 'chart-candidates-'));
if (!given) {
  writeFileSync(path.join(modulesDir, 'package.json'), '{"private":true}');
  console.log(`installing candidates into ${modulesDir} ...`);
  // --legacy-peer-deps: React comes from the repo, one copy for all.
  execFileSync(
    'npm',
    [
      'install',
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--legacy-peer-deps',
      '--prefix',
      modulesDir,
      ...names.flatMap(n => CANDIDATES[n][1]),
    ],
    { stdio: 'inherit' },
  );
}
const nodePaths = [path.join(modulesDir, 'node_modules'), repoModules];
const work = mkdtempSync(path.join(tmpdir(), 'chart-compare-'));

/** Size of what a candidate adds to a chunk: its code minified, React left out. */
async function sizeOf(name) {
  const result = await build({
    entryPoints: [path.join(here, 'candidates', CANDIDATES[name][0])],
    bundle: true,
    format: 'esm',
    minify: true,
    write: false,
    jsx: 'automatic',
    external: ['react', 'react-dom', 'react/*', 'react-dom/*'],
    define: { 'process.env.NODE_ENV': '"production"' },
    nodePaths,
    logLevel: 'error',
  });
  const code = result.outputFiles[0].contents;
  return { min: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

async function timingsOf(browser, name) {
  const entry = path.join(work, `${name.replace(/\W/g, '')}.ts`);
  writeFileSync(
    entry,
    `import { draw } from ${JSON.stringify(
      path.join(here, 'candidates', CANDIDATES[name][0]),
    )};
import { runBench } from ${JSON.stringify(path.join(here, 'page.ts'))};
Object.assign(window, { run: (o: any) => runBench(draw, o) });`,
  );
  const outfile = `${entry}.js`;
  await build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    minify: true,
    jsx: 'automatic',
    target: 'chrome120',
    define: { 'process.env.NODE_ENV': '"production"' },
    nodePaths,
    outfile,
    logLevel: 'error',
  });
  const html = `${entry}.html`;
  writeFileSync(
    html,
    `<!doctype html><meta charset="utf-8"><body><script src="${path.basename(
      outfile,
    )}"></script>`,
  );
  const page = await browser.newPage({
    viewport: { width: 1000, height: 800 },
  });
  const errors = [];
  page.on('pageerror', e => errors.push(e.message));
  await page.goto(`file://${html}`);
  const result = await page.evaluate(o => window.run(o), {
    counts: COUNTS,
    points: POINTS,
    runs: RUNS,
    warmup: 2,
    budgetMs: 20_000,
  });
  await page.close();
  if (errors.length) throw new Error(`${name}: ${errors.join('; ')}`);
  return result;
}

const median = v => {
  const s = [...v].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const kb = n => `${(n / 1024).toFixed(1)} KB`;

try {
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
  const loadBefore = loadavg()[0];
  const rows = [];
  for (const name of names) {
    const size = await sizeOf(name);
    const timings = await timingsOf(browser, name);
    rows.push({ name, size, timings });
    const t = timings
      .map(
        ({ count, samples, drew }) =>
          `${count} series ${median(samples.map(s => s.ready)).toFixed(
            1,
          )} ms ready / ${median(samples.map(s => s.frame)).toFixed(
            1,
          )} ms frame (n=${samples.length}${drew ? '' : ', DREW NOTHING'})`,
      )
      .join('; ');
    console.log(
      `${name.padEnd(9)} ${kb(size.min).padStart(9)} min ${kb(
        size.gzip,
      ).padStart(9)} gzip | ${t}`,
    );
  }
  console.log(
    `\n${POINTS} points per series, 800x240 px, medians of up to ${RUNS} runs (fewer when one draw takes seconds), Chromium ${browser.version()}; 1-min load average ${loadBefore.toFixed(
      1,
    )} -> ${loadavg()[0].toFixed(1)}`,
  );
  await browser.close();
} finally {
  rmSync(work, { recursive: true, force: true });
  if (!given) rmSync(modulesDir, { recursive: true, force: true });
}
