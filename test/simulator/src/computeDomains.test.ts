import {
  claimTemplateFor,
  computeDomainMembers,
  computeDomainStatus,
} from './computeDomains';

const cd = {
  apiVersion: 'resource.nvidia.com/v1beta1',
  kind: 'ComputeDomain',
  metadata: {
    name: 'ds-compute-domain',
    namespace: 'ns',
    uid: 'cd-uid',
  },
  spec: {
    numNodes: 0,
    channel: { resourceClaimTemplate: { name: 'ds-channel' } },
  },
};

const pod = (name: string, node: string | undefined, phase: string) => ({
  metadata: { name },
  spec: {
    ...(node ? { nodeName: node } : {}),
    resourceClaims: [
      { name: 'compute-domain', resourceClaimTemplateName: 'ds-channel' },
    ],
  },
  status: { phase },
});

describe('the SIMULATED ComputeDomain controller', () => {
  it('makes the claim template the domain names, one default channel, owned by the domain', () => {
    const t = claimTemplateFor(cd)!;
    expect(t.metadata).toMatchObject({
      name: 'ds-channel',
      namespace: 'ns',
      labels: { 'resource.nvidia.com/computeDomain': 'cd-uid' },
      ownerReferences: [
        expect.objectContaining({ kind: 'ComputeDomain', uid: 'cd-uid' }),
      ],
    });
    expect(t.spec.spec.devices.requests).toEqual([
      {
        name: 'channel',
        exactly: {
          deviceClassName: 'compute-domain-default-channel.nvidia.com',
        },
      },
    ]);
    expect(t.spec.spec.devices.config[0].opaque.parameters.domainID).toBe(
      'cd-uid',
    );
    expect(claimTemplateFor({ ...cd, spec: {} })).toBeUndefined();
  });

  it('counts the pods claiming its template, or the Grove replica it belongs to', () => {
    const grove = {
      metadata: {
        name: 'pcs-0-prefill-x',
        labels: {
          'app.kubernetes.io/part-of': 'pcs',
          'grove.io/podcliqueset-replica-index': '0',
        },
      },
      spec: {},
    };
    const other = { metadata: { name: 'x' }, spec: {} };
    expect(
      computeDomainMembers(cd, [pod('a', 'n1', 'Running'), other]).map(
        p => p.metadata.name,
      ),
    ).toEqual(['a']);
    const groveCd = {
      ...cd,
      metadata: {
        ...cd.metadata,
        name: 'pcs-0-default',
        labels: { 'app.kubernetes.io/part-of': 'pcs' },
      },
      spec: { channel: { resourceClaimTemplate: { name: 'pcs-0-default' } } },
    };
    expect(computeDomainMembers(groveCd, [grove, other])).toEqual([grove]);
  });

  it('is Ready when every member runs; a node is NotReady while a pod on it does not', () => {
    const clique = (n: string) => (n === 'n1' ? 'rack-a' : undefined);
    expect(
      computeDomainStatus(
        [pod('a', 'n1', 'Running'), pod('b', 'n2', 'Running')],
        clique,
      ),
    ).toEqual({
      status: 'Ready',
      nodes: [
        {
          name: 'n1',
          ipAddress: '127.0.0.1',
          cliqueID: 'rack-a',
          index: 0,
          status: 'Ready',
        },
        {
          name: 'n2',
          ipAddress: '127.0.0.1',
          cliqueID: '',
          index: 1,
          status: 'Ready',
        },
      ],
    });
    const starting = computeDomainStatus(
      [
        pod('a', 'n1', 'Running'),
        pod('b', 'n1', 'Pending'),
        pod('c', undefined, 'Pending'),
      ],
      clique,
    );
    expect(starting.status).toBe('NotReady');
    expect(starting.nodes).toEqual([
      expect.objectContaining({ name: 'n1', status: 'NotReady' }),
    ]);
    expect(computeDomainStatus([], clique).status).toBe('NotReady');
  });
});
