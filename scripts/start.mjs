#!/usr/bin/env node
// Starts the product for local use: Backstage (frontend dev server on :3000,
// backend on :7007 with embedded SQLite and guest sign-in), prints the URL
// once both answer, and stops everything if either dies.
//
// Run through `npm start`, so node_modules/.bin (Node 24 from the npm
// registry's `node` package) is first on PATH for every child process.
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

const FRONTEND = 'http://localhost:3000';
const BACKEND_READY = 'http://127.0.0.1:7007/.backstage/health/v1/readiness';
const READY_TIMEOUT_MS = 10 * 60 * 1000;

const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  console.error(`Node ${process.version} is too old; Backstage needs 22 or 24. Run "npm ci" first, then "npm start".`);
  process.exit(1);
}

const children = new Set();
let stopping = false;

function run(name, command, args, options = {}) {
  // Own process group, so stopping kills the whole tree (dev server, backend).
  const child = spawn(command, args, { stdio: 'inherit', detached: true, ...options });
  children.add(child);
  child.on('exit', (code, signal) => {
    children.delete(child);
    if (!stopping) {
      console.error(`\n[start] ${name} exited (${signal ?? `code ${code}`}); stopping everything.`);
      stop(1);
    }
  });
  return child;
}

function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  setTimeout(() => {
    for (const child of children) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    process.exit(code);
  }, 5000).unref();
  if (children.size === 0) process.exit(code);
  for (const child of children) child.on('exit', () => children.size === 0 && process.exit(code));
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

async function ok(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}

async function waitFor(urls) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && !stopping) {
    const states = await Promise.all(urls.map(ok));
    if (states.every(Boolean)) return true;
    await sleep(1000);
  }
  return false;
}

run('Backstage', 'backstage-cli', ['repo', 'start'], { env: { ...process.env, NODE_OPTIONS: process.env.NODE_OPTIONS ?? '' } });

if (await waitFor([BACKEND_READY, FRONTEND])) {
  console.log(`\n[start] Backstage is ready: ${FRONTEND}  (sign in as guest; Ctrl-C stops it)\n`);
} else if (!stopping) {
  console.error(`[start] Backstage did not become ready within ${READY_TIMEOUT_MS / 60000} minutes.`);
  stop(1);
}
