import { KubeWatchCache } from './KubeWatchCache';
import { WATCHED_KINDS, WatchKey } from './types';
import { FakeCluster, recordingLogger } from './__testUtils__/FakeCluster';
import { ManualClock, flush } from '../testUtils';

const POD = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'llm-d' },
});
const key = (
  labelSelector = 'wide-ep.backstage.io/deployment=wide-ep',
): WatchKey => ({
  cluster: 'prod',
  namespace: 'llm-d',
  kind: WATCHED_KINDS.pod,
  labelSelector,
});
const timing = {
  initialBackoffMs: 1_000,
  maxBackoffMs: 8_000,
  configProblemRetryMs: 60_000,
  resyncMs: 600_000,
  idleMs: 300_000,
  tickMs: 10_000,
  connectTimeoutMs: 20_000,
};

function setup() {
  const clock = new ManualClock();
  const cluster = new FakeCluster();
  const logger = recordingLogger();
  const cache = KubeWatchCache.create({
    informerFactory: cluster.factory,
    logger,
    clock,
    timing,
    firstSyncTimeoutMs: 5_000,
  });
  cluster.set(key().labelSelector, [
    POD('wide-ep-decode-0'),
    POD('wide-ep-decode-0-1'),
  ]);
  return { clock, cluster, logger, cache };
}

