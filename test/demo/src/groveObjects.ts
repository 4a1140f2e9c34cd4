/**
 * SIMULATED Grove operator, pure part: the objects Grove derives from a
 * PodCliqueSet (PodCliques, PodCliqueScalingGroups, the auto-MNNVL
 * ComputeDomain and the pods) and the statuses it writes from the pods'
 * state. Grove's operator cannot run here (no module or image reachable);
 * the pods it would create are placed by the real kube-scheduler (its
 * `kai-scheduler` profile stands in for KAI) and run by kwok.
 */
import {
  GROVE_KEYS,
  GROVE_MANAGER,
  groveNames,
  kindInfo,
} from '@internal/plugin-wide-ep-common';
import {
  OperatorPod,
  grovePods,
} from '@internal/plugin-wide-ep-common/testUtils';

import { SIMULATED_LABEL } from './simulated';

type AnyObject = Record<string, any>;

/** Group/version/plural of a custom resource. */
export interface Gvr {
  group: string;
  version: string;
  plural: string;
}

/** The custom resource of a kind, from the kind registry of -common. */
export function gvrOf(kind: string): Gvr {
  const info = kindInfo(kind);
  if (!info) throw new Error(`${kind} is not in the kind registry`);
  const [group, version] = info.apiVersion.split('/');
  return { group, version, plural: info.plural };
}

export const PCS = gvrOf('PodCliqueSet');
export const PCLQ = gvrOf('PodClique');
export const PCSG = gvrOf('PodCliqueScalingGroup');
export const CD = gvrOf('ComputeDomain');

/**
 * Annotation on everything the emulation creates: the PodCliqueSet
 * generation it was made for. Objects of an older generation are deleted
 * and made again (Grove rolls them; recreating is enough for the demo).
 */
export const GENERATION_ANNOTATION =
  'wide-ep.backstage.io/simulated-pcs-generation';

/** A child object to create, with the custom resource it is. */
export interface GroveChild {
  gvr: Gvr;
  body: AnyObject;
}

