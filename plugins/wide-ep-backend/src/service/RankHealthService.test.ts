import type { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  EndpointProbe,
  ProbeTarget,
  parseSpec,
  renderDeployment,
} from '@internal/plugin-wide-ep-common';
import {
  readyStatus,
  renderedWorkloads,
  withStatus,
} from '@internal/plugin-wide-ep-common/testUtils';
import { InformerFactory, KubeWatchCache } from '@internal/plugin-wide-ep-node';
import { RankHealthService } from './RankHealthService';

const silentLogger = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child: () => silentLogger,
} as any;

function generated() {
  const parsed = parseSpec({
    name: 'wide-ep',
    namespace: 'llm-d-wide-ep',
    model: 'deepseek-ai/DeepSeek-R1-0528',
    hardware: 'h200',
    clusterProvider: 'coreweave',
    orchestrator: 'lws',
    gateway: 'istio',
    prefill: { replicas: 1, dataParallelSize: 8 },
    decode: { replicas: 1, dataParallelSize: 8 },
    rankPorts: true,
  });
  if (!parsed.success) throw new Error('bad spec');
  const out = renderDeployment(parsed.spec);
  return { entity: out.entity as Entity, ...renderedWorkloads(out.objects) };
}

/** Informers over fixed objects, keyed by "<Kind> <selector>", recording what was watched. */
function staticCluster(bySelector: Record<string, object[]>) {
  const watched: string[] = [];
  const factory: InformerFactory = async (key, hooks) => {
    watched.push(
      `${key.cluster} ${key.namespace} ${key.kind.kind} ${key.labelSelector}`,
    );
    return {
      start: async () => hooks.onList(),
      stop: async () => {},
      list: () =>
        (bySelector[`${key.kind.kind} ${key.labelSelector}`] ?? []) as any,
      on: () => {},
    };
  };
  return { watched, factory };
}

function setup(options: {
  entities: Entity[];
  bySelector: Record<string, object[]>;
  decision?: AuthorizeResult;
  responseTtlMs?: number;
  now?: () => number;
}) {
  const cluster = staticCluster(options.bySelector);
  const probed: ProbeTarget[][] = [];
  const prober = {
    probe: jest.fn(async (targets: ProbeTarget[]) => {
      probed.push(targets);
      return new Map<string, EndpointProbe>(
        targets.map(t => [
          t.key,
          { probedAt: '2026-07-01T10:00:00.000Z', health: { kind: 'ok' } },
        ]),
      );
    }),
  };
  const catalog = {
    getEntityByRef: jest.fn(async (ref: any) =>
      options.entities.find(
        e =>
          e.kind.toLowerCase() === ref.kind.toLowerCase() &&
          e.metadata.name === ref.name &&
          (e.metadata.namespace ?? 'default') === ref.namespace,
      ),
    ),
  };
  const permissions = {
    authorize: jest.fn(async (..._args: unknown[]) => [
      { result: options.decision ?? AuthorizeResult.ALLOW },
    ]),
  } as any;
  const watchCache = KubeWatchCache.create({
    informerFactory: cluster.factory,
    logger: silentLogger,
  });
  const clusters = {
    names: () => ['prod'],
    get: (name: string) => {
      if (name !== 'prod') throw new InputError(`unknown cluster "${name}"`);
      return { name };
    },
  };
  const service = RankHealthService.create({
    catalog,
    permissions,
    clusters,
    watchCache,
    prober,
    responseTtlMs: options.responseTtlMs,
    now: options.now ?? (() => Date.parse('2026-07-01T10:00:05Z')),
  });
  return {
    service,
    probed,
    prober,
    catalog,
    permissions,
    watched: cluster.watched,
    watchCache,
  };
}

const POD_SELECTOR =
  'Pod wide-ep.backstage.io/deployment=wide-ep,llm-d.ai/inference-serving=true';
const credentials = mockCredentials.user();

