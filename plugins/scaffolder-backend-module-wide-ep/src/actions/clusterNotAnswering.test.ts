/*
 * The actions on a cluster whose API server accepts connections and never
 * answers (a real socket on 127.0.0.1, the real client-node and cluster
 * registry, small timeouts): the task log says what the action waits for,
 * and the action fails naming the cluster and the call.
 */
import net from 'node:net';
import { LWS_H200_SEED } from '@internal/plugin-wide-ep-common';
import {
  ClusterRegistry,
  DEFAULT_KUBE_CALL_POLICY,
  loadClientNode,
} from '@internal/plugin-wide-ep-node';
import { actionContext } from '../__testUtils__/context';
import { fakePermissions } from '../__testUtils__/permissions';
import { createWideEpApplyAction } from './apply';
import { DRY_RUN_MAX_WAIT_MS } from './clusterCallOptions';
import { createWideEpPreflightAction } from './preflight';

const sockets = new Set<net.Socket>();
const frozen = net.createServer(socket => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
});
let registry: ClusterRegistry;

beforeAll(async () => {
  await loadClientNode();
  const port = await new Promise<number>(resolve =>
    frozen.listen(0, '127.0.0.1', () =>
      resolve((frozen.address() as net.AddressInfo).port),
    ),
  );
  registry = ClusterRegistry.fromClusters(
    [
      {
        name: 'prod-gb200',
        url: `http://127.0.0.1:${port}`,
        authProvider: 'serviceAccount',
        serviceAccountToken: 'token',
        skipTLSVerify: true,
        skipMetricsLookup: true,
      },
    ],
    [],
    {
      attemptTimeoutMs: 300,
      giveUpAfterMs: 2_000,
      initialBackoffMs: 100,
      maxBackoffMs: 400,
      reportEveryMs: 500,
    },
  );
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise(resolve => frozen.close(resolve));
});

const INPUT = {
  ...LWS_H200_SEED,
  gateway: 'kgateway',
  rankPorts: false,
  cluster: 'prod-gb200',
  wait: false,
};

const SLOW_LINE =
  /^cluster "prod-gb200" has not answered (read|list|apply) \S+ \S+ for 0\.\d s \(no answer within 0\.3 s\); retrying in 0\.1 s \(attempt 2\)/;

describe('actions on a cluster that does not answer', () => {
  it('wide-ep:preflight logs the wait and fails naming cluster and call', async () => {
    const action = createWideEpPreflightAction({
      clusters: registry,
      permissions: fakePermissions('ALLOW'),
    });
    const { ctx, logs } = actionContext(INPUT);
    const error = await action.handler(ctx).catch(e => e);
    expect(logs.warn[0]).toMatch(SLOW_LINE);
    expect(error.name).toBe('ServiceUnavailableError');
    expect(error.message).toMatch(
      /^gave up on (read|list) \S+ .*on cluster "prod-gb200" after \d+ s and \d+ attempts: no answer within 0\.3 s/,
    );
  });

  it('wide-ep:apply logs the wait and fails naming cluster and call, each object of the stage logged as failed', async () => {
    const action = createWideEpApplyAction({
      clusters: registry,
      permissions: fakePermissions('ALLOW'),
    });
    const { ctx, logs } = actionContext(INPUT);
    const error = await action.handler(ctx).catch(e => e);
    expect(logs.warn[0]).toMatch(SLOW_LINE);
    expect(error.message).toMatch(
      /^gave up on (read|apply) \S+ \S+ on cluster "prod-gb200" after \d+ s and \d+ attempts: no answer within 0\.3 s/,
    );
    expect(logs.error.length).toBeGreaterThan(0);
    for (const line of logs.error) {
      expect(line).toMatch(/^failed .* gave up on .* on cluster "prod-gb200"/);
    }
  });

  it('a scaffolder dry run waits at most DRY_RUN_MAX_WAIT_MS, then degrades to a warning', async () => {
    // A closed port, with the default patience (refusals retried for 120 s).
    const closed = net.createServer();
    const port = await new Promise<number>(resolve =>
      closed.listen(0, '127.0.0.1', () =>
        resolve((closed.address() as net.AddressInfo).port),
      ),
    );
    await new Promise(resolve => closed.close(resolve));
    const action = createWideEpPreflightAction({
      clusters: ClusterRegistry.fromClusters([
        {
          name: 'prod-gb200',
          url: `https://127.0.0.1:${port}`,
          authProvider: 'serviceAccount',
          serviceAccountToken: 'token',
          skipTLSVerify: true,
          skipMetricsLookup: true,
        },
      ]),
      permissions: fakePermissions('ALLOW'),
    });
    const { ctx, logs, outputs } = actionContext(INPUT, { isDryRun: true });
    const start = Date.now();
    await action.handler(ctx);
    const took = Date.now() - start;
    expect(DRY_RUN_MAX_WAIT_MS).toBeLessThan(
      DEFAULT_KUBE_CALL_POLICY.giveUpAfterMs,
    );
    expect(took).toBeLessThan(DRY_RUN_MAX_WAIT_MS + 1_000);
    expect(outputs().skipped).toBe(true);
    expect(logs.warn.at(-1)).toMatch(
      /^preflight skipped in dry run: cluster "prod-gb200" unreachable: gave up on \S+ .* on cluster "prod-gb200" after \d+ s and \d+ attempts: connection refused \(ECONNREFUSED\)$/,
    );
  }, 20_000);
});
