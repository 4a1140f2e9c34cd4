/*
 * A copy of packages/backend outside the workspace, installed from the
 * registry with its @internal dependencies taken from packed tarballs: what a
 * team gets when it installs the packed plugins into a Backstage backend of
 * its own.
 */
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, PackedPackage, run, toolEnv, unpack } from './packPlugins';

interface LockEntry {
  version?: string;
  link?: boolean;
  [key: string]: unknown;
}

interface Lockfile {
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

export interface FreshBackend {
  /** The backend's directory: package.json, dist/, node_modules/. */
  dir: string;
  /** Packages npm installed (entries of the project's package-lock.json). */
  installedPackages: number;
  /** Installed packages whose version differs from the workspace lockfile. */
  versionMismatches: string[];
  /** Installed packages the workspace lockfile does not have at all. */
  notInWorkspaceLock: string[];
}

/**
 * Creates the project in `workDir` and installs it.
 *
 * - packages/backend and the app come from packages/backend/dist/bundle.tar.gz
 *   (scripts/build-backend.mjs: the backend's package.json pointing at its
 *   built dist/index.cjs.js, and the app package the backend serves);
 * - every @internal dependency, direct or not, points at its tarball, so npm
 *   resolves the plugins' own @internal dependencies to the packed versions
 *   instead of looking them up in the registry;
 * - the workspace lockfile's resolved versions are the starting point
 *   (package-lock.json with its hoisted entries, which npm keeps where they
 *   satisfy the ranges and prunes where nothing needs them), the root's
 *   overrides and .npmrc (legacy-peer-deps) apply, so the install reproduces
 *   the workspace's versions instead of whatever the registry has today.
 */
export function createFreshBackend(options: {
  workDir: string;
  bundle: string;
  packed: PackedPackage[];
}): FreshBackend {
  const { workDir, bundle, packed } = options;
  const bundleDir = path.join(workDir, 'bundle');
  fs.mkdirSync(bundleDir, { recursive: true });
  run('tar', ['-xzf', bundle, '-C', bundleDir], workDir);

  const dir = path.join(workDir, 'backend');
  fs.cpSync(path.join(bundleDir, 'packages', 'backend'), dir, {
    recursive: true,
  });
  fs.cpSync(
    path.join(bundleDir, 'packages', 'app'),
    path.join(workDir, 'app'),
    { recursive: true },
  );

  const tarballDir = path.join(workDir, 'tarballs');
  fs.mkdirSync(tarballDir, { recursive: true });
  const internal: Record<string, string> = {};
  for (const p of packed) {
    const file = path.join(tarballDir, path.basename(p.tarball));
    fs.copyFileSync(p.tarball, file);
    internal[p.name] = `file:${path.relative(dir, file)}`;
  }

  const pkg = readJson<{
    name: string;
    version: string;
    dependencies: Record<string, string>;
    devDependencies?: Record<string, string>;
    [key: string]: unknown;
  }>(path.join(dir, 'package.json'));
  const dependencies: Record<string, string> = {};
  for (const [name, range] of Object.entries(pkg.dependencies)) {
    if (name.startsWith('@internal/')) {
      if (!internal[name]) {
        throw new Error(
          `packages/backend depends on ${name}, which was not packed`,
        );
      }
    } else {
      dependencies[name] = range;
    }
  }
  Object.assign(dependencies, internal);
  dependencies.app = `file:${path.relative(dir, path.join(workDir, 'app'))}`;
  const rootPkg = readJson<{ overrides?: Record<string, string> }>(
    path.join(REPO_ROOT, 'package.json'),
  );
  // A production install, as in the container image: no devDependencies
  // (@backstage/cli and its build toolchain) to resolve or install.
  const { devDependencies: _devDependencies, ...production } = pkg;
  const projectPkg = {
    ...production,
    dependencies,
    overrides: rootPkg.overrides,
  };
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    `${JSON.stringify(projectPkg, null, 2)}\n`,
  );

  const workspaceLock = readJson<Lockfile>(
    path.join(REPO_ROOT, 'package-lock.json'),
  );
  const lockPackages: Record<string, LockEntry> = {
    '': {
      name: pkg.name,
      version: pkg.version,
      dependencies,
    },
  };
  for (const [key, entry] of Object.entries(workspaceLock.packages)) {
    // Workspace links (@internal/*, app, backend) are the tarballs now.
    if (!key.startsWith('node_modules/') || entry.link) continue;
    if (key.startsWith('node_modules/@internal/')) continue;
    lockPackages[key] = entry;
  }
  fs.writeFileSync(
    path.join(dir, 'package-lock.json'),
    `${JSON.stringify(
      {
        name: pkg.name,
        version: pkg.version,
        lockfileVersion: workspaceLock.lockfileVersion,
        requires: true,
        packages: lockPackages,
      },
      null,
      2,
    )}\n`,
  );
  fs.copyFileSync(path.join(REPO_ROOT, '.npmrc'), path.join(dir, '.npmrc'));

  run(
    'npm',
    ['install', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'],
    dir,
    toolEnv({ NODE_ENV: 'production' }),
  );

  const installed = readJson<Lockfile>(path.join(dir, 'package-lock.json'));
  const versionMismatches: string[] = [];
  const notInWorkspaceLock: string[] = [];
  let installedPackages = 0;
  for (const [key, entry] of Object.entries(installed.packages)) {
    // dev: only needed by devDependencies, which --omit=dev leaves out.
    if (!key.startsWith('node_modules/') || entry.link || entry.dev) continue;
    installedPackages++;
    const name = key.replace(/^.*node_modules\//, '');
    if (name.startsWith('@internal/')) continue;
    const expected = workspaceLock.packages[key];
    if (!expected) notInWorkspaceLock.push(`${key}@${entry.version}`);
    else if (expected.version !== entry.version) {
      versionMismatches.push(`${key}: ${expected.version} -> ${entry.version}`);
    }
  }
  return { dir, installedPackages, versionMismatches, notInWorkspaceLock };
}

/** Unpacks each tarball into `dir/<package name>/` for inspection. */
export function unpackAll(
  packed: PackedPackage[],
  dir: string,
): Map<string, string> {
  const result = new Map<string, string>();
  for (const p of packed) {
    const target = path.join(dir, p.name.replace('/', '__'));
    unpack(p.tarball, target);
    result.set(p.name, target);
  }
  return result;
}
