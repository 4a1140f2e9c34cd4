import {
  GROVE_GB200_SEED,
  parseSpec,
  renderDeployment,
} from '@internal/plugin-wide-ep-common';
import {
  CD,
  GENERATION_ANNOTATION,
  PCLQ,
  PCSG,
  groveChildren,
  grovePodsFor,
  groveStatuses,
  podState,
} from './groveObjects';

function renderedPcs(replicas = 1) {
  const parsed = parseSpec({
    ...GROVE_GB200_SEED,
    namespace: 'ns',
    prefill: { replicas: 1, dataParallelSize: 4 },
    decode: { replicas: 1, dataParallelSize: 8 },
  });
  if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
  const pcs = renderDeployment(parsed.spec).objects.find(
    o => o.kind === 'PodCliqueSet',
  ) as any;
  return {
    ...pcs,
    metadata: { ...pcs.metadata, uid: 'pcs-uid', generation: 3 },
    spec: { ...pcs.spec, replicas },
  };
}

describe('the SIMULATED Grove operator', () => {
  it('derives the cliques, scaling groups and the MNNVL ComputeDomain per PCS replica, owned by the PCS', () => {
    const pcs = renderedPcs(2);
    const children = groveChildren(pcs);
    const names = (gvr: unknown) =>
      children.filter(c => c.gvr === gvr).map(c => c.body.metadata.name);
    const n = pcs.metadata.name;
    expect(names(PCLQ)).toEqual(
      expect.arrayContaining([
        `${n}-0-prefill`,
        `${n}-1-prefill`,
        `${n}-0-decode-sg-0-decode-leader`,
        `${n}-1-decode-sg-0-decode-worker`,
      ]),
    );
    expect(names(PCSG)).toEqual([`${n}-0-decode-sg`, `${n}-1-decode-sg`]);
    expect(names(CD)).toEqual([`${n}-0-default`, `${n}-1-default`]);
    for (const { body } of children) {
      expect(body.metadata.ownerReferences).toEqual([
        expect.objectContaining({
          kind: 'PodCliqueSet',
          uid: 'pcs-uid',
          controller: true,
        }),
      ]);
      expect(body.metadata.annotations[GENERATION_ANNOTATION]).toBe('3');
    }
    const cd = children.find(c => c.gvr === CD)!.body;
    expect(cd.spec.channel.resourceClaimTemplate.name).toBe(cd.metadata.name);
  });

  it('gives every pod its PodClique as controller, and none when the clique does not exist yet', () => {
    const pcs = renderedPcs();
    const cliques = groveChildren(pcs).filter(c => c.gvr === PCLQ);
    const uids = new Map(
      cliques.map(c => [c.body.metadata.name, `uid-${c.body.metadata.name}`]),
    );
    const pods = grovePodsFor(pcs, uids);
    expect(pods).toHaveLength(3); // prefill DP4 = 1 tray, decode DP8 = 2 trays
    for (const pod of pods) {
      const clique = pod.metadata.labels!['grove.io/podclique'];
      expect((pod.metadata as any).ownerReferences).toEqual([
        expect.objectContaining({
          kind: 'PodClique',
          name: clique,
          uid: `uid-${clique}`,
          controller: true,
        }),
      ]);
      expect(pod.metadata.annotations![GENERATION_ANNOTATION]).toBe('3');
      // The pod asks for the scheduler the rendered template names.
      expect((pod.spec as any).schedulerName).toBe('kai-scheduler');
    }
    const orphans = grovePodsFor(pcs, new Map());
    expect(orphans.every(p => !(p.metadata as any).ownerReferences)).toBe(true);
  });

  it('counts ready and scheduled pods as Grove does, per clique, scaling-group replica and PCS replica', () => {
    const pcs = renderedPcs();
    const children = groveChildren(pcs);
    const pods = grovePodsFor(pcs, new Map());
    const leader = pods.find(p => /decode-leader/.test(p.metadata.name))!;
    const states = pods.map(p =>
      podState({
        ...p,
        spec: { ...p.spec, nodeName: 'gb200-00' },
        status: {
          conditions: [
            {
              type: 'Ready',
              status: p === leader ? 'False' : 'True',
            },
          ],
        },
      }),
    );
    const status = groveStatuses(pcs, children, states);
    expect(status.pcs).toEqual({
      replicas: 1,
      availableReplicas: 0,
      updatedReplicas: 1,
      observedGeneration: 3,
    });
    const n = pcs.metadata.name;
    expect(status.children.get(`${n}-0-prefill`)).toMatchObject({
      replicas: 1,
      readyReplicas: 1,
      scheduledReplicas: 1,
    });
    expect(
      status.children.get(`${n}-0-decode-sg-0-decode-leader`),
    ).toMatchObject({
      replicas: 1,
      readyReplicas: 0,
      scheduledReplicas: 1,
    });
    expect(status.children.get(`${n}-0-decode-sg`)).toMatchObject({
      replicas: 1,
      availableReplicas: 0,
      scheduledReplicas: 1,
    });

    const allReady = groveStatuses(
      pcs,
      children,
      states.map(s => ({ ...s, ready: true })),
    );
    expect(allReady.pcs.availableReplicas).toBe(1);
    expect(allReady.children.get(`${n}-0-decode-sg`)).toMatchObject({
      availableReplicas: 1,
    });
  });

  it('reads a pod as unscheduled until it has a node', () => {
    expect(podState({ metadata: {}, spec: {}, status: {} })).toEqual({
      labels: {},
      scheduled: false,
      ready: false,
    });
  });
});
