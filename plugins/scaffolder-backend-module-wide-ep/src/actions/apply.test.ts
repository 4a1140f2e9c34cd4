import { ServiceUnavailableError } from '@backstage/errors';
import {
  WideEpSpecInput,
  parseSpec,
  renderDeployment,
} from '@internal/plugin-wide-ep-common';
import type { Clock } from '@internal/plugin-wide-ep-node';
import { actionContext } from '../__testUtils__/context';
import {
  FakeKubeClient,
  ManualClock,
  apiException,
} from '@internal/plugin-wide-ep-node/testUtils';
import { fakeClusters } from '../__testUtils__/clusters';
import { fakePermissions } from '../__testUtils__/permissions';
import {
  GROVE_GB200_SEED,
  LWS_H200_SEED,
} from '@internal/plugin-wide-ep-common';
import { AppliedObject, createWideEpApplyAction } from './apply';

const SPEC: WideEpSpecInput = {
  ...LWS_H200_SEED,
  gateway: 'kgateway',
  rankPorts: false,
};
const INPUT = { ...SPEC, cluster: 'gpu-east', wait: false };

function renderedRefs(input: WideEpSpecInput = SPEC) {
  const parsed = parseSpec(input);
  if (!parsed.success) throw new Error('bad spec');
  return renderDeployment(parsed.spec).objects.map(
    o => `${o.kind}/${o.metadata.name}`,
  );
}

/** Stands in for the LWS, Grove and Deployment controllers: every workload is ready at once. */
function readyController(object: any) {
  const replicas = object.spec?.replicas ?? 1;
  if (object.kind === 'LeaderWorkerSet') {
    object.status = {
      readyReplicas: replicas,
      conditions: [{ type: 'Available', status: 'True' }],
    };
  } else if (object.kind === 'PodCliqueSet') {
    object.status = { availableReplicas: replicas };
  } else if (object.kind === 'Deployment') {
    object.status = { availableReplicas: replicas, updatedReplicas: replicas };
  }
  return object;
}

/** Records audit events as `eventId: outcome` with their meta. */
function recordingAuditor() {
  const events: Array<{
    eventId: string;
    meta: any;
    outcome?: string;
    result?: any;
  }> = [];
  const auditor = {
    createEvent: async ({ eventId, meta }: { eventId: string; meta?: any }) => {
      const event: (typeof events)[number] = { eventId, meta };
      events.push(event);
      return {
        success: async (o?: { meta?: any }) => {
          event.outcome = 'success';
          event.result = o?.meta;
        },
        fail: async (o: { error: Error }) => {
          event.outcome = 'fail';
          event.result = o.error.message;
        },
      };
    },
  };
  return { auditor, events };
}

function setup(
  options: {
    client?: FakeKubeClient;
    permission?: 'ALLOW' | 'DENY';
    clock?: Clock;
  } = {},
) {
  const client =
    options.client ?? new FakeKubeClient({ clusterName: 'gpu-east' });
  const clusters = fakeClusters({ 'gpu-east': client });
  const permissions = fakePermissions(options.permission ?? 'ALLOW');
  const { auditor, events } = recordingAuditor();
  const action = createWideEpApplyAction({
    clusters,
    permissions,
    auditor,
    clock: options.clock,
  });
  return { client, clusters, permissions, action, auditEvents: events };
}

const outcomes = (objects: AppliedObject[]) =>
  objects.map(o => `${o.kind}/${o.name}:${o.outcome}`);

