#!/usr/bin/env node
// Bundle split of the plugin's new-frontend-system entry (src/alpha.tsx):
// how much of the plugin's own code loads with the app (the entry chunk)
// and how much only when an entity page shows the rank card (its lazy
// chunk). Dependencies (React, MUI, Backstage, -common) are left external,
// so the figures are this plugin's code only, minified (and gzipped, -9), as
// esbuild splits it at the extension loaders' dynamic imports. A second
// build bundles the one third-party library the card brings that the app
// does not already have, uPlot, which loads on the card's first plot.
//
//   node plugins/wide-ep/bench/bundleSplit.mjs [--src <plugin src dir>]
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const at = process.argv.indexOf('--src');
const src =
  at > 0 ? path.resolve(process.argv[at + 1]) : path.join(here, '..', 'src');

const manifest = JSON.parse(
  readFileSync(path.join(here, '..', 'package.json'), 'utf8'),
);
/** Libraries the card brings that the app does not already load. */
const CARD_LIBRARIES = ['uplot'];

const buildSplit = options =>
  build({
    entryPoints: [path.join(src, 'alpha.tsx')],
    bundle: true,
    splitting: true,
    format: 'esm',
    minify: true,
    jsx: 'automatic',
    loader: { '.json': 'json' },
    outdir: mkdtempSync(path.join(tmpdir(), 'wide-ep-bundle-')),
    metafile: true,
    logLevel: 'error',
    ...options,
  });

const result = await buildSplit({ packages: 'external' });
const withLibraries = await buildSplit({
  external: [
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ]
    .filter(name => !CARD_LIBRARIES.includes(name))
    .flatMap(name => [name, `${name}/*`]),
});

const outputs = result.metafile.outputs;
const js = Object.keys(outputs).filter(f => f.endsWith('.js'));
const print = line => process.stdout.write(`${line}\n`);
const kb = n => `${(n / 1024).toFixed(1)} KB`;
const bytes = (files, outs = outputs) =>
  files.reduce((n, f) => n + outs[f].bytes, 0);
const gzipOf = files =>
  files.reduce((n, f) => n + gzipSync(readFileSync(f), { level: 9 }).length, 0);
const sizes = files => `${kb(bytes(files))} (gzip ${kb(gzipOf(files))})`;
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
  `loads with the app (entry + static imports, ${eager.size} chunks): ${sizes([
    ...eager,
  ])}; rank-card files in it: ${cardFiles.join(', ') || 'none'}`,
);
print(`rank card, lazy: ${sizes(cardChunks)} in ${cardChunks.length} chunk(s)`);
print(`all chunks: ${js.length}, ${sizes(js)}`);

// The same split with the card's libraries bundled: the chunks that hold
// their code, apart from the plugin's own.
const libOutputs = withLibraries.metafile.outputs;
const libraryChunks = Object.keys(libOutputs).filter(
  f =>
    f.endsWith('.js') &&
    Object.keys(libOutputs[f].inputs).some(i =>
      CARD_LIBRARIES.some(l => i.includes(`node_modules/${l}/`)),
    ),
);
for (const f of libraryChunks) {
  const own = Object.keys(libOutputs[f].inputs).filter(
    i => !i.includes('node_modules/'),
  );
  print(
    `${CARD_LIBRARIES.join(', ')}, lazy on the card's first plot: ${kb(
      libOutputs[f].bytes,
    )} (gzip ${kb(gzipOf([f]))})${
      own.length ? `, with plugin files ${own.map(i => path.basename(i))}` : ''
    }`,
  );
}
