/*
 * The real client-node over real sockets on 127.0.0.1: an API server that
 * accepts connections and never answers (what a SIGSTOPped, black-holed or
 * overloaded one does), one that stops in the middle of a body, a closed
 * port, and one that answers again after a while. Small timeouts keep the
 * file at a few seconds; the schedule with the default policy is in
 * patience.test.ts.
 */
import http from 'node:http';
import net from 'node:net';
import { ClusterRegistry } from '../clusters';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeCallPolicy, SlowKubeCall } from './patience';

const CLUSTER = 'prod-gb200';

const POLICY: KubeCallPolicy = {
  attemptTimeoutMs: 300,
  giveUpAfterMs: 3_000,
  initialBackoffMs: 100,
  maxBackoffMs: 400,
  reportEveryMs: 500,
};

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map(s => s.close()));
});

function listen(server: net.Server): Promise<number> {
  const sockets = new Set<net.Socket>();
  server.on('connection', socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  servers.push({
    close: () =>
      new Promise<void>(resolve => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  });
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () =>
      resolve((server.address() as net.AddressInfo).port),
    ),
  );
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await new Promise<number>(resolve =>
    server.listen(0, '127.0.0.1', () =>
      resolve((server.address() as net.AddressInfo).port),
    ),
  );
  await new Promise(resolve => server.close(resolve));
  return port;
}

async function connect(port: number) {
  const reports: Array<SlowKubeCall & { at: number }> = [];
  let start = Date.now();
  const registry = ClusterRegistry.fromClusters(
    [
      {
        name: CLUSTER,
        url: `http://127.0.0.1:${port}`,
        authProvider: 'serviceAccount',
        serviceAccountToken: 'test-token',
        skipTLSVerify: true,
        skipMetricsLookup: true,
      },
    ],
    [],
    POLICY,
  );
  const client = await registry.connect(CLUSTER, {
    onSlow: report => reports.push({ ...report, at: Date.now() - start }),
  });
  // Timed from here: the first connect also loads client-node.
  start = Date.now();
  return { client, reports, elapsed: () => Date.now() - start };
}

const CORE_RESOURCES = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: 'v1',
  resources: [
    { name: 'namespaces', kind: 'Namespace', namespaced: false, verbs: [] },
    { name: 'configmaps', kind: 'ConfigMap', namespaced: true, verbs: [] },
    { name: 'pods', kind: 'Pod', namespaced: true, verbs: [] },
  ],
};

/** A tiny API server: discovery, ConfigMap apply, Namespace read, Pod list. */
function answer(req: http.IncomingMessage, res: http.ServerResponse) {
  const send = (body: object) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/api/v1') return send(CORE_RESOURCES);
  if (req.method === 'PATCH') {
    let body = '';
    req.on('data', chunk => {
      body += chunk;
    });
    req.on('end', () =>
      send({
        ...JSON.parse(body),
        metadata: { ...JSON.parse(body).metadata, resourceVersion: '7' },
      }),
    );
    return undefined;
  }
  if (url.pathname === '/api/v1/namespaces/llm-d') {
    return send({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'llm-d' },
    });
  }
  return send({ apiVersion: 'v1', kind: 'PodList', metadata: {}, items: [] });
}

