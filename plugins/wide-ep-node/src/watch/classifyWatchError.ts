import { toBackstageError } from '../kube/errors';
import type { WatchKey, WatchProblem } from './types';

/**
 * Sorts a list or watch failure into a {@link WatchProblem} with a message
 * safe to log and show (no tokens, no response headers).
 *
 * @remarks
 * LIST failures are client-node `ApiException`s (`code` + `body`); WATCH
 * failures are plain errors with `statusCode`; connection failures carry a
 * system `code` such as `ECONNREFUSED`.
 *
 * @public
 */
export function classifyWatchError(
  error: unknown,
  key: WatchKey,
  now: number,
): WatchProblem {
  const status = statusOf(error);
  const object = {
    apiVersion: key.kind.apiVersion,
    kind: key.kind.kind,
    namespace: key.namespace,
  };
  if (status === 404) {
    return {
      reason: 'notServed',
      message: `cluster "${key.cluster}" does not serve ${key.kind.kind} (${key.kind.apiVersion}); its CRD may not be installed`,
      since: now,
    };
  }
  if (status === 401 || status === 403) {
    return {
      reason: 'forbidden',
      message: `cluster "${key.cluster}" does not allow listing and watching ${key.kind.plural} in namespace "${key.namespace}" (HTTP ${status}); grant the cluster identity list and watch on ${key.kind.plural}`,
      since: now,
    };
  }
  if (hasCode(error, 'ERR_STREAM_PREMATURE_CLOSE')) {
    // node-fetch's error when the API server (or the network) drops an open watch.
    return {
      reason: 'unreachable',
      message: `cluster "${key.cluster}" dropped the connection while watching ${key.kind.kind} objects in namespace "${key.namespace}"`,
      since: now,
    };
  }
  // Status-code-only watch errors look like ApiExceptions to the translator.
  const translated = toBackstageError(
    status !== undefined && !(error as { body?: unknown })?.body
      ? Object.assign(new Error(`HTTP ${status}`), { code: status, body: '' })
      : error,
    { cluster: key.cluster, verb: 'list', object },
  );
  return {
    reason:
      translated.name === 'ServiceUnavailableError' ? 'unreachable' : 'failed',
    // CustomErrorBase appends "; caused by <raw error>", which repeats URLs and bodies.
    message: translated.message.replace(/; caused by [\s\S]*$/, ''),
    since: now,
  };
}

function hasCode(error: unknown, code: string): boolean {
  let current = error as { code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; depth < 3 && current; depth++) {
    if (current.code === code) return true;
    current = current.cause as typeof current;
  }
  return false;
}

function statusOf(error: unknown): number | undefined {
  const e = error as { code?: unknown; statusCode?: unknown } | undefined;
  if (typeof e?.statusCode === 'number') return e.statusCode;
  if (typeof e?.code === 'number') return e.code;
  return undefined;
}
