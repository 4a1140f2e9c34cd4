/* Child processes of the benchmarks: TypeScript run through Backstage's node transform. */
import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

/** Forks `script` of this directory, with extra Node.js flags. */
export function child(script: string, nodeFlags: string[] = []): ChildProcess {
  return fork(join(__dirname, script), [], {
    execArgv: [
      ...nodeFlags,
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
    ],
  });
}

/** Sends one message and resolves with the first reply that has `key`. */
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
      proc.off('message', onMessage);
    };
    proc.on('message', onMessage);
    proc.send(message);
  });
}
