/** The runtime module of `@kubernetes/client-node`. @public */
export type ClientNodeModule = typeof import('@kubernetes/client-node');

let cached: Promise<ClientNodeModule> | undefined;

/**
 * Loads `@kubernetes/client-node` once and caches the promise.
 *
 * @remarks
 * client-node 1.x is ESM-only while this package builds as CommonJS, so a
 * static runtime import would fail at load. This is the only module that
 * loads it at runtime; everything else uses `import type`, as Backstage's
 * Kubernetes backend does.
 *
 * @public
 */
export function loadClientNode(): Promise<ClientNodeModule> {
  if (!cached) {
    cached = importClientNode();
    // A failed load must not poison the cache for the life of the process.
    cached.catch(() => {
      cached = undefined;
    });
  }
  return cached;
}

async function importClientNode(): Promise<ClientNodeModule> {
  try {
    return await import('@kubernetes/client-node');
  } catch (error) {
    // Jest runs test files as CommonJS inside a vm context, where a native
    // import() fails unless node runs with --experimental-vm-modules (what
    // Backstage's own kubernetes-backend tests set). Without the flag we fall
    // back to Jest's require, which transpiles the ESM package to CommonJS,
    // so `backstage-cli repo test` works with or without the flag. Outside
    // Jest this branch is unreachable: Node always has the callback.
    if (
      (error as { code?: unknown })?.code ===
      'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING_FLAG'
    ) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require('@kubernetes/client-node') as ClientNodeModule;
    }
    throw error;
  }
}