describe('createKubeClient against a cluster that stops answering (real sockets)', () => {
  it('abandons each request to a frozen API server at the attempt timeout, reports, retries with backoff and gives up within the bound', async () => {
    let connections = 0;
    const port = await listen(
      net.createServer(() => {
        connections++; // accepted, never answered
      }),
    );
    const { client, reports, elapsed } = await connect(port);

    const error = await client
      .list({ apiVersion: 'v1', kind: 'Pod', namespace: 'llm-d' })
      .catch(e => e);
    const took = elapsed();

    expect(error).toMatchObject({
      name: 'ServiceUnavailableError',
      cluster: CLUSTER,
      call: 'list Pod llm-d',
    });
    expect(error.message).toMatch(
      /^gave up on list Pod llm-d on cluster "prod-gb200" after \d+ s and \d+ attempts: no answer within 0\.3 s$/,
    );
    // Attempts at about 0, 0.4, 0.9, 1.6, 2.3 s; the next would start after 3 s.
    expect(error.attempts).toBe(5);
    expect(connections).toBe(5);
    expect(took).toBeGreaterThanOrEqual(2_500);
    expect(took).toBeLessThan(POLICY.giveUpAfterMs + 500);
    // The first report comes at the first timeout, not before and not much after.
    expect(reports[0].at).toBeGreaterThanOrEqual(POLICY.attemptTimeoutMs);
    expect(reports[0].at).toBeLessThan(POLICY.attemptTimeoutMs + 250);
    expect(reports[0].message).toMatch(
      /^cluster "prod-gb200" has not answered list Pod llm-d for 0\.\d s \(no answer within 0\.3 s\); retrying in 0\.1 s \(attempt 2\)$/,
    );
    // Then at most every reportEveryMs.
    for (let i = 1; i < reports.length; i++) {
      expect(reports[i].at - reports[i - 1].at).toBeGreaterThanOrEqual(
        POLICY.reportEveryMs,
      );
    }
    expect(reports.map(r => r.attempt)).toEqual([2, 4, 5]);
  });

  it('times out an answer that stops in the middle of its body', async () => {
    const port = await listen(
      http.createServer((req, res) => {
        if (req.url === '/api/v1') {
          answer(req, res);
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"apiVersion":"v1","kind":"Namespace",'); // and nothing more
      }),
    );
    const { client, reports } = await connect(port);
    const error = await client
      .read({ apiVersion: 'v1', kind: 'Namespace', name: 'llm-d' })
      .catch(e => e);
    expect(error.message).toMatch(
      /^gave up on read Namespace llm-d on cluster "prod-gb200" after \d+ s and 5 attempts: no answer within 0\.3 s$/,
    );
    expect(reports[0].call).toBe('read Namespace llm-d');
  });

  it('fails on a closed port with "refused" within the bound', async () => {
    const { client, reports, elapsed } = await connect(await closedPort());
    const error = await client
      .read({ apiVersion: 'v1', kind: 'Namespace', name: 'llm-d' })
      .catch(e => e);
    const took = elapsed();
    expect(error.name).toBe('ServiceUnavailableError');
    expect(error.message).toMatch(
      /^gave up on read Namespace llm-d on cluster "prod-gb200" after \d+ s and \d+ attempts: connection refused \(ECONNREFUSED\)$/,
    );
    // Refusals are immediate: attempts at 0, 0.1, 0.3, 0.7, 1.1 ... 2.7 s.
    expect(error.attempts).toBe(9);
    expect(took).toBeLessThan(POLICY.giveUpAfterMs + 500);
    expect(reports[0].at).toBeLessThan(200);
    expect(reports[0].reason).toBe('connection refused (ECONNREFUSED)');
  });

  it('lets an apply succeed when the API server answers again in time, after one stored apply', async () => {
    let frozen = true;
    const held: string[] = [];
    const patches: string[] = [];
    const port = await listen(
      http.createServer((req, res) => {
        if (frozen) {
          held.push(`${req.method} ${req.url}`); // never answered
          return;
        }
        if (req.method === 'PATCH') patches.push(req.url ?? '');
        answer(req, res);
      }),
    );
    const { client, reports, elapsed } = await connect(port);
    setTimeout(() => {
      frozen = false;
    }, 800);

    const stored = await client.apply<KubernetesObject & { data?: object }>(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'x', namespace: 'llm-d' },
        data: { a: '1' },
      },
      { dryRun: false, force: false },
    );
    expect(elapsed()).toBeGreaterThanOrEqual(800);
    expect(elapsed()).toBeLessThan(POLICY.giveUpAfterMs);
    expect(stored.metadata?.resourceVersion).toBe('7');
    expect(held.length).toBeGreaterThanOrEqual(2);
    expect(patches).toEqual([
      '/api/v1/namespaces/llm-d/configmaps/x?fieldManager=wide-ep-backstage&force=false',
    ]);
    expect(reports[0]).toMatchObject({
      call: 'apply ConfigMap llm-d/x',
      reason: 'no answer within 0.3 s',
    });
  });
});
