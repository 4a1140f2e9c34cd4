/**
 * A REAL PostgreSQL (Debian's `postgresql` package) for tests: a cluster of
 * its own made with initdb in a temp dir, started with pg_ctl on 127.0.0.1
 * and a free port (password auth, unix socket in the temp dir), never the
 * Debian service. PostgreSQL refuses to run as root, so as root every
 * command runs as the `postgres` user (runuser) on a dir it owns.
 *
 * Both a promise and a synchronous start: TestDatabases decides which
 * databases a test file supports when the file is loaded, before any hook
 * can await, so store tests start it synchronously at load time.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { pidAlive } from './startControlPlane';

/** A running PostgreSQL. */
export interface RunningPostgres {
  host: string;
  port: number;
  user: string;
  /** Random per start; never logged. */
  password: string;
  /** `postgresql://postgres:…@127.0.0.1:<port>/postgres` */
  connectionString: string;
  /** Major version of the server binaries, e.g. 15. */
  version: number;
  /** Runs SQL with psql in `database`; resolves with psql's unaligned output. */
  query(database: string, sql: string): Promise<string>;
  stop(): Promise<void>;
  stopSync(): void;
}

const DIR_PREFIX = 'wide-ep-postgres-';
const START_ATTEMPTS = 5;

/**
 * The binaries of Debian's newest installed PostgreSQL (or
 * `$POSTGRES_BIN_DIR`), installed with apt-get when missing and running as
 * root; otherwise an error naming the package.
 */
export function postgresBinDir(): string {
  const find = () => {
    if (process.env.POSTGRES_BIN_DIR) return process.env.POSTGRES_BIN_DIR;
    const root = '/usr/lib/postgresql';
    const versions = fs.existsSync(root)
      ? fs
          .readdirSync(root)
          .filter(v => fs.existsSync(path.join(root, v, 'bin', 'postgres')))
          .sort((a, b) => Number(b) - Number(a))
      : [];
    return versions.length ? path.join(root, versions[0], 'bin') : undefined;
  };
  let dir = find();
  if (!dir && process.getuid?.() === 0 && fs.existsSync('/usr/bin/apt-get')) {
    execFileSync(
      'sh',
      [
        '-c',
        'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql',
      ],
      { stdio: ['ignore', 'ignore', 'inherit'], timeout: 10 * 60_000 },
    );
    dir = find();
  }
  if (!dir || !fs.existsSync(path.join(dir, 'pg_ctl'))) {
    throw new Error(
      `PostgreSQL not found (looked in ${
        process.env.POSTGRES_BIN_DIR ?? '/usr/lib/postgresql/*/bin'
      }): install Debian's with "apt-get update && apt-get install -y postgresql" (the service need not run), or set POSTGRES_BIN_DIR`,
    );
  }
  return dir;
}

interface Plan {
  bin: string;
  dir: string;
  asRoot: boolean;
  password: string;
}

/** argv that runs `command` as the postgres user when we are root. */
function asOwner(plan: Plan, command: string, args: string[]) {
  const file = path.join(plan.bin, command);
  return plan.asRoot
    ? { file: 'runuser', args: ['-u', 'postgres', '--', file, ...args] }
    : { file, args };
}

function startArgs(plan: Plan, port: number) {
  const options = [
    `-c listen_addresses=127.0.0.1`,
    `-p ${port}`,
    `-k ${path.join(plan.dir, 'socket')}`,
    // A throw-away test cluster: durability is not wanted, speed is.
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    // Two backend replicas, each with a pool per plugin database.
    '-c max_connections=400',
  ].join(' ');
  return asOwner(plan, 'pg_ctl', [
    '-D',
    path.join(plan.dir, 'data'),
    '-l',
    path.join(plan.dir, 'postgres.log'),
    '-w',
    '-t',
    '60',
    '-o',
    options,
    'start',
  ]);
}

function stopArgs(plan: Plan, mode: 'fast' | 'immediate') {
  return asOwner(plan, 'pg_ctl', [
    '-D',
    path.join(plan.dir, 'data'),
    '-m',
    mode,
    '-w',
    '-t',
    '30',
    'stop',
  ]);
}

