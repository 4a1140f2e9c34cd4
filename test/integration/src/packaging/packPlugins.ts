/*
 * Builds the wide-EP plugins with `backstage-cli package build` and packs
 * them with `npm pack` in their own directories, as a release would: npm runs
 * the packages' prepack (`backstage-cli package prepack`: package.json
 * pointed at dist/, config.d.ts compiled to config.schema.json, feature
 * metadata) and postpack (restores package.json).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

// Test-only code that is never bundled, so __dirname is the source dir.
// eslint-disable-next-line no-restricted-syntax
export const REPO_ROOT = path.resolve(__dirname, '../../../..');
const BIN = path.join(REPO_ROOT, 'node_modules', '.bin');

/** Child processes find backstage-cli, tsc and the project's Node 24. */
export function toolEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${BIN}${path.delimiter}${process.env.PATH ?? ''}`,
    ...extra,
  };
}

/** Runs a command; throws with its output tail when it fails. */
export function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = toolEnv(),
): string {
  const result = spawnSync(command, args, {
    cwd,
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
    throw new Error(
      `${command} ${args.join(' ')} in ${path.relative(
        REPO_ROOT,
        cwd,
      )} failed (${result.error?.message ?? `exit ${result.status}`}):\n${output
        .split('\n')
        .slice(-40)
        .join('\n')}`,
    );
  }
  return result.stdout;
}

function newestFileTime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const time = entry.isDirectory()
      ? newestFileTime(full)
      : fs.statSync(full).mtimeMs;
    newest = Math.max(newest, time);
  }
  return newest;
}

/**
 * The package builds roll up the declarations tsc wrote to dist-types/ (as
 * Backstage's `yarn tsc` does). scripts/test-all.sh has written them just
 * before (scripts/api-reports.sh); emit them again only when missing or
 * older than a source file. Returns whether tsc ran.
 */
export function ensureDeclarations(packageDirs: string[]): boolean {
  const stale = packageDirs.some(dir => {
    const dts = path.join(
      REPO_ROOT,
      'dist-types',
      path.relative(REPO_ROOT, dir),
      'src',
      'index.d.ts',
    );
    return (
      !fs.existsSync(dts) ||
      fs.statSync(dts).mtimeMs < newestFileTime(path.join(dir, 'src'))
    );
  });
  if (!stale) return false;
  // Same command as scripts/api-reports.sh. Type errors elsewhere in the
  // repo are the type-check step's business; the declarations still emit,
  // and the package builds below fail if one they need is missing.
  spawnSync(
    'tsc',
    [
      '-p',
      '.',
      '--noEmit',
      'false',
      '--declaration',
      '--emitDeclarationOnly',
      '--outDir',
      'dist-types',
      '--incremental',
      'false',
    ],
    { cwd: REPO_ROOT, env: toolEnv(), stdio: 'ignore' },
  );
  return true;
}

/** `backstage-cli package build` in the package directory. */
export function buildPackage(dir: string): void {
  run('backstage-cli', ['package', 'build'], dir);
}

export interface PackedPackage {
  name: string;
  dir: string;
  tarball: string;
  /** Bytes of the .tgz. */
  size: number;
  /** Bytes of its files unpacked. */
  unpackedSize: number;
  /** Paths inside the package, as npm reports them. */
  files: string[];
}

/**
 * `npm pack` in the package directory. If npm dies between prepack and
 * postpack, the package.json prepack rewrote is restored here, so a failed
 * run never leaves the working tree pointing at dist/.
 */
export function npmPack(dir: string, destination: string): PackedPackage {
  const backup = path.join(dir, 'package.json-prepack');
  if (fs.existsSync(backup)) {
    throw new Error(
      `${backup} exists: an earlier pack was interrupted; compare it with package.json and restore it before packing`,
    );
  }
  try {
    const stdout = run(
      'npm',
      ['pack', '--json', '--pack-destination', destination],
      dir,
    );
    // npm prints the lifecycle scripts' output before the JSON report.
    const report = JSON.parse(stdout.slice(stdout.indexOf('[')))[0];
    return {
      name: report.name,
      dir,
      tarball: path.join(destination, report.filename),
      size: report.size,
      unpackedSize: report.unpackedSize,
      files: report.files.map((f: { path: string }) => f.path),
    };
  } finally {
    if (fs.existsSync(backup)) {
      run('backstage-cli', ['package', 'postpack'], dir);
    }
  }
}

/** Unpacks a tarball (npm's `package/` prefix stripped) into `dir`. */
export function unpack(tarball: string, dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
}

/**
 * Names a built `.d.ts` entry point exports, from the rollup output's
 * `export { a, b as c }` lists and `export declare ...` statements.
 */
export function declaredExports(dtsText: string): Set<string> {
  const names = new Set<string>();
  for (const [, list] of dtsText.matchAll(
    /export\s*(?:type\s*)?\{([^}]*)\}/g,
  )) {
    for (const item of list.split(',')) {
      const name = item
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .pop();
      if (name) names.add(name);
    }
  }
  for (const [, name] of dtsText.matchAll(
    /export\s+(?:declare\s+)?(?:abstract\s+)?(?:const|let|var|function|class|enum|namespace|interface|type)\s+(\w+)/g,
  )) {
    names.add(name);
  }
  return names;
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
