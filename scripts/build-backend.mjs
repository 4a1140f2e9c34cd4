#!/usr/bin/env node
// Host build of the backend for the container image (packages/backend/Dockerfile).
// Writes what `backstage-cli package build` writes for a backend package:
//
//   packages/backend/dist/skeleton.tar.gz  the package.json of the backend and of
//                                          every workspace package it runs with
//   packages/backend/dist/bundle.tar.gz    those packages as they pack (dist/,
//                                          config.schema.json, package.json pointing
//                                          at dist/), the root package.json,
//                                          package-lock.json and .npmrc
//
// In this npm workspace `backstage-cli package build` stops at its last step:
// it copies the root yarn.lock into the bundle (ENOENT), and it builds the app
// with `yarn run build`. Backstage's npm support for this (backstage/backstage
// pull request 20670) was closed unmerged. So this script runs the steps of the
// CLI's buildBackend through the same functions of @backstage/cli-module-build,
// with package-lock.json and .npmrc in place of yarn.lock, and builds the app
// with `backstage-cli package build` itself.
//
//   node scripts/build-backend.mjs             app + backend bundle (for the image)
//   node scripts/build-backend.mjs --no-app    leave the app's dist/ as it is
//   node scripts/build-backend.mjs --skip-build-dependencies
//                                              pack the plugins' dist/ as built
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BACKEND_DIR = path.join(ROOT, 'packages', 'backend');
const SKELETON_FILE = 'skeleton.tar.gz';
const BUNDLE_FILE = 'bundle.tar.gz';
// What `npm ci` needs next to the skeleton; yarn.lock in the CLI's own build.
const ROOT_FILES = ['package.json', 'package-lock.json', '.npmrc'];

const args = process.argv.slice(2);
const known = ['--no-app', '--skip-build-dependencies'];
const unknown = args.filter(a => !known.includes(a));
if (unknown.length > 0) {
  console.error(
    `build-backend: unknown argument ${unknown[0]}; use ${known.join(', ')}`,
  );
  process.exit(2);
}
const buildApp = !args.includes('--no-app');
const buildDependencies = !args.includes('--skip-build-dependencies');

// The CLI resolves the package and the repo root from the working directory,
// as when `backstage-cli package build` runs in packages/backend.
process.chdir(BACKEND_DIR);
process.env.PATH = `${path.join(ROOT, 'node_modules', '.bin')}${
  path.delimiter
}${process.env.PATH ?? ''}`;

const rootRequire = createRequire(path.join(ROOT, 'package.json'));
const cliBuildRequire = createRequire(
  rootRequire.resolve('@backstage/cli-module-build/package.json'),
);
const cliBuildVersion = cliBuildRequire(
  '@backstage/cli-module-build/package.json',
).version;

/** A module of the CLI's build, named so an upgrade that moves it says so. */
function cliInternal(file) {
  try {
    return cliBuildRequire(`@backstage/cli-module-build/dist/${file}`);
  } catch (error) {
    throw new Error(
      `@backstage/cli-module-build ${cliBuildVersion} has no dist/${file} ` +
        `(${error.message}); compare scripts/build-backend.mjs with that ` +
        `version's lib/buildBackend`,
    );
  }
}

const { buildPackage } = cliInternal('lib/builder/packager.cjs.js');
const { Output } = cliInternal('lib/builder/types.cjs.js');
const { createDistWorkspace } = cliInternal(
  'lib/packager/createDistWorkspace.cjs.js',
);
const { PackageGraph } = cliBuildRequire('@backstage/cli-node');
const tar = cliBuildRequire('tar');

function run(command, commandArgs, cwd) {
  console.log(
    `build-backend: ${command} ${commandArgs.join(' ')} (in ${path.relative(
      ROOT,
      cwd,
    )})`,
  );
  const result = spawnSync(command, commandArgs, { cwd, stdio: 'inherit' });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${commandArgs.join(' ')} in ${cwd} failed (${
        result.error?.message ?? `exit ${result.status ?? result.signal}`
      })`,
    );
  }
}

async function main() {
  const started = Date.now();
  const packageJson = JSON.parse(
    fs.readFileSync(path.join(BACKEND_DIR, 'package.json'), 'utf8'),
  );
  const workspacePackages = await PackageGraph.listTargetPackages();
  // Bundled frontend apps: the CLI would build them with `yarn run build`.
  const apps = workspacePackages.filter(
    p => p.packageJson.backstage?.role === 'frontend',
  );
  if (buildApp) {
    for (const app of apps) run('backstage-cli', ['package', 'build'], app.dir);
  }

  console.log('build-backend: building packages/backend/dist/index.cjs.js');
  await buildPackage({
    targetDir: BACKEND_DIR,
    packageJson,
    outputs: new Set([Output.cjs]),
    workspacePackages,
  });

  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backstage-bundle'));
  try {
    await createDistWorkspace([packageJson.name], {
      targetDir: tmpDir,
      buildDependencies,
      buildExcludes: [packageJson.name, ...apps.map(a => a.packageJson.name)],
      files: ROOT_FILES,
      skeleton: SKELETON_FILE,
    });
    const distDir = path.join(BACKEND_DIR, 'dist');
    fs.rmSync(distDir, { recursive: true, force: true });
    fs.mkdirSync(distDir);
    fs.renameSync(
      path.join(tmpDir, SKELETON_FILE),
      path.join(distDir, SKELETON_FILE),
    );
    await tar.create(
      {
        file: path.join(distDir, BUNDLE_FILE),
        cwd: tmpDir,
        portable: true,
        noMtime: true,
        gzip: true,
      },
      [''],
    );
    for (const file of [SKELETON_FILE, BUNDLE_FILE]) {
      const { size } = fs.statSync(path.join(distDir, file));
      console.log(
        `build-backend: packages/backend/dist/${file} ${(size / 1024).toFixed(
          0,
        )} KiB`,
      );
    }
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
  console.log(
    `build-backend: done in ${((Date.now() - started) / 1000).toFixed(0)} s${
      buildApp ? '' : ' (app not rebuilt: --no-app)'
    }`,
  );
}

main().catch(error => {
  console.error(`build-backend: ${error.message}`);
  process.exit(1);
});