/** Stops clusters whose test process died without stopping them. */
function stopLeftovers(bin: string, asRoot: boolean) {
  for (const entry of fs.readdirSync(os.tmpdir())) {
    const m = new RegExp(`^${DIR_PREFIX}(\\d+)-`).exec(entry);
    if (!m || pidAlive(Number(m[1]))) continue;
    const dir = path.join(os.tmpdir(), entry);
    const { file, args } = stopArgs(
      { bin, dir, asRoot, password: '' },
      'immediate',
    );
    try {
      execFileSync(file, args, { stdio: 'ignore', timeout: 30_000 });
    } catch {
      // not running
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Makes the cluster's dir and runs initdb; returns the plan to start it. */
function prepare(): Plan {
  const bin = postgresBinDir();
  const asRoot = process.getuid?.() === 0;
  stopLeftovers(bin, asRoot);
  const dir = fs.mkdtempSync(
    path.join(os.tmpdir(), `${DIR_PREFIX}${process.pid}-`),
  );
  fs.mkdirSync(path.join(dir, 'socket'));
  const password = randomBytes(18).toString('hex');
  const pwfile = path.join(dir, 'pwfile');
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  const plan = { bin, dir, asRoot, password };
  if (asRoot) {
    const id = (flag: string) =>
      Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
    const [uid, gid] = [id('-u'), id('-g')];
    for (const p of [dir, path.join(dir, 'socket'), pwfile])
      fs.chownSync(p, uid, gid);
  }
  const { file, args } = asOwner(plan, 'initdb', [
    '-D',
    path.join(dir, 'data'),
    '-U',
    'postgres',
    `--pwfile=${pwfile}`,
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
    '--no-instructions',
  ]);
  try {
    execFileSync(file, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
  return plan;
}

// Below the Linux ephemeral range, so a port is not taken by an outgoing
// connection between choosing and binding; a taken one is retried.
const randomPort = () => 20_000 + Math.floor(Math.random() * 12_000);

function running(plan: Plan, port: number): RunningPostgres {
  const version = Number(path.basename(path.dirname(plan.bin))) || 0;
  let stopped = false;
  const cleanup = () => fs.rmSync(plan.dir, { recursive: true, force: true });
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', stopSync);
    const { file, args } = stopArgs(plan, 'fast');
    try {
      execFileSync(file, args, { stdio: 'ignore', timeout: 60_000 });
    } finally {
      cleanup();
    }
  };
  // A test process that exits without stopping it leaves nothing running.
  process.once('exit', stopSync);
  return {
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password: plan.password,
    connectionString: `postgresql://postgres:${plan.password}@127.0.0.1:${port}/postgres`,
    version,
    async query(database, sql) {
      const { stdout } = await promisify(execFile)(
        path.join(plan.bin, 'psql'),
        [
          '-h',
          '127.0.0.1',
          '-p',
          String(port),
          '-U',
          'postgres',
          '-d',
          database,
          '-v',
          'ON_ERROR_STOP=1',
          '-At',
          '-c',
          sql,
        ],
        { env: { ...process.env, PGPASSWORD: plan.password } },
      );
      return stdout.trim();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      process.off('exit', stopSync);
      const { file, args } = stopArgs(plan, 'fast');
      try {
        await promisify(execFile)(file, args, { timeout: 60_000 });
      } finally {
        cleanup();
      }
    },
    stopSync,
  };
}

function startFailure(plan: Plan, error: unknown): Error {
  const log = path.join(plan.dir, 'postgres.log');
  const tail = fs.existsSync(log)
    ? fs.readFileSync(log, 'utf8').split('\n').slice(-15).join('\n')
    : '';
  return new Error(
    `PostgreSQL did not start after ${START_ATTEMPTS} attempts (${
      (error as Error).message
    }); its log ends:\n${tail}`,
  );
}

/** Starts a PostgreSQL of this test process; resolves once it accepts connections. */
export async function startPostgres(): Promise<RunningPostgres> {
  const plan = prepare();
  let last: unknown;
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    const port = randomPort();
    const { file, args } = startArgs(plan, port);
    try {
      await promisify(execFile)(file, args, { timeout: 90_000 });
      return running(plan, port);
    } catch (error) {
      last = error;
    }
  }
  const failure = startFailure(plan, last);
  fs.rmSync(plan.dir, { recursive: true, force: true });
  throw failure;
}

/** {@link startPostgres}, blocking: for use while a test file loads. */
export function startPostgresSync(): RunningPostgres {
  const plan = prepare();
  let last: unknown;
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    const port = randomPort();
    const { file, args } = startArgs(plan, port);
    try {
      execFileSync(file, args, { stdio: 'ignore', timeout: 90_000 });
      return running(plan, port);
    } catch (error) {
      last = error;
    }
  }
  const failure = startFailure(plan, last);
  fs.rmSync(plan.dir, { recursive: true, force: true });
  throw failure;
}