describe('RankHealthService', () => {
  it('answers with the ranks of the entity deployment, probing only its pods', async () => {
    const g = generated();
    const pods = g.pods.map((p, i) =>
      withStatus(p, readyStatus({ podIP: `10.1.0.${i + 2}` }), `node-${i}`),
    );
    const { service, probed, watched, watchCache } = setup({
      entities: [g.entity],
      bySelector: {
        [POD_SELECTOR]: pods,
        'LeaderWorkerSet wide-ep.backstage.io/deployment=wide-ep': g.lws,
      },
    });
    const result = await service.getRankHealth({
      entityRef: 'component:default/wide-ep',
      credentials,
    });
    expect(result).toMatchObject({
      entityRef: 'component:default/wide-ep',
      cluster: 'prod',
      namespace: 'llm-d-wide-ep',
      stale: false,
      summary: {
        prefill: { ready: 8, total: 8, gpus: 8 },
        decode: { ready: 8, total: 8, gpus: 8 },
      },
    });
    expect(result.ranks).toHaveLength(16);
    expect(probed[0].map(t => t.key).sort()).toEqual(
      [
        ...Array.from({ length: 8 }, (_, i) => `10.1.0.2:${8000 + i}`),
        ...Array.from({ length: 8 }, (_, i) => `10.1.0.3:${8200 + i}`),
      ].sort(),
    );
    expect(watched).toEqual([
      `prod llm-d-wide-ep ${POD_SELECTOR}`,
      'prod llm-d-wide-ep LeaderWorkerSet wide-ep.backstage.io/deployment=wide-ep',
      'prod llm-d-wide-ep InferencePool wide-ep.backstage.io/deployment=wide-ep',
      'prod llm-d-wide-ep Gateway wide-ep.backstage.io/deployment=wide-ep',
      'prod llm-d-wide-ep HTTPRoute wide-ep.backstage.io/deployment=wide-ep',
    ]);
    await watchCache.stop();
  });

  it('ignores entity annotations that point elsewhere: only the deployment label in its namespace selects pods', async () => {
    const g = generated();
    const pods = g.pods.map((p, i) =>
      withStatus(p, readyStatus({ podIP: `10.1.0.${i + 2}` }), `node-${i}`),
    );
    const foreign = withStatus(
      g.pods[0],
      readyStatus({ podIP: '169.254.169.254' }),
      'node-x',
    );
    const hostile: Entity = {
      ...g.entity,
      metadata: {
        ...g.entity.metadata,
        annotations: {
          ...g.entity.metadata.annotations,
          'wide-ep.backstage.io/pod-selector': 'app=metadata-server',
          'backstage.io/kubernetes-label-selector': 'app=metadata-server',
          'backstage.io/kubernetes-id': 'metadata-server',
          'wide-ep.backstage.io/workloads': 'LeaderWorkerSet/other',
          'kubernetes.io/api-server': 'http://169.254.169.254',
          'wide-ep.backstage.io/vllm-base-port': '80',
        },
      },
    };
    const { service, probed, watched, watchCache } = setup({
      entities: [hostile],
      bySelector: {
        [POD_SELECTOR]: pods,
        'Pod app=metadata-server': [foreign],
      },
    });
    await service.getRankHealth({
      entityRef: 'component:default/wide-ep',
      credentials,
    });
    expect(probed[0].every(t => t.host.startsWith('10.1.0.'))).toBe(true);
    expect(probed[0]).toHaveLength(16);
    expect(
      watched.every(
        w =>
          w.startsWith('prod llm-d-wide-ep ') && !w.includes('metadata-server'),
      ),
    ).toBe(true);
    await watchCache.stop();
  });

  it('never probes a pod IP that is not an IP address, even inside the deployment', async () => {
    const g = generated();
    const pods = [
      withStatus(g.pods[0], readyStatus({ podIP: 'evil.example.com' }), 'n1'),
    ];
    const { service, probed, watchCache } = setup({
      entities: [g.entity],
      bySelector: { [POD_SELECTOR]: pods },
    });
    const result = await service.getRankHealth({
      entityRef: 'component:default/wide-ep',
      credentials,
    });
    expect(probed[0]).toEqual([]);
    expect(new Set(result.ranks.filter(r => r.pod).map(r => r.state))).toEqual(
      new Set(['unknown']),
    );
    await watchCache.stop();
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data', 'InputError'],
    [
      'component:default/wide-ep?entityRef=x&url=http://10.0.0.1',
      'NotFoundError',
    ],
    ['component:default/../../api/v1/secrets', 'NotFoundError'],
    ['wide-ep', 'InputError'],
    ['x'.repeat(600), 'InputError'],
  ])(
    'hostile entityRef %j: %s, and nothing is watched or probed',
    async (entityRef, name) => {
      const g = generated();
      const { service, prober, watched, watchCache } = setup({
        entities: [g.entity],
        bySelector: {},
      });
      await expect(
        service.getRankHealth({ entityRef, credentials }),
      ).rejects.toMatchObject({ name });
      expect(prober.probe).not.toHaveBeenCalled();
      expect(watched).toEqual([]);
      await watchCache.stop();
    },
  );

  it('checks the permission first, with the caller credentials', async () => {
    const g = generated();
    const { service, catalog, permissions, watchCache } = setup({
      entities: [g.entity],
      bySelector: {},
      decision: AuthorizeResult.DENY,
    });
    await expect(
      service.getRankHealth({
        entityRef: 'component:default/wide-ep',
        credentials,
      }),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: 'not allowed to read rank health (wide-ep.health.read)',
    });
    expect(permissions.authorize).toHaveBeenCalledWith(
      [
        {
          permission: expect.objectContaining({ name: 'wide-ep.health.read' }),
        },
      ],
      { credentials },
    );
    expect(catalog.getEntityByRef).not.toHaveBeenCalled();
    await watchCache.stop();
  });

  it('looks the entity up with the caller credentials; an invisible entity is not found', async () => {
    const { service, catalog, watchCache } = setup({
      entities: [],
      bySelector: {},
    });
    await expect(
      service.getRankHealth({
        entityRef: 'Component:default/wide-ep',
        credentials,
      }),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: 'entity component:default/wide-ep not found',
    });
    expect(catalog.getEntityByRef).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'wide-ep' },
      { credentials },
    );
    await watchCache.stop();
  });

  it('shares one computed answer between viewers for responseTtlMs, after each caller passed the checks', async () => {
    const g = generated();
    const pods = g.pods.map((p, i) =>
      withStatus(p, readyStatus({ podIP: `10.1.0.${i + 2}` }), `node-${i}`),
    );
    let now = Date.parse('2026-07-01T10:00:05Z');
    const { service, prober, permissions, catalog, watchCache } = setup({
      entities: [g.entity],
      bySelector: { [POD_SELECTOR]: pods },
      responseTtlMs: 1000,
      now: () => now,
    });
    const first = await Promise.all(
      Array.from({ length: 10 }, () =>
        service.getRankHealth({
          entityRef: 'component:default/wide-ep',
          credentials,
        }),
      ),
    );
    now += 999;
    await service.getRankHealth({
      entityRef: 'component:default/wide-ep',
      credentials,
    });
    expect(prober.probe).toHaveBeenCalledTimes(1);
    expect(permissions.authorize).toHaveBeenCalledTimes(11);
    expect(catalog.getEntityByRef).toHaveBeenCalledTimes(11);
    expect(new Set(first).size).toBe(1);
    now += 1;
    await service.getRankHealth({
      entityRef: 'component:default/wide-ep',
      credentials,
    });
    expect(prober.probe).toHaveBeenCalledTimes(2);
    await watchCache.stop();
  });
});
