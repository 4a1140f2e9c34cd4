#!/usr/bin/env node
// Bundle split of the plugin's new-frontend-system entry (src/alpha.tsx):
// how much of the plugin's own code loads with the app (the entry chunk)
// and how much only when an entity page shows the rank card (its lazy
// chunk). Dependencies (React, MUI, Backstage, -common) are left external,
// so the figures are this plugin's code only, minified, as esbuild splits
// it at the extension loaders' dynamic imports.
//
//   node plugins/wide-ep/bench/bundleSplit.mjs [--src <plugin src dir>]
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

const here = path.dirname(fileURLToPath(import.meta.url));
const at = process.argv.indexOf('--src');
const src =
  at > 0 ? path.resolve(process.argv[at + 1]) : path.join(here, '..', 'src');

const result = await build({
  entryPoints: [path.join(src, 'alpha.tsx')],
  bundle: true,
  splitting: true,
  format: 'esm',
  minify: true,
  packages: 'external',
  jsx: 'automatic',
  loader: { '.json': 'json' },
  outdir: mkdtempSync(path.join(tmpdir(), 'wide-ep-bundle-')),
  metafile: true,
  logLevel: 'error',
});

const outputs = result.metafile.outputs;
const js = Object.keys(outputs).filter(f => f.endsWith('.js'));
const print = line => process.stdout.write(`${line}\n`);
const kb = n => `${(n / 1024).toFixed(1)} KB`;
const entry = js.find(f => outputs[f].entryPoint);
// What loads with the app: the entry chunk and every chunk it imports
// statically, transitively. Dynamic imports are the lazy boundaries.
const eager = new Set();
const visit = f => {
  if (eager.has(f)) return;
  eager.add(f);
  for (const i of outputs[f].imports)
    if (i.kind === 'import-statement' && !i.external) visit(i.path);
};
visit(entry);
const bytes = files => files.reduce((n, f) => n + outputs[f].bytes, 0);
const inputsOf = files => files.flatMap(f => Object.keys(outputs[f].inputs));
const cardFiles = inputsOf([...eager])
  .filter(i => i.includes('EntityWideEpRankCard/'))
  .map(i => path.basename(i));
const cardChunks = js.filter(
  f =>
    !eager.has(f) &&
    Object.keys(outputs[f].inputs).some(i =>
      i.includes('EntityWideEpRankCard/'),
    ),
);
print(
  `loads with the app (entry + static imports, ${eager.size} chunks): ${kb(
    bytes([...eager]),
  )}; rank-card files in it: ${cardFiles.join(', ') || 'none'}`,
);
print(
  `rank card, lazy: ${kb(bytes(cardChunks))} in ${cardChunks.length} chunk(s)`,
);
print(`all chunks: ${js.length}, ${kb(bytes(js))}`);