describe('KubeWatchCache', () => {
  it('starts one list+watch lazily and shares it between concurrent readers', async () => {
    const { cluster, cache } = setup();
    expect(cluster.informers).toHaveLength(0);
    const reads = await Promise.all(
      Array.from({ length: 50 }, () => cache.read(key())),
    );
    expect(cluster.informers).toHaveLength(1);
    expect(cluster.requests).toBe(2);
    for (const r of reads) {
      expect(r.items.map(p => p.metadata?.name)).toEqual([
        'wide-ep-decode-0',
        'wide-ep-decode-0-1',
      ]);
      expect(r.problem).toBeUndefined();
    }
    await Promise.all(Array.from({ length: 50 }, () => cache.read(key())));
    expect(cluster.requests).toBe(2);
    expect(cache.size).toBe(1);
    await cache.stop();
  });

  it('keeps one watch per distinct selector', async () => {
    const { cluster, cache } = setup();
    await cache.read(key('a=1'));
    await cache.read(key('a=2'));
    await cache.read({ ...key('a=1'), namespace: 'other' });
    await cache.read(key('a=1'));
    expect(
      cluster.informers.map(i => `${i.key.namespace} ${i.key.labelSelector}`),
    ).toEqual(['llm-d a=1', 'llm-d a=2', 'other a=1']);
    await cache.stop();
  });

  it('serves the last known objects marked with the problem while the API server is down, retries with backoff, recovers', async () => {
    const { clock, cluster, cache, logger } = setup();
    const first = await cache.read(key());
    const syncedAt = first.syncedAt!;
    cluster.goDown();
    await flush();
    cluster.set(key().labelSelector, []);

    const stale = await cache.read(key());
    expect(stale.items.map(p => p.metadata?.name)).toEqual([
      'wide-ep-decode-0',
      'wide-ep-decode-0-1',
    ]);
    expect(stale.syncedAt).toBe(syncedAt);
    expect(stale.problem).toEqual({
      reason: 'unreachable',
      message:
        'cluster "prod" could not be reached (ECONNREFUSED) while trying to list Pod objects in namespace "llm-d"',
      since: syncedAt,
    });

    // Backoff 1s, 2s, 4s, 8s, 8s: each retry is one new informer (one LIST attempt).
    const createdAt: number[] = [];
    for (let s = 0; s < 24; s++) {
      const before = cluster.informers.length;
      await clock.advance(1_000);
      if (cluster.informers.length > before) createdAt.push(s + 1);
    }
    expect(createdAt).toEqual([1, 3, 7, 15, 23]);
    expect((await cache.read(key())).items).toHaveLength(2);
    expect(logger.lines.filter(l => l.level === 'warn')).toHaveLength(1);

    cluster.comeBack();
    await clock.advance(8_000);
    const fresh = await cache.read(key());
    expect(fresh.problem).toBeUndefined();
    expect(fresh.items).toEqual([]);
    expect(logger.lines.map(l => `${l.level}: ${l.message}`)).toEqual([
      'info: watch started',
      'warn: watch failing (unreachable): cluster "prod" could not be reached (ECONNREFUSED) while trying to list Pod objects in namespace "llm-d"; serving the last known state, retrying with backoff',
      expect.stringMatching(/^info: watch recovered after \d+ ms$/),
    ]);
    expect(logger.lines[0].meta).toEqual({
      cluster: 'prod',
      namespace: 'llm-d',
      kind: 'Pod',
      labelSelector: 'wide-ep.backstage.io/deployment=wide-ep',
    });
    await cache.stop();
  });

  it('reports a first list that fails, without data', async () => {
    const { cluster, cache } = setup();
    cluster.goDown(
      Object.assign(new Error('Forbidden'), {
        code: 403,
        body: '{"kind":"Status","code":403}',
      }),
    );
    const r = await cache.read(key());
    expect(r).toEqual({
      items: [],
      problem: {
        reason: 'forbidden',
        message:
          'cluster "prod" does not allow listing and watching pods in namespace "llm-d" (HTTP 403); grant the cluster identity list and watch on pods',
        since: expect.any(Number),
      },
    });
    await cache.stop();
  });

  it('retries a missing CRD slowly', async () => {
    const { clock, cluster, cache } = setup();
    cluster.goDown(Object.assign(new Error('Not Found'), { statusCode: 404 }));
    const r = await cache.read({ ...key(), kind: WATCHED_KINDS.computeDomain });
    expect(r.problem?.reason).toBe('notServed');
    await clock.advance(59_000);
    expect(cluster.informers).toHaveLength(1);
    await clock.advance(1_000);
    expect(cluster.informers).toHaveLength(2);
    await cache.stop();
  });

  it('gives up waiting for a first list that hangs, answers with a problem, and retries the attempt', async () => {
    const { clock, cluster, cache } = setup();
    cluster.hangLists = true;
    const pending = cache.read(key());
    await clock.advance(5_000);
    await expect(pending).resolves.toEqual({
      items: [],
      problem: {
        reason: 'unreachable',
        message:
          'cluster "prod" did not answer the list of pods within 5000 ms',
        since: expect.any(Number),
      },
    });
    await clock.advance(15_000); // connectTimeoutMs: the attempt is abandoned
    expect((await cache.read(key())).problem?.message).toBe(
      'cluster "prod" did not answer the list of pods in namespace "llm-d" within 20000 ms',
    );
    expect(cluster.informers[0].stopped).toBe(true);
    cluster.hangLists = false;
    await clock.advance(1_000);
    expect(cluster.informers).toHaveLength(2);
    expect((await cache.read(key())).problem).toBeUndefined();
    await cache.stop();
  });

  it('stops promptly while an attempt hangs', async () => {
    const { cluster, cache } = setup();
    cluster.hangLists = true;
    void cache.read(key());
    await flush();
    await cache.stop();
    expect(cluster.informers[0].stopped).toBe(true);
  });

  it('stops a watch nobody reads, and starts it again on the next read', async () => {
    const { clock, cluster, cache, logger } = setup();
    await cache.read(key());
    await clock.advance(200_000);
    await cache.read(key());
    await clock.advance(200_000);
    expect(cluster.informers[0].stopped).toBe(false);
    await clock.advance(110_000);
    expect(cluster.informers[0].stopped).toBe(true);
    expect(cache.size).toBe(0);
    expect(logger.lines.at(-1)?.message).toBe('stopped watching: idle');
    await cache.read(key());
    expect(cluster.informers).toHaveLength(2);
    expect(cluster.informers[1].running).toBe(true);
    await cache.stop();
  });

  it('re-lists periodically so a silently dead watch cannot go unnoticed, serving the old data meanwhile', async () => {
    const { clock, cluster, cache } = setup();
    await cache.read(key());
    for (let t = 0; t < 600_000; t += 100_000) {
      await clock.advance(100_000);
      await cache.read(key());
    }
    expect(cluster.informers).toHaveLength(2);
    expect(cluster.informers[0].stopped).toBe(true);
    expect((await cache.read(key())).problem).toBeUndefined();
    await cache.stop();
  });

  it('ignores errors from informers it already retired', async () => {
    const { clock, cluster, cache } = setup();
    await cache.read(key());
    await clock.advance(600_000); // resync: informer 0 retired
    await cache.read(key());
    cluster.informers[0].emit(
      'error',
      new Error('The user aborted a request.'),
    );
    await flush();
    expect((await cache.read(key())).problem).toBeUndefined();
    await cache.stop();
  });

  it('stop() ends every watch, and later reads fail', async () => {
    const { cluster, cache } = setup();
    await cache.read(key('a=1'));
    await cache.read(key('a=2'));
    await cache.stop();
    expect(cluster.informers.every(i => i.stopped)).toBe(true);
    await expect(cache.read(key())).rejects.toThrow(
      'the watch cache has been stopped',
    );
  });
});
