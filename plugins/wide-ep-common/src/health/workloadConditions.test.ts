import { workloadConditions } from './workloadConditions';

const none = {
  leaderWorkerSets: [],
  podCliqueSets: [],
  podCliques: [],
  podCliqueScalingGroups: [],
  computeDomains: [],
};

describe('workloadConditions', () => {
  it('LWS: a ready count next to the operator conditions; degraded while groups recover', () => {
    const lws = {
      metadata: { name: 'wide-ep-decode' },
      spec: { replicas: 2 },
      status: {
        replicas: 2,
        readyReplicas: 1,
        conditions: [
          {
            type: 'Available',
            status: 'False',
            reason: 'AllGroupsReady',
            message: 'All replicas are ready',
          },
          {
            type: 'Progressing',
            status: 'True',
            reason: 'GroupsProgressing',
            message: 'Replicas are progressing',
          },
        ],
      },
    };
    expect(workloadConditions({ ...none, leaderWorkerSets: [lws] })).toEqual([
      {
        type: 'GroupsReady',
        status: 'False',
        message: '1/2 groups ready',
        source: 'LeaderWorkerSet/wide-ep-decode',
      },
      {
        type: 'Available',
        status: 'False',
        reason: 'AllGroupsReady',
        message: 'All replicas are ready',
        source: 'LeaderWorkerSet/wide-ep-decode',
      },
      {
        type: 'Progressing',
        status: 'True',
        reason: 'GroupsProgressing',
        message: 'Replicas are progressing',
        source: 'LeaderWorkerSet/wide-ep-decode',
      },
    ]);
  });

  it('Grove: PCS availability and PodGang phase, PCSG availability, PodClique readiness with gated pods and breach', () => {
    const result = workloadConditions({
      ...none,
      podCliqueSets: [
        {
          metadata: { name: 'wide-ep' },
          spec: { replicas: 1 },
          status: {
            availableReplicas: 0,
            podGangStatuses: [
              {
                name: 'wide-ep-0',
                phase: 'Starting',
                conditions: [
                  { type: 'Unhealthy', status: 'True', reason: 'PodsNotReady' },
                  { type: 'Scheduled', status: 'True' },
                ],
              },
            ],
          },
        },
      ],
      podCliqueScalingGroups: [
        {
          metadata: { name: 'wide-ep-0-decode-sg' },
          spec: { replicas: 1 },
          status: { availableReplicas: 1 },
        },
      ],
      podCliques: [
        {
          metadata: { name: 'wide-ep-0-decode-sg-0-decode-worker' },
          spec: { replicas: 7 },
          status: {
            readyReplicas: 5,
            scheduleGatedReplicas: 2,
            conditions: [
              {
                type: 'MinAvailableBreached',
                status: 'True',
                reason: 'InsufficientReadyPods',
                message: 'ready 5 < minAvailable 7',
              },
            ],
          },
        },
      ],
    });
    expect(result).toEqual([
      {
        type: 'ReplicasAvailable',
        status: 'False',
        message: '0/1 replicas available',
        source: 'PodCliqueSet/wide-ep',
      },
      {
        type: 'PodGangRunning',
        status: 'False',
        reason: 'Starting',
        source: 'PodGang/wide-ep-0',
      },
      {
        type: 'Unhealthy',
        status: 'True',
        reason: 'PodsNotReady',
        source: 'PodGang/wide-ep-0',
      },
      {
        type: 'ReplicasAvailable',
        status: 'True',
        message: '1/1 replicas available',
        source: 'PodCliqueScalingGroup/wide-ep-0-decode-sg',
      },
      {
        type: 'PodsReady',
        status: 'False',
        message: '5/7 pods ready, 2 schedule-gated',
        source: 'PodClique/wide-ep-0-decode-sg-0-decode-worker',
      },
      {
        type: 'MinAvailableBreached',
        status: 'True',
        reason: 'InsufficientReadyPods',
        message: 'ready 5 < minAvailable 7',
        source: 'PodClique/wide-ep-0-decode-sg-0-decode-worker',
      },
    ]);
  });

  it('ComputeDomain: Ready from status.status with the node count; no status yet is Unknown', () => {
    expect(
      workloadConditions({
        ...none,
        computeDomains: [
          {
            metadata: { name: 'a' },
            spec: { numNodes: 0 },
            status: {
              status: 'NotReady',
              nodes: [
                { name: 'n1', status: 'Ready' },
                { name: 'n2', status: 'NotReady' },
              ],
            },
          },
          { metadata: { name: 'b' }, spec: { numNodes: 4 } },
        ],
      }),
    ).toEqual([
      {
        type: 'Ready',
        status: 'False',
        reason: 'NotReady',
        message: '1/2 nodes Ready',
        source: 'ComputeDomain/a',
      },
      {
        type: 'Ready',
        status: 'Unknown',
        message: '0/4 nodes Ready',
        source: 'ComputeDomain/b',
      },
    ]);
  });

  it('gateway side: Gateway conditions with its address, route and pool conditions per parent; no controller is named', () => {
    const gatewayRef = { kind: 'Gateway', name: 'wide-ep-inference-gateway' };
    const conditions = workloadConditions({
      ...none,
      gateways: [
        {
          metadata: { name: 'wide-ep-inference-gateway' },
          spec: { gatewayClassName: 'istio' },
          status: {
            addresses: [{ type: 'IPAddress', value: '10.0.0.7' }],
            conditions: [
              { type: 'Accepted', status: 'True', reason: 'Accepted' },
              {
                type: 'Programmed',
                status: 'True',
                reason: 'Programmed',
                message: 'Resource programmed',
              },
            ],
          },
        },
        { metadata: { name: 'other' }, spec: { gatewayClassName: 'kgateway' } },
      ],
      httpRoutes: [
        {
          metadata: { name: 'wide-ep-route' },
          status: {
            parents: [
              {
                parentRef: gatewayRef,
                conditions: [
                  {
                    type: 'ResolvedRefs',
                    status: 'False',
                    reason: 'BackendNotFound',
                    message: 'InferencePool wide-ep-infpool not found',
                  },
                ],
              },
            ],
          },
        },
      ],
      inferencePools: [
        {
          metadata: { name: 'wide-ep-infpool' },
          status: {
            parents: [
              {
                parentRef: gatewayRef,
                conditions: [
                  { type: 'Accepted', status: 'True', reason: 'Accepted' },
                ],
              },
            ],
          },
        },
      ],
    });
    expect(conditions).toEqual([
      {
        type: 'Programmed',
        status: 'Unknown',
        reason: 'NoStatus',
        message:
          'no controller has reported on it yet: is a controller for GatewayClass kgateway running?',
        source: 'Gateway/other',
      },
      {
        type: 'Accepted',
        status: 'True',
        reason: 'Accepted',
        source: 'Gateway/wide-ep-inference-gateway',
      },
      {
        type: 'Programmed',
        status: 'True',
        reason: 'Programmed',
        message: 'Resource programmed; address 10.0.0.7',
        source: 'Gateway/wide-ep-inference-gateway',
      },
      {
        type: 'ResolvedRefs',
        status: 'False',
        reason: 'BackendNotFound',
        message: 'InferencePool wide-ep-infpool not found',
        source:
          'HTTPRoute/wide-ep-route (parent Gateway/wide-ep-inference-gateway)',
      },
      {
        type: 'Accepted',
        status: 'True',
        reason: 'Accepted',
        source:
          'InferencePool/wide-ep-infpool (parent Gateway/wide-ep-inference-gateway)',
      },
    ]);
  });
});
