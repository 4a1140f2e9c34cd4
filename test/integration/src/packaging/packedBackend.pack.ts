/*
 * Packaging (issue #14): every plugin under plugins/ packs with `npm pack`
 * (README, package.json pointing at a built dist/, backstage metadata, the
 * config schema compiled from config.d.ts), and the packed backend plugin and
 * modules, installed into a fresh copy of packages/backend outside the
 * workspace, start and answer over HTTP.
 *
 * Not part of the main jest run (*.pack.ts); scripts/test-all.sh runs it as
 * its own step:
 *   cd test/integration && CI=1 WIDE_EP_TEST_KUBECONFIG=/nonexistent \
 *     npx backstage-cli package test --watchAll=false --testMatch '**' + '/src/**' + '/*.pack.ts'
 * Prints the time of each phase and the tarball sizes. WIDE_EP_KEEP_PACK_DIR=1
 * keeps the temp directory (tarballs, installed backend, its log).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { wideEpDeploymentApplyPermission } from '@internal/plugin-wide-ep-common';
import {
  REPO_ROOT,
  PackedPackage,
  buildPackage,
  declaredExports,
  ensureDeclarations,
  freePort,
  npmPack,
  run,
  toolEnv,
} from './packPlugins';
import { FreshBackend, createFreshBackend, unpackAll } from './freshBackend';
import { RunningBackend, startBackend } from './runBackend';
import { waitUntil } from '../waitUntil';

const PLUGINS_DIR = path.join(REPO_ROOT, 'plugins');
const LOG_FILE = path.join(
  REPO_ROOT,
  'test',
  'artifacts',
  'packaging',
  'packed-backend.log',
);
// Roles whose packages a backend installs; the frontend plugin is packed and
// checked but belongs in an app.
const BACKEND_ROLES = [
  'backend-plugin',
  'backend-plugin-module',
  'node-library',
  'common-library',
];

interface PackageJson {
  name: string;
  main?: string;
  types?: string;
  configSchema?: string;
  exports?: Record<string, string | Record<string, string>>;
  backstage?: {
    role?: string;
    pluginId?: string;
    pluginPackages?: string[];
    pluginPackage?: string;
    features?: Record<string, string>;
  };
}

const readJson = <T>(file: string): T =>
  JSON.parse(fs.readFileSync(file, 'utf8')) as T;

const pluginDirs = fs
  .readdirSync(PLUGINS_DIR)
  .map(name => path.join(PLUGINS_DIR, name))
  .filter(dir => fs.existsSync(path.join(dir, 'package.json')));

const figures: string[] = [];
function timed<T>(what: string, fn: () => T): T {
  const start = Date.now();
  const result = fn();
  figures.push(`${what}: ${((Date.now() - start) / 1000).toFixed(1)} s`);
  return result;
}

let workDir: string;
let packed: PackedPackage[] = [];
let unpacked: Map<string, string>;
let fresh: FreshBackend;
let backend: RunningBackend | undefined;
const token = randomBytes(24).toString('hex');
// An apply-only rollout's entity in wideEp.catalog.entitiesDirectory, where
// wide-ep:register used to write it and from where the backend takes it
// over; the packed catalog module provides it to the catalog.
const REGISTERED = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'packaged-wide-ep', namespace: 'default' },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/platform',
  },
};

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wide-ep-packaging-'));
  const tarballDir = path.join(workDir, 'packed');
  fs.mkdirSync(tarballDir);

  const emitted = timed('declarations (tsc, only when stale)', () =>
    ensureDeclarations(pluginDirs),
  );
  if (!emitted) figures.pop();
  timed(`backstage-cli package build x${pluginDirs.length}`, () =>
    pluginDirs.forEach(buildPackage),
  );
  packed = timed(`npm pack x${pluginDirs.length}`, () =>
    pluginDirs.map(dir => npmPack(dir, tarballDir)),
  );
  timed('scripts/build-backend.mjs (backend bundle)', () =>
    run(
      'node',
      ['scripts/build-backend.mjs', '--no-app', '--skip-build-dependencies'],
      REPO_ROOT,
    ),
  );
  unpacked = unpackAll(packed, path.join(workDir, 'unpacked'));

  const backendPackages = packed.filter(p =>
    BACKEND_ROLES.includes(
      readJson<PackageJson>(path.join(unpacked.get(p.name)!, 'package.json'))
        .backstage?.role ?? '',
    ),
  );
  fresh = timed('npm install of the fresh backend', () =>
    createFreshBackend({
      workDir,
      bundle: path.join(REPO_ROOT, 'packages/backend/dist/bundle.tar.gz'),
      packed: backendPackages,
    }),
  );

  const entitiesDirectory = path.join(workDir, 'wide-ep-entities');
  fs.mkdirSync(entitiesDirectory);
  // JSON is YAML; the folder's reader takes *.yaml files.
  fs.writeFileSync(
    path.join(entitiesDirectory, 'component.default.packaged-wide-ep.yaml'),
    JSON.stringify(REGISTERED),
  );
  const port = await freePort();
  const configFile = path.join(workDir, 'app-config.packaging.json');
  // JSON is YAML: Backstage reads it as any other config file.
  const config = {
    app: { baseUrl: `http://127.0.0.1:${port}` },
    backend: {
      baseUrl: `http://127.0.0.1:${port}`,
      listen: { port, host: '127.0.0.1' },
      database: { client: 'better-sqlite3', connection: ':memory:' },
      auth: {
        externalAccess: [
          {
            type: 'static',
            options: { token, subject: 'packaging-test' },
          },
        ],
      },
    },
    kubernetes: {
      serviceLocatorMethod: { type: 'singleTenant' },
      clusterLocatorMethods: [{ type: 'config', clusters: [] }],
    },
    // A signed-in user for the policy test; loopback only, test config only.
    auth: {
      providers: { guest: { dangerouslyAllowOutsideDevelopment: true } },
    },
    permission: { enabled: true },
    wideEp: {
      catalog: { entitiesDirectory },
      permissionPolicy: {
        platformGroups: ['group:default/platform'],
        protectedClusters: ['prod-*'],
      },
    },
  };
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  const start = Date.now();
  backend = await startBackend({
    dir: fresh.dir,
    port,
    configFile,
    logFile: LOG_FILE,
    readyTimeoutMs: 120_000,
  });
  figures.push(
    `packed backend ready: ${((Date.now() - start) / 1000).toFixed(1)} s`,
  );
}, 30 * 60_000);

afterAll(async () => {
  await backend?.stop();
  const sizes = packed.map(
    p =>
      `  ${path.basename(p.tarball)}: ${(p.size / 1024).toFixed(0)} KiB (${(
        p.unpackedSize / 1024
      ).toFixed(0)} KiB unpacked, ${p.files.length} files)`,
  );
  console.log(
    [
      'packaging figures:',
      ...figures.map(f => `  ${f}`),
      ...(fresh
        ? [
            `  fresh backend: ${fresh.installedPackages} packages installed, ${fresh.versionMismatches.length} at another version than the workspace lockfile`,
          ]
        : []),
      'tarballs:',
      ...sizes,
    ].join('\n'),
  );
  if (workDir && process.env.WIDE_EP_KEEP_PACK_DIR !== '1') {
    fs.rmSync(workDir, { recursive: true, force: true });
  } else if (workDir) {
    console.log(`kept ${workDir}`);
  }
});

function packageJsonOf(p: PackedPackage): PackageJson {
  return readJson<PackageJson>(
    path.join(unpacked.get(p.name)!, 'package.json'),
  );
}

describe('npm pack of every plugin', () => {
  it('packs every plugin under plugins/', () => {
    expect(packed.map(p => p.dir).sort()).toEqual([...pluginDirs].sort());
  });

  it('ships the README and a package.json whose entry points are built files in dist/', () => {
    for (const p of packed) {
      const pkg = packageJsonOf(p);
      const dir = unpacked.get(p.name)!;
      expect({ name: p.name, readme: p.files.includes('README.md') }).toEqual({
        name: p.name,
        readme: true,
      });
      expect(p.files.filter(f => f.startsWith('src/'))).toEqual([]);
      const entryFiles = [
        pkg.main,
        pkg.types,
        ...Object.entries(pkg.exports ?? {})
          .filter(([mount]) => mount !== './package.json')
          .flatMap(([, target]) =>
            typeof target === 'string' ? [target] : Object.values(target),
          )
          .filter(target => target.startsWith('./')),
      ].filter((f): f is string => Boolean(f));
      for (const file of entryFiles) {
        expect({
          name: p.name,
          file,
          inDist: /^(\.\/)?dist\//.test(file),
        }).toEqual({ name: p.name, file, inDist: true });
        expect({
          name: p.name,
          file,
          exists: fs.existsSync(path.join(dir, file)),
        }).toEqual({ name: p.name, file, exists: true });
      }
      expect(pkg.main).toBeDefined();
    }
  });

  it('carries the backstage metadata backstage-cli checks before publishing', () => {
    // What `backstage-cli package prepack` requires (pluginId; pluginPackages
    // for plugins and libraries, pluginPackage for modules) and what it
    // writes from the built declarations (a backend feature as default
    // export, so backend.add(import(...)) works).
    const metadata = packed.map(p => {
      const { backstage = {} } = packageJsonOf(p);
      const role = backstage.role ?? '';
      return {
        name: p.name,
        role,
        pluginId: backstage.pluginId,
        plugin: role.endsWith('-module')
          ? backstage.pluginPackage
          : backstage.pluginPackages?.includes(p.name),
        features: role.startsWith('backend-plugin')
          ? backstage.features
          : undefined,
      };
    });
    const aPackageName = expect.stringMatching(/^@/);
    expect(metadata).toEqual(
      metadata.map(({ name, role }) => ({
        name,
        role: expect.stringMatching(
          /^(backend|frontend)-plugin(-module)?$|-library$/,
        ),
        pluginId: expect.any(String),
        plugin: role.endsWith('-module') ? aPackageName : true,
        features: role.startsWith('backend-plugin')
          ? { '.': '@backstage/BackendFeature' }
          : undefined,
      })),
    );
  });

  it('ships config.d.ts compiled to config.schema.json where the plugin has one', () => {
    const shipped = packed.map(p => {
      const file = path.join(unpacked.get(p.name)!, 'config.schema.json');
      return {
        name: p.name,
        configSchema: packageJsonOf(p).configSchema,
        // The top-level keys of the compiled schema.
        keys: fs.existsSync(file)
          ? Object.keys(
              readJson<{ properties?: object }>(file).properties ?? {},
            )
          : undefined,
      };
    });
    expect(shipped).toEqual(
      packed.map(p =>
        fs.existsSync(path.join(p.dir, 'config.d.ts'))
          ? {
              name: p.name,
              configSchema: 'config.schema.json',
              keys: ['wideEp'],
            }
          : { name: p.name, configSchema: undefined, keys: undefined },
      ),
    );
  });
});

describe('the packed backend packages, installed into a fresh packages/backend', () => {
  it('resolve to the versions of the workspace lockfile', () => {
    expect(fresh.notInWorkspaceLock).toEqual([]);
    expect(fresh.versionMismatches).toEqual([]);
  });

  it('declare in their .d.ts every value their built JavaScript exports', () => {
    // A doc comment containing "@internal" (e.g. a package name) makes tsc's
    // stripInternal drop the declaration from the published types.
    const entries = packed.flatMap(p => {
      const pkg = packageJsonOf(p);
      if (!BACKEND_ROLES.includes(pkg.backstage?.role ?? '')) return [];
      return Object.entries(pkg.exports ?? { '.': { require: pkg.main } })
        .filter(([, t]) => typeof t === 'object' && t.require && t.types)
        .map(([mount, t]) => ({
          name: p.name,
          mount,
          require: (t as Record<string, string>).require,
          types: (t as Record<string, string>).types,
        }));
    });
    expect(entries.length).toBeGreaterThan(0);
    const script = `
      const entries = JSON.parse(process.argv[1]);
      const out = entries.map(e => Object.keys(require(require.resolve(e.name + '/package.json').replace(/package\\.json$/, e.require))).filter(k => k !== '__esModule'));
      process.stdout.write(JSON.stringify(out));`;
    const values: string[][] = JSON.parse(
      run('node', ['-e', script, JSON.stringify(entries)], fresh.dir),
    );
    const undeclared = entries.flatMap((e, i) => {
      const declared = declaredExports(
        fs.readFileSync(
          path.join(fresh.dir, 'node_modules', e.name, e.types),
          'utf8',
        ),
      );
      return values[i]
        .filter(v => !declared.has(v))
        .map(v => `${e.name} ${e.mount}: ${v}`);
    });
    expect(undeclared).toEqual([]);
  });

  it('include a wide-ep CLI that runs from dist/', () => {
    const result = spawnSync(
      path.join(fresh.dir, 'node_modules', '.bin', 'wide-ep'),
      [
        'validate',
        '--spec',
        path.join(REPO_ROOT, 'examples/wide-ep-sample/spec.yaml'),
      ],
      { cwd: fresh.dir, env: toolEnv(), encoding: 'utf8' },
    );
    expect({ status: result.status, stderr: result.stderr }).toEqual({
      status: 0,
      stderr: expect.any(String),
    });
    expect(result.stdout).toMatch(/^ok: wide-ep-sample/);
  });
});

describe('the fresh backend, started on the packed plugins', () => {
  const get = (url: string, auth = true) =>
    fetch(`${backend!.baseUrl}${url}`, {
      headers: auth ? { authorization: `Bearer ${token}` } : {},
    });

  it('initialises every plugin and module', () => {
    // startBackend waited for readiness 200; Backstage only answers 200
    // once every plugin and module has initialised.
    expect(backend!.log()).toContain('Plugin initialization complete');
    expect(backend!.log()).toContain("'wide-ep'");
  });

  it('serves the wide-EP backend plugin under /api/wide-ep', async () => {
    const anonymous = await get('/api/wide-ep/ranks', false);
    expect(anonymous.status).toBe(401);
    const res = await get('/api/wide-ep/ranks');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: {
        name: 'InputError',
        message: expect.stringMatching(/entityRef/),
      },
    });
    // The control: a plugin id nothing serves.
    expect((await get('/api/wide-ep-not-installed/ranks')).status).toBe(404);
  });

  it("lists the packed scaffolder module's actions", async () => {
    const res = await get('/api/scaffolder/v2/actions');
    expect(res.status).toBe(200);
    const ids = ((await res.json()) as Array<{ id: string }>).map(a => a.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'wide-ep:render',
        'wide-ep:preflight',
        'wide-ep:apply',
        'wide-ep:register',
      ]),
    );
  });

  it('catalogs the entity an apply-only rollout registered, through the packed catalog module', async () => {
    const { kind, metadata } = REGISTERED;
    const url = `/api/catalog/entities/by-name/${kind.toLowerCase()}/${
      metadata.namespace
    }/${metadata.name}`;
    const entity = await waitUntil(
      `${url} (the catalog module's provider runs every 3 s)`,
      async () => {
        const res = await get(url);
        return res.status === 200 ? res.json() : undefined;
      },
      60_000,
    );
    expect(entity).toMatchObject({ kind, metadata: { name: metadata.name } });
  });

  it('decides with the packed permission policy, the wide-EP plugin evaluating its cluster rule', async () => {
    // A guest user is not in wideEp.permissionPolicy.platformGroups, so it
    // may apply only off the protected clusters (prod-*); the allow-all
    // policy would allow both. DENY on prod-gb200 needs the wide-EP plugin:
    // the policy answers a condition on the cluster that the permission
    // backend has the plugin owning the resource type evaluate.
    const refresh = await fetch(`${backend!.baseUrl}/api/auth/guest/refresh`, {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
    expect(refresh.status).toBe(200);
    const { backstageIdentity } = (await refresh.json()) as {
      backstageIdentity: { token: string };
    };
    const res = await fetch(`${backend!.baseUrl}/api/permission/authorize`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${backstageIdentity.token}`,
      },
      body: JSON.stringify({
        items: [
          {
            id: 'prod',
            resourceRef: 'prod-gb200',
            permission: wideEpDeploymentApplyPermission,
          },
          {
            id: 'dev',
            resourceRef: 'dev-a100',
            permission: wideEpDeploymentApplyPermission,
          },
        ],
      }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      items: [
        { id: 'prod', result: 'DENY' },
        { id: 'dev', result: 'ALLOW' },
      ],
    });
  });
});
