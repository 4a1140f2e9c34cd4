/*
 * Child process of fleet.bench.ts: the wide-EP backend plugin alone in
 * startTestBackend, so its resident memory (RSS) is measured apart from the
 * benchmark's own clients, simulators and proxies.
 *
 * Messages in: { start: { config, entities } }, { rss: true }, { snapshot: path },
 * { stop: true }.
 * Messages out: { port }, { rss, maxRss, atPeak, handles, heapUsed, liveHeap,
 * heapLimit, constrainedMemory },
 * { snapshot: path }, { stopped: true },
 * { error }. liveHeap is the heap after a full collection (needs --expose-gc):
 * what the backend really holds, apart from garbage not yet collected.
 */
import type { AddressInfo } from 'node:net';
import { getHeapStatistics, writeHeapSnapshot } from 'node:v8';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import wideEpBackend from '../src';

let stop: (() => Promise<void>) | undefined;
let maxRss = 0;
/** process.memoryUsage() when RSS peaked: where the peak sits (V8 heap or outside it). */
let atPeak: NodeJS.MemoryUsage | undefined;
const sampler = setInterval(() => {
  const usage = process.memoryUsage();
  if (usage.rss > maxRss) {
    maxRss = usage.rss;
    atPeak = usage;
  }
}, 250);

/** Open handles by type (sockets, timers, servers): native memory V8 does not count. */
function handles(): Record<string, number> {
  const counts: Record<string, number> = {};
  const active = (
    process as unknown as { _getActiveHandles(): object[] }
  )._getActiveHandles();
  for (const h of active) {
    const name = h.constructor?.name ?? 'unknown';
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

process.on(
  'message',
  async (message: {
    start?: { config: Record<string, any>; entities: Entity[] };
    rss?: boolean;
    /** Writes a heap snapshot to this path (what the live heap is made of). */
    snapshot?: string;
    stop?: boolean;
  }) => {
    try {
      if (message.start) {
        const backend = await startTestBackend({
          features: [
            wideEpBackend,
            mockServices.rootConfig.factory({ data: message.start.config }),
            catalogServiceMock.factory({ entities: message.start.entities }),
          ],
        });
        stop = () => backend.stop();
        process.send!({
          port: (backend.server.address() as AddressInfo).port,
        });
      }
      if (message.rss) {
        const usage = process.memoryUsage();
        maxRss = Math.max(maxRss, usage.rss);
        const gc = (globalThis as { gc?: () => void }).gc;
        gc?.();
        process.send!({
          rss: usage.rss,
          maxRss,
          atPeak,
          handles: handles(),
          heapUsed: usage.heapUsed,
          ...(gc ? { liveHeap: process.memoryUsage().heapUsed } : {}),
          // What V8 was sized to: from the memory cgroup's limit when there
          // is one, as in a container (else from the machine's memory).
          heapLimit: getHeapStatistics().heap_size_limit,
          constrainedMemory: process.constrainedMemory(),
        });
        // Each phase's peak is its own.
        maxRss = 0;
        atPeak = undefined;
      }
      if (message.snapshot)
        process.send!({ snapshot: writeHeapSnapshot(message.snapshot) });
      if (message.stop) {
        clearInterval(sampler);
        await stop?.();
        process.send!({ stopped: true });
      }
    } catch (error) {
      process.send!({ error: String((error as Error)?.stack ?? error) });
    }
  },
);

// The benchmark died: do not outlive it.
process.on('disconnect', () => process.exit(0));
