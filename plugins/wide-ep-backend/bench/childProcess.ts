/* Child processes of the benchmarks: TypeScript run through Backstage's node transform. */
import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

/**
 * Forks `script` of this directory, with extra Node.js flags; with
 * `cgroupProcs`, the child enters that cgroup (memoryCgroup.ts) before
 * Node.js starts, so V8 is sized by its limit as in a container.
 */
export function child(
  script: string,
  nodeFlags: string[] = [],
  options: { cgroupProcs?: string } = {},
): ChildProcess {
  const execArgv = [
    ...nodeFlags,
    '--require',
    require.resolve('@backstage/cli/config/nodeTransform.cjs'),
  ];
  if (!options.cgroupProcs)
    return fork(join(__dirname, script), [], { execArgv });
  // fork runs `execPath ...execArgv script`: a shell that writes its own
  // PID to cgroup.procs, then becomes Node.js (same PID, IPC fd inherited).
  return fork(join(__dirname, script), [], {
    execPath: '/bin/sh',
    execArgv: [
      '-c',
      'echo $$ > "$0" && exec "$@"',
      options.cgroupProcs,
      process.execPath,
      ...execArgv,
    ],
  });
}

/**
 * Sends one message and resolves with the first reply that has `key`;
 * rejects when the child answers with an error or exits first (e.g. killed
 * by its memory limit).
 */
export function ask<T>(
  proc: ChildProcess,
  message: object,
  key: string,
): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const onMessage = (reply: Record<string, unknown>) => {
      if (reply.error) reject(new Error(String(reply.error)));
      else if (key in reply) resolvePromise(reply as T);
      else return;
      done();
    };
    const onExit = (code: number | null, signal: string | null) => {
      done();
      reject(
        new Error(
          `child process exited (${
            signal ?? `code ${code}`
          }) before answering ${JSON.stringify(Object.keys(message))}`,
        ),
      );
    };
    function done() {
      proc.off('message', onMessage);
      proc.off('exit', onExit);
    }
    proc.on('message', onMessage);
    proc.once('exit', onExit);
    proc.send(message);
  });
}
