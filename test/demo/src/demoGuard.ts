import fs from 'node:fs';
import path from 'node:path';
import { SIMULATED_LABEL } from './simulated';

/**
 * The file `scripts/start.mjs` writes into the demo cluster's state folder
 * after `test/cluster/up`. The demo operator refuses to act on a cluster
 * whose state folder lacks it, so it can never touch the test cluster of
 * `npm test` or any real cluster.
 */
export const DEMO_MARKER_FILE = 'wide-ep-demo';

/** Why a kubeconfig does not point at the demo cluster, or undefined when it does. */
export function problemWithServer(
  serverUrl: string,
  stateDir: string,
): string | undefined {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    return `API server URL "${serverUrl}" is not a URL`;
  }
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') {
    return `API server ${serverUrl} is not on loopback; the demo operator only acts on the local demo cluster`;
  }
  const portsFile = path.join(stateDir, 'ports');
  let ports: string;
  try {
    ports = fs.readFileSync(portsFile, 'utf8');
  } catch {
    return `${portsFile} is missing: ${stateDir} is not the state folder of a cluster started by test/cluster/up`;
  }
  const running = /^running_apiserver_port=(\d+)$/m.exec(ports)?.[1];
  if (running !== url.port) {
    return `API server ${serverUrl} is not the cluster of ${stateDir} (port ${
      running ?? 'unknown'
    })`;
  }
  if (!fs.existsSync(path.join(stateDir, DEMO_MARKER_FILE))) {
    return `${stateDir} has no ${DEMO_MARKER_FILE} marker: it is not the demo cluster that scripts/start.mjs started`;
  }
  return undefined;
}

/** Nodes that the demo did not create: a real kubelet registered them, so this is not the demo cluster. */
export function foreignNodes(
  nodes: Array<{
    metadata?: { name?: string; labels?: Record<string, string> };
  }>,
): string[] {
  return nodes
    .filter(n => n.metadata?.labels?.[SIMULATED_LABEL] !== 'true')
    .map(n => n.metadata?.name ?? '(unnamed)');
}