describe('wide-ep:apply', () => {
  it('applies every object in stage order with the field manager, one log line each', async () => {
    const { client, action } = setup();
    const { ctx, logs, outputs } = actionContext(INPUT);

    await action.handler(ctx);

    expect(client.applied.map(c => `${c.kind}/${c.name}`)).toEqual([
      // prerequisites, then workloads, then routing
      'ServiceAccount/wide-ep-vllm',
      'ServiceAccount/wide-ep-infpool-epp',
      'Role/wide-ep-infpool-epp',
      'RoleBinding/wide-ep-infpool-epp',
      'ConfigMap/wide-ep-infpool-epp-config',
      'LeaderWorkerSet/wide-ep-prefill',
      'LeaderWorkerSet/wide-ep-decode',
      'Deployment/wide-ep-infpool-epp',
      'Service/wide-ep-infpool-epp',
      'InferencePool/wide-ep-infpool',
      'Gateway/wide-ep-inference-gateway',
      'HTTPRoute/wide-ep-route',
    ]);
    expect(
      client.applied.every(c => c.dryRun === false && c.force === false),
    ).toBe(true);

    const out = outputs();
    expect(out.mode).toBe('apply');
    expect(out.fieldManager).toBe('wide-ep-backstage');
    expect(out.entityRef).toBe('component:default/wide-ep');
    expect(outcomes(out.objects)).toEqual(
      renderedRefs().map(r => `${r}:created`),
    );
    expect(out.objects[0]).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      namespace: 'llm-d-wide-ep',
      name: 'wide-ep-vllm',
      stage: 'prerequisites',
      outcome: 'created',
    });
    expect(out).toMatchObject({ waited: false, ready: false, readiness: [] });
    expect(logs.info).toContain(
      'created LeaderWorkerSet llm-d-wide-ep/wide-ep-decode (field manager wide-ep-backstage)',
    );
    expect(logs.info.filter(l => /^created /.test(l))).toHaveLength(12);
    expect(logs.info).toContain(
      'Apply finished on cluster "gpu-east": 12 created',
    );
    expect(logs.info).toContain('Not waiting for readiness (wait: false)');
    // Never whole manifests or credentials in the task log.
    expect(logs.all.join('\n')).not.toMatch(
      /vllm serve|leaderWorkerTemplate|token/i,
    );
  });

  it('records each real apply as an audit event with its outcome; dry runs are not recorded', async () => {
    const { action, auditEvents } = setup();
    await action.handler(actionContext(INPUT).ctx);
    expect(auditEvents).toEqual([
      {
        eventId: 'deployment-apply',
        meta: {
          initiator: expect.any(String),
          cluster: 'gpu-east',
          namespace: 'llm-d-wide-ep',
          name: 'wide-ep',
          entityRef: 'component:default/wide-ep',
          fieldManager: 'wide-ep-backstage',
          objects: 12,
        },
        outcome: 'success',
        result: { outcomes: '12 created' },
      },
    ]);

    await action.handler(actionContext({ ...INPUT, dryRun: true }).ctx);
    expect(auditEvents).toHaveLength(1);

    const failing = setup({
      client: new FakeKubeClient({
        clusterName: 'gpu-east',
        fail: call =>
          call.op === 'apply' && call.kind === 'HTTPRoute'
            ? apiException(422, { message: 'bad route' })
            : undefined,
      }),
    });
    await expect(
      failing.action.handler(actionContext(INPUT).ctx),
    ).rejects.toThrow();
    expect(failing.auditEvents).toEqual([
      expect.objectContaining({
        outcome: 'fail',
        result: expect.stringContaining('bad route'),
      }),
    ]);
  });

  it('reports a second apply of the same spec as unchanged', async () => {
    const { client, action } = setup();
    await action.handler(actionContext(INPUT).ctx);
    const second = actionContext(INPUT);
    await action.handler(second.ctx);
    expect(outcomes(second.outputs().objects)).toEqual(
      renderedRefs().map(r => `${r}:unchanged`),
    );
    expect(client.applied).toHaveLength(24);
  });

  it('checkpoints each stage with keys derived from the inputs', async () => {
    const { action } = setup();
    const keys: string[] = [];
    const { ctx } = actionContext(INPUT, {
      checkpoint: async ({
        key,
        fn,
      }: {
        key: string;
        fn: () => Promise<unknown>;
      }) => {
        keys.push(key);
        return fn();
      },
    });
    await action.handler(ctx);
    expect(keys).toEqual([
      'wide-ep.apply.gpu-east.llm-d-wide-ep.wide-ep.prerequisites',
      'wide-ep.apply.gpu-east.llm-d-wide-ep.wide-ep.workloads',
      'wide-ep.apply.gpu-east.llm-d-wide-ep.wide-ep.routing',
    ]);
  });

  it('does not apply again when a resumed task finds its checkpoints', async () => {
    // First run records what each checkpoint stored.
    const first = setup();
    const stored = new Map<string, unknown>();
    const recording = actionContext(INPUT, {
      checkpoint: async ({
        key,
        fn,
      }: {
        key: string;
        fn: () => Promise<unknown>;
      }) => {
        const value = JSON.parse(JSON.stringify(await fn()));
        stored.set(key, value);
        return value;
      },
    });
    await first.action.handler(recording.ctx);

    // The resumed task gets the stored values back and must not call the cluster to apply.
    const resumed = setup();
    const { ctx, logs, outputs } = actionContext(INPUT, {
      checkpoint: async ({
        key,
        fn,
      }: {
        key: string;
        fn: () => Promise<unknown>;
      }) => (stored.has(key) ? stored.get(key) : fn()),
    });
    await resumed.action.handler(ctx);

    expect(resumed.client.applied).toEqual([]);
    expect(outputs().objects).toEqual(recording.outputs().objects);
    expect(logs.info).toContain(
      'stage workloads: already applied earlier in this task (4 objects), not applied again',
    );
  });

  it('sends dryRun=All in a scaffolder dry run, persists nothing and skips checkpoints and waiting', async () => {
    const { client, action } = setup();
    const checkpoint = jest.fn();
    const { ctx, logs, outputs } = actionContext(
      { ...INPUT, wait: true },
      { isDryRun: true, checkpoint },
    );

    await action.handler(ctx);

    expect(client.applied).toHaveLength(12);
    expect(client.applied.every(c => c.dryRun === true)).toBe(true);
    expect(
      client.stored({
        apiVersion: 'leaderworkerset.x-k8s.io/v1',
        kind: 'LeaderWorkerSet',
        namespace: 'llm-d-wide-ep',
        name: 'wide-ep-decode',
      }),
    ).toBeUndefined();
    expect(checkpoint).not.toHaveBeenCalled();
    expect(outputs().mode).toBe('server-dry-run');
    expect(outputs().waited).toBe(false);
    expect(logs.info).toContain(
      'created InferencePool llm-d-wide-ep/wide-ep-infpool (field manager wide-ep-backstage, dryRun=All)',
    );
    expect(logs.info).toContain('Not waiting for readiness in a dry run');
  });

  it('honours dryRun: true in a real task too', async () => {
    const { client, action } = setup();
    const { ctx, outputs } = actionContext({ ...INPUT, dryRun: true });
    await action.handler(ctx);
    expect(client.applied.every(c => c.dryRun === true)).toBe(true);
    expect(outputs().mode).toBe('server-dry-run');
  });

  it('degrades to render-only with a warning when the cluster is unreachable in a scaffolder dry run', async () => {
    const client = new FakeKubeClient({
      clusterName: 'gpu-east',
      fail: () =>
        new ServiceUnavailableError(
          'cluster "gpu-east" could not be reached (ECONNREFUSED) while trying to get ServiceAccount llm-d-wide-ep/wide-ep',
        ),
    });
    const { action } = setup({ client });
    const dry = actionContext(INPUT, { isDryRun: true });

    await action.handler(dry.ctx);

    expect(dry.logs.warn).toContain(
      'server-side dry run skipped: cluster "gpu-east" unreachable: cluster "gpu-east" could not be reached (ECONNREFUSED) while trying to get ServiceAccount llm-d-wide-ep/wide-ep; the objects were rendered but not sent',
    );
    expect(dry.outputs().mode).toBe('render-only');
    expect(outcomes(dry.outputs().objects)).toEqual(
      renderedRefs().map(r => `${r}:not-sent`),
    );

    // A real task fails instead.
    await expect(
      action.handler(actionContext(INPUT).ctx),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
    });
  });

  it('denies a user without wide-ep.deployment.apply before touching the cluster', async () => {
    const { client, clusters, permissions, action } = setup({
      permission: 'DENY',
    });
    const { ctx } = actionContext(INPUT);

    await expect(action.handler(ctx)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message:
        'user:default/alice is not allowed to deploy wide-EP deployments (permission wide-ep.deployment.apply)',
    });
    expect(permissions.authorize).toHaveBeenCalledWith(
      [
        {
          permission: expect.objectContaining({
            name: 'wide-ep.deployment.apply',
            attributes: { action: 'create' },
            resourceType: 'wide-ep-cluster',
          }),
          resourceRef: 'gpu-east',
        },
      ],
      {
        credentials: expect.objectContaining({
          $$type: '@backstage/BackstageCredentials',
        }),
      },
    );
    expect(clusters.connect).not.toHaveBeenCalled();
    expect(client.calls).toEqual([]);

    // In the template editor's dry run the denial is a warning, not a failure.
    const dry = actionContext(INPUT, { isDryRun: true });
    await action.handler(dry.ctx);
    expect(dry.outputs().mode).toBe('render-only');
    expect(client.calls).toEqual([]);
  });

  it.each([
    [
      403,
      'NotAllowedError',
      {
        reason: 'Forbidden',
        message:
          'leaderworkersets.leaderworkerset.x-k8s.io "wide-ep-decode" is forbidden: User "backstage" cannot patch resource "leaderworkersets" in API group "leaderworkerset.x-k8s.io" in the namespace "llm-d-wide-ep"',
      },
      /^not allowed to patch LeaderWorkerSet llm-d-wide-ep\/wide-ep-decode on cluster "gpu-east": .*Grant the cluster identity "patch" on resource "leaderworkersets"/,
    ],
    [
      409,
      'ConflictError',
      {
        reason: 'Conflict',
        message:
          'Apply failed with 1 conflict: conflict with "autoscaler": .spec.replicas',
        details: {
          causes: [
            {
              reason: 'FieldManagerConflict',
              message: 'conflict with "autoscaler"',
              field: '.spec.replicas',
            },
          ],
        },
      },
      /^LeaderWorkerSet llm-d-wide-ep\/wide-ep-decode: apply on cluster "gpu-east" conflicts with fields owned by another field manager: \.spec\.replicas \(owned by "autoscaler"\)/,
    ],
    [
      422,
      'InputError',
      {
        reason: 'Invalid',
        message:
          'LeaderWorkerSet.leaderworkerset.x-k8s.io "wide-ep-decode" is invalid: spec.replicas: Invalid value: -1',
        details: {
          causes: [{ reason: 'FieldValueInvalid', field: 'spec.replicas' }],
        },
      },
      /^LeaderWorkerSet llm-d-wide-ep\/wide-ep-decode was rejected by cluster "gpu-east": .* \(fields: spec\.replicas\)/,
    ],
  ])(
    'maps an HTTP %s from the API server to %s naming the object',
    async (code, name, status, message) => {
      const client = new FakeKubeClient({
        clusterName: 'gpu-east',
        fail: call =>
          call.op === 'apply' && call.name === 'wide-ep-decode'
            ? apiException(code, status)
            : undefined,
      });
      const { action } = setup({ client });
      const { ctx, logs } = actionContext(INPUT);

      const error = await action.handler(ctx).catch(e => e);

      expect(error.name).toBe(name);
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain('never-logged');
      expect(logs.error).toEqual([
        expect.stringMatching(
          /^failed LeaderWorkerSet llm-d-wide-ep\/wide-ep-decode \(field manager wide-ep-backstage\): /,
        ),
      ]);
      // The routing stage is never sent after a failed workload.
      expect(client.applied.map(c => c.kind)).not.toContain('InferencePool');
    },
  );

  it('reports a kind the cluster does not serve as a missing CRD', async () => {
    const { NotFoundError } = jest.requireActual('@backstage/errors');
    const client = new FakeKubeClient({
      clusterName: 'gpu-east',
      fail: call =>
        call.kind === 'DestinationRule'
          ? new NotFoundError(
              'cluster "gpu-east" does not serve kind DestinationRule in networking.istio.io/v1beta1; install the CRD that defines it (or the matching version) before deploying',
            )
          : undefined,
    });
    const { action } = setup({ client });
    await expect(
      action.handler(actionContext({ ...INPUT, gateway: 'istio' }).ctx),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: expect.stringContaining(
        'does not serve kind DestinationRule in networking.istio.io/v1beta1; install the CRD',
      ),
    });
  });

  it('with cleanupOnFailure, deletes what this task created, newest first, when a later stage fails', async () => {
    const client = new FakeKubeClient({
      clusterName: 'gpu-east',
      objects: [
        {
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: { name: 'wide-ep-vllm', namespace: 'llm-d-wide-ep' },
        },
      ],
      fail: call =>
        call.op === 'apply' && call.kind === 'HTTPRoute'
          ? apiException(422, { message: 'bad route' })
          : undefined,
    });
    const { action } = setup({ client });
    const { ctx, logs } = actionContext({ ...INPUT, cleanupOnFailure: true });

    await expect(action.handler(ctx)).rejects.toMatchObject({
      name: 'InputError',
    });

    const deleted = client.calls
      .filter(c => c.op === 'delete')
      .map(c => `${c.kind}/${c.name}`);
    // The routing stage's own objects first (by applyManifests), then earlier stages in reverse.
    expect(deleted.slice(0, 2).sort()).toEqual([
      'Gateway/wide-ep-inference-gateway',
      'InferencePool/wide-ep-infpool',
    ]);
    expect(deleted.slice(2)).toEqual([
      'Service/wide-ep-infpool-epp',
      'Deployment/wide-ep-infpool-epp',
      'LeaderWorkerSet/wide-ep-decode',
      'LeaderWorkerSet/wide-ep-prefill',
      'ConfigMap/wide-ep-infpool-epp-config',
      'RoleBinding/wide-ep-infpool-epp',
      'Role/wide-ep-infpool-epp',
      'ServiceAccount/wide-ep-infpool-epp',
    ]);
    // The ServiceAccount existed before the task and is kept.
    expect(deleted).not.toContain('ServiceAccount/wide-ep');
    expect(logs.warn).toContain(
      'deleted LeaderWorkerSet llm-d-wide-ep/wide-ep-decode (cleanup after a failed apply)',
    );
  });

  it('waits for readiness, streaming phase lines, and outputs the final state', async () => {
    const client = new FakeKubeClient({
      clusterName: 'gpu-east',
      controller: readyController,
    });
    const { action } = setup({
      client,
      clock: new ManualClock({ autoAdvance: true }),
    });
    const { ctx, logs, outputs } = actionContext({
      ...GROVE_GB200_SEED,
      cluster: 'gpu-east',
    });

    await action.handler(ctx);

    expect(outputs()).toMatchObject({
      waited: true,
      ready: true,
      readiness: [
        {
          kind: 'PodCliqueSet',
          name: 'wide-ep',
          ready: true,
          summary: 'PodCliqueSet llm-d-wide-ep/wide-ep: 1/1 replicas available',
        },
        {
          kind: 'Deployment',
          name: 'wide-ep-infpool-epp',
          ready: true,
          summary:
            'Deployment llm-d-wide-ep/wide-ep-infpool-epp: 1/1 replicas available, 1/1 updated',
        },
      ],
    });
    expect(logs.info).toContain(
      'Waiting up to 45 minutes for the workloads in llm-d-wide-ep to become ready',
    );
    expect(logs.info).toContain(
      'PodCliqueSet llm-d-wide-ep/wide-ep: 1/1 replicas available',
    );
    expect(logs.info).toContain('All 2 workloads are ready');
  });

  it('stops waiting when the task is cancelled', async () => {
    const controller = new AbortController();
    const clock = new ManualClock({
      autoAdvance: true,
      onDelay: call => {
        if (call === 2) controller.abort(new Error('task cancelled'));
      },
    });
    const { action } = setup({ clock });
    const { ctx } = actionContext(
      { ...INPUT, wait: true },
      { signal: controller.signal },
    );
    await expect(action.handler(ctx)).rejects.toThrow('task cancelled');
    expect(clock.delays).toHaveLength(2);
  });

  it('fails with a timeout naming what is not ready', async () => {
    const { action } = setup({
      clock: new ManualClock({ autoAdvance: true }),
    });
    const { ctx, outputs } = actionContext({
      ...INPUT,
      wait: true,
      timeoutMinutes: 1,
    });
    await expect(action.handler(ctx)).rejects.toMatchObject({
      name: 'ReadinessTimeoutError',
      message: expect.stringMatching(
        /^timed out after 1m waiting for workloads in namespace "llm-d-wide-ep" on cluster "gpu-east"/,
      ),
    });
    // Outcomes of the apply are already out when the wait fails.
    expect(outputs().mode).toBe('apply');
  });

  it('validates its own inputs with field-named InputErrors', async () => {
    const { action } = setup();
    await expect(
      action.handler(actionContext({ ...INPUT, timeoutMinutes: 0 }).ctx),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: 'timeoutMinutes: must be at least 1 (got 0)',
    });
    await expect(
      action.handler(
        actionContext({ ...INPUT, cluster: 'https://1.2.3.4' }).ctx,
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/^invalid wide-EP spec:\ncluster: /),
    });
    await expect(
      action.handler(actionContext({ ...INPUT, cluster: 'nowhere' }).ctx),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: 'unknown cluster "nowhere"; configured: gpu-east',
    });
  });
});