function pcsOwner(pcs: AnyObject) {
  return {
    apiVersion: pcs.apiVersion,
    kind: 'PodCliqueSet',
    name: pcs.metadata.name,
    uid: pcs.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

function simulatedMeta(pcs: AnyObject) {
  return {
    labels: { [SIMULATED_LABEL]: 'true' },
    annotations: {
      [GENERATION_ANNOTATION]: String(pcs.metadata.generation ?? 1),
    },
  };
}

/** PodCliques, PodCliqueScalingGroups and the auto-MNNVL ComputeDomain Grove creates for a PodCliqueSet. */
export function groveChildren(pcs: AnyObject): GroveChild[] {
  const name: string = pcs.metadata.name;
  const namespace: string = pcs.metadata.namespace;
  const cliques: AnyObject[] = pcs.spec.template.cliques ?? [];
  const groups: AnyObject[] = pcs.spec.template.podCliqueScalingGroups ?? [];
  const mnnvlGroup: string | undefined =
    pcs.metadata.annotations?.[GROVE_KEYS.mnnvlGroup];
  const meta = simulatedMeta(pcs);
  const base = {
    [GROVE_KEYS.managedBy]: GROVE_MANAGER,
    [GROVE_KEYS.partOf]: name,
    ...meta.labels,
  };
  const out: GroveChild[] = [];
  const child = (
    gvr: Gvr,
    kind: string,
    childName: string,
    labels: Record<string, string>,
    spec: AnyObject,
  ) =>
    out.push({
      gvr,
      body: {
        apiVersion: `${gvr.group}/${gvr.version}`,
        kind,
        metadata: {
          name: childName,
          namespace,
          labels,
          annotations: meta.annotations,
          ownerReferences: [pcsOwner(pcs)],
        },
        spec,
      },
    });
  for (let r = 0; r < (pcs.spec.replicas ?? 1); r++) {
    const replicaLabels = {
      ...base,
      [GROVE_KEYS.pcsReplicaIndex]: String(r),
    };
    for (const clique of cliques) {
      const sg = groups.find(g => g.cliqueNames.includes(clique.name));
      for (let s = 0; s < (sg ? sg.replicas ?? 1 : 1); s++) {
        const sgFqn = sg
          ? groveNames.scalingGroup(name, r, sg.name)
          : undefined;
        child(
          PCLQ,
          'PodClique',
          groveNames.clique({
            pcs: name,
            replica: r,
            clique: clique.name,
            ...(sg ? { scalingGroup: { name: sg.name, replica: s } } : {}),
          }),
          {
            ...replicaLabels,
            ...(clique.labels ?? {}),
            [GROVE_KEYS.component]: sg ? 'pcsg-podclique' : 'pcs-podclique',
            ...(sg
              ? {
                  [GROVE_KEYS.scalingGroup]: sgFqn!,
                  [GROVE_KEYS.scalingGroupReplicaIndex]: String(s),
                }
              : {}),
          },
          clique.spec,
        );
      }
    }
    for (const sg of groups) {
      child(
        PCSG,
        'PodCliqueScalingGroup',
        groveNames.scalingGroup(name, r, sg.name),
        {
          ...replicaLabels,
          [GROVE_KEYS.component]: 'pcs-podcliquescalinggroup',
        },
        {
          cliqueNames: sg.cliqueNames,
          replicas: sg.replicas ?? 1,
          ...(sg.minAvailable ? { minAvailable: sg.minAvailable } : {}),
        },
      );
    }
    if (mnnvlGroup) {
      const cdName = `${groveNames.replica(name, r)}-${mnnvlGroup}`;
      child(
        CD,
        'ComputeDomain',
        cdName,
        {
          ...replicaLabels,
          [GROVE_KEYS.component]: 'pcs-computedomain',
          [GROVE_KEYS.mnnvlGroup]: mnnvlGroup,
        },
        { numNodes: 0, channel: { resourceClaimTemplate: { name: cdName } } },
      );
    }
  }
  return out;
}

/**
 * The pods Grove's PodCliques create, each owned by its PodClique (uids
 * from `cliqueUids`, by name), marked with the PodCliqueSet generation.
 */
export function grovePodsFor(
  pcs: AnyObject,
  cliqueUids: Map<string, string>,
): OperatorPod[] {
  const meta = simulatedMeta(pcs);
  return grovePods(pcs as never).map(pod => {
    const clique = pod.metadata.labels?.[GROVE_KEYS.podClique] ?? '';
    const uid = cliqueUids.get(clique);
    return {
      ...pod,
      metadata: {
        ...pod.metadata,
        labels: { ...pod.metadata.labels, ...meta.labels },
        annotations: { ...pod.metadata.annotations, ...meta.annotations },
        ...(uid
          ? {
              ownerReferences: [
                {
                  apiVersion: 'grove.io/v1alpha1',
                  kind: 'PodClique',
                  name: clique,
                  uid,
                  controller: true,
                  blockOwnerDeletion: true,
                },
              ],
            }
          : {}),
      },
    };
  });
}

/** The state of a pod that the statuses count. */
export interface PodState {
  labels: Record<string, string>;
  scheduled: boolean;
  ready: boolean;
}

/** What a pod's status says, for {@link groveStatuses}. */
export function podState(pod: AnyObject): PodState {
  const conditions: AnyObject[] = pod.status?.conditions ?? [];
  const isTrue = (type: string) =>
    conditions.some(c => c.type === type && c.status === 'True');
  return {
    labels: pod.metadata?.labels ?? {},
    scheduled: !!pod.spec?.nodeName || isTrue('PodScheduled'),
    ready: isTrue('Ready'),
  };
}

/** Status of the PodCliqueSet and of each child (by name), from its pods as Grove counts them. */
export function groveStatuses(
  pcs: AnyObject,
  children: GroveChild[],
  pods: PodState[],
): { pcs: AnyObject; children: Map<string, AnyObject> } {
  const generation = pcs.metadata.generation ?? 1;
  const allReady = (ps: PodState[]) => ps.length > 0 && ps.every(p => p.ready);
  const by = (key: string, value: string) =>
    pods.filter(p => p.labels[key] === value);
  const replicas: number = pcs.spec.replicas ?? 1;
  let availableReplicas = 0;
  for (let r = 0; r < replicas; r++) {
    if (allReady(by(GROVE_KEYS.pcsReplicaIndex, String(r))))
      availableReplicas++;
  }
  const statuses = new Map<string, AnyObject>();
  for (const { gvr, body } of children) {
    const name: string = body.metadata.name;
    if (gvr === PCLQ) {
      const members = by(GROVE_KEYS.podClique, name);
      statuses.set(name, {
        replicas: members.length,
        readyReplicas: members.filter(p => p.ready).length,
        scheduledReplicas: members.filter(p => p.scheduled).length,
        scheduleGatedReplicas: 0,
        updatedReplicas: members.length,
        observedGeneration: 1,
      });
    } else if (gvr === PCSG) {
      const byReplica = new Map<string, PodState[]>();
      for (const p of by(GROVE_KEYS.scalingGroup, name)) {
        const s = p.labels[GROVE_KEYS.scalingGroupReplicaIndex];
        byReplica.set(s, [...(byReplica.get(s) ?? []), p]);
      }
      const groups = [...byReplica.values()];
      statuses.set(name, {
        replicas: groups.length,
        availableReplicas: groups.filter(allReady).length,
        scheduledReplicas: groups.filter(ps => ps.every(p => p.scheduled))
          .length,
        updatedReplicas: groups.length,
        observedGeneration: 1,
      });
    }
  }
  return {
    pcs: {
      replicas,
      availableReplicas,
      updatedReplicas: replicas,
      observedGeneration: generation,
    },
    children: statuses,
  };
}
