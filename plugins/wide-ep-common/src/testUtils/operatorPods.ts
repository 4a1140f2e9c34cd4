/**
 * Builds pods the way LeaderWorkerSet and Grove create them from our
 * rendered workload objects: their labels, annotations, env, hostnames and
 * subdomains (rank-health.md §2.2, §3.2, §3.3), with a status chosen by the
 * test. Shared by the unit tests, the integration tests (which play the
 * operators against a real kube-apiserver) and the rank-health benchmark.
 */
import type { KubernetesObject } from '../types';
import type { HealthPod } from '../health/kubeTypes';
import {
  GROVE_KEYS,
  GROVE_MANAGER,
  groveNames,
  LWS_KEYS,
  lwsNames,
} from '../operatorModel';

/** A pod manifest as an operator would create it, plus the status a kubelet would report. @public */
export interface OperatorPod extends HealthPod {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: NonNullable<HealthPod['metadata']> & {
    name: string;
    namespace: string;
  };
}

type Env = { name: string; value?: string; valueFrom?: unknown };
/** A loosely typed Kubernetes object or part of one (a pod status). @public */
export type AnyObject = Record<string, any>;

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

function withEnv(podSpec: AnyObject, env: Env[], prepend: boolean): AnyObject {
  const spec = clone(podSpec);
  for (const list of [spec.containers ?? [], spec.initContainers ?? []]) {
    for (const c of list) {
      c.env = prepend ? [...env, ...(c.env ?? [])] : [...(c.env ?? []), ...env];
    }
  }
  return spec;
}

/** A short stable stand-in for the hashes the operators compute. @public */
export function fakeHash(input: string, length = 10): string {
  let h = 2166136261;
  for (const ch of input) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  let out = '';
  while (out.length < length) {
    h = Math.imul(h ^ (h >>> 13), 2654435761) >>> 0;
    out += h.toString(36);
  }
  return out.slice(0, length).replace(/^[^a-z0-9]/, 'a');
}

/** Every pod one LeaderWorkerSet creates: `<lws>-<g>` leaders and `<lws>-<g>-<w>` workers. @public */
export function lwsPods(lws: KubernetesObject): OperatorPod[] {
  const o = lws as AnyObject;
  const name: string = o.metadata.name;
  const ns: string = o.metadata.namespace;
  const size: number = o.spec.leaderWorkerTemplate.size;
  const template = o.spec.leaderWorkerTemplate.workerTemplate;
  const revision = fakeHash(`${name}/revision`);
  const pods: OperatorPod[] = [];
  for (let g = 0; g < (o.spec.replicas ?? 1); g++) {
    const leader = lwsNames.pod(name, g, 0);
    for (let w = 0; w < size; w++) {
      const podName = lwsNames.pod(name, g, w);
      const statefulSet = w === 0 ? name : leader;
      const ssIndex = w === 0 ? g : w;
      pods.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: podName,
          namespace: ns,
          labels: {
            ...template.metadata.labels,
            [LWS_KEYS.name]: name,
            [LWS_KEYS.groupIndex]: String(g),
            [LWS_KEYS.workerIndex]: String(w),
            [LWS_KEYS.groupKey]: fakeHash(`${ns}/${leader}`, 40),
            [LWS_KEYS.templateRevisionHash]: revision,
            'apps.kubernetes.io/pod-index': String(ssIndex),
            'statefulset.kubernetes.io/pod-name': podName,
            'controller-revision-hash': `${statefulSet}-${fakeHash(
              statefulSet,
            )}`,
          },
          annotations: {
            ...template.metadata.annotations,
            [LWS_KEYS.size]: String(size),
            ...(w > 0 ? { [LWS_KEYS.leaderName]: leader } : {}),
          },
        },
        // LWS puts its env first so scripts can use $(LWS_…) (rank-health.md §2.2).
        spec: {
          ...withEnv(
            template.spec,
            [
              {
                name: LWS_KEYS.envLeaderAddress,
                value: lwsNames.leaderAddress(name, g, ns),
              },
              { name: LWS_KEYS.envGroupSize, value: String(size) },
              { name: LWS_KEYS.envWorkerIndex, value: String(w) },
            ],
            true,
          ),
          hostname: podName,
          subdomain: name,
        },
      });
    }
  }
  return pods;
}

/** Every pod a PodCliqueSet's cliques create (PCS replica 0..replicas-1). @public */
export function grovePods(pcs: KubernetesObject): OperatorPod[] {
  const o = pcs as AnyObject;
  const name: string = o.metadata.name;
  const ns: string = o.metadata.namespace;
  const cliques: AnyObject[] = o.spec.template.cliques;
  const groups: AnyObject[] = o.spec.template.podCliqueScalingGroups ?? [];
  const pods: OperatorPod[] = [];
  for (let r = 0; r < (o.spec.replicas ?? 1); r++) {
    const headless = groveNames.replica(name, r);
    for (const clique of cliques) {
      const sg = groups.find(g => g.cliqueNames.includes(clique.name));
      const sgReplicas = sg ? sg.replicas ?? 1 : 1;
      const numPods = sg
        ? sg.cliqueNames
            .map((n: string) => cliques.find(c => c.name === n)!.spec.replicas)
            .reduce((a: number, b: number) => a + b, 0)
        : undefined;
      for (let s = 0; s < sgReplicas; s++) {
        const sgFqn = sg
          ? groveNames.scalingGroup(name, r, sg.name)
          : undefined;
        const fqn = groveNames.clique({
          pcs: name,
          replica: r,
          clique: clique.name,
          ...(sg ? { scalingGroup: { name: sg.name, replica: s } } : {}),
        });
        const labelRef = (key: string) => ({
          fieldRef: { fieldPath: `metadata.labels['${key}']` },
        });
        for (let i = 0; i < clique.spec.replicas; i++) {
          const hostname = groveNames.hostname(fqn, i);
          const env: Env[] = [
            { name: GROVE_KEYS.envPcsName, value: name },
            { name: GROVE_KEYS.envPcsIndex, value: String(r) },
            { name: GROVE_KEYS.envPclqName, value: fqn },
            {
              name: GROVE_KEYS.envHeadlessService,
              value: groveNames.headlessService(name, r, ns),
            },
            {
              name: GROVE_KEYS.envPclqPodIndex,
              valueFrom: labelRef(GROVE_KEYS.podIndex),
            },
            ...(sg
              ? [
                  { name: GROVE_KEYS.envPcsgName, value: sgFqn },
                  {
                    name: GROVE_KEYS.envPcsgIndex,
                    valueFrom: labelRef(GROVE_KEYS.scalingGroupReplicaIndex),
                  },
                  {
                    name: GROVE_KEYS.envPcsgTemplateNumPods,
                    value: String(numPods),
                  },
                ]
              : []),
          ];
          pods.push({
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: {
              // generateName "<pclq>-": the name ends in a random suffix.
              name: `${fqn}-${fakeHash(hostname, 5)}`,
              namespace: ns,
              labels: {
                ...clique.labels,
                [GROVE_KEYS.managedBy]: GROVE_MANAGER,
                [GROVE_KEYS.partOf]: name,
                'app.kubernetes.io/name': fqn,
                [GROVE_KEYS.component]: sg ? 'pcsg-podclique' : 'pcs-podclique',
                [GROVE_KEYS.podClique]: fqn,
                [GROVE_KEYS.pcsReplicaIndex]: String(r),
                [GROVE_KEYS.podGang]: sg && s > 0 ? `${sgFqn}-${s}` : headless,
                [GROVE_KEYS.podIndex]: String(i),
                [GROVE_KEYS.podTemplateHash]: fakeHash(`${fqn}/template`),
                ...(sg
                  ? {
                      [GROVE_KEYS.scalingGroup]: sgFqn!,
                      [GROVE_KEYS.scalingGroupReplicaIndex]: String(s),
                    }
                  : {}),
              },
              annotations: { ...(clique.annotations ?? {}) },
            },
            spec: {
              ...withEnv(clique.spec.podSpec, env, false),
              hostname,
              subdomain: headless,
            },
          });
        }
      }
    }
  }
  return pods;
}

/** Options for the status builders. @public */
export interface StatusOptions {
  /** ISO time the containers started / the pod was created. */
  startedAt?: string;
  node?: string;
  podIP?: string;
}

const T0 = '2026-07-01T10:00:00Z';

function scheduled(options: StatusOptions) {
  return {
    type: 'PodScheduled',
    status: 'True',
    lastTransitionTime: options.startedAt ?? T0,
  };
}

/** A Running, Ready pod. @public */
export function readyStatus(options: StatusOptions = {}): AnyObject {
  const at = options.startedAt ?? T0;
  return {
    phase: 'Running',
    podIP: options.podIP ?? '10.0.0.10',
    hostIP: '192.168.0.10',
    startTime: at,
    conditions: [
      scheduled(options),
      { type: 'Initialized', status: 'True', lastTransitionTime: at },
      { type: 'ContainersReady', status: 'True', lastTransitionTime: at },
      { type: 'Ready', status: 'True', lastTransitionTime: at },
    ],
    containerStatuses: [
      {
        name: 'vllm',
        image: 'vllm',
        imageID: '',
        ready: true,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: at } },
      },
    ],
  };
}

/** Running, vllm started at `startedAt`, readiness probe not passing yet. @public */
export function runningNotReadyStatus(options: StatusOptions = {}): AnyObject {
  const at = options.startedAt ?? T0;
  const s = readyStatus(options);
  s.conditions = s.conditions.map((c: AnyObject) =>
    c.type === 'Ready' || c.type === 'ContainersReady'
      ? {
          ...c,
          status: 'False',
          reason: 'ContainersNotReady',
          message: 'containers with unready status: [vllm]',
        }
      : c,
  );
  s.containerStatuses = [
    {
      name: 'vllm',
      image: 'vllm',
      imageID: '',
      ready: false,
      started: false,
      restartCount: 0,
      state: { running: { startedAt: at } },
    },
  ];
  return s;
}

/** Pending because the scheduler found no node. @public */
export function unschedulableStatus(
  message = '0/4 nodes are available: 4 Insufficient nvidia.com/gpu. preemption: 0/4 nodes are available: 4 No preemption victims found for incoming pod.',
): AnyObject {
  return {
    phase: 'Pending',
    conditions: [
      {
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
        message,
        lastTransitionTime: T0,
      },
    ],
  };
}

/** Scheduled on `node`, containers still being created. @public */
export function containerCreatingStatus(
  options: StatusOptions = {},
): AnyObject {
  return {
    phase: 'Pending',
    hostIP: '192.168.0.10',
    startTime: options.startedAt ?? T0,
    conditions: [
      scheduled(options),
      { type: 'Ready', status: 'False', reason: 'ContainersNotReady' },
    ],
    containerStatuses: [
      {
        name: 'vllm',
        image: 'vllm',
        imageID: '',
        ready: false,
        started: false,
        restartCount: 0,
        state: { waiting: { reason: 'ContainerCreating' } },
      },
    ],
  };
}

/** Running pod whose vllm container crash-loops; the last exit is `lastReason`. @public */
export function crashLoopStatus(
  options: StatusOptions & {
    restarts?: number;
    lastReason?: string;
    exitCode?: number;
    message?: string;
  } = {},
): AnyObject {
  const s = runningNotReadyStatus(options);
  s.containerStatuses = [
    {
      name: 'vllm',
      image: 'vllm',
      imageID: '',
      ready: false,
      started: false,
      restartCount: options.restarts ?? 4,
      state: {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: 'back-off 2m40s restarting failed container=vllm',
        },
      },
      lastState: {
        terminated: {
          reason: options.lastReason ?? 'OOMKilled',
          exitCode: options.exitCode ?? 137,
          ...(options.message ? { message: options.message } : {}),
          startedAt: options.startedAt ?? T0,
          finishedAt: options.startedAt ?? T0,
        },
      },
    },
  ];
  return s;
}

/** The pod with a kubelet status and, when given, the node it was bound to. @public */
export function withStatus(
  pod: OperatorPod,
  status: AnyObject,
  node?: string,
): OperatorPod {
  const out = clone(pod);
  out.status = status;
  if (node) out.spec = { ...out.spec, nodeName: node };
  return out;
}

/** Renders a seed (with overrides) and returns its workload objects and operator-made pods. @public */
export function renderedWorkloads(objects: KubernetesObject[]) {
  const lws = objects.filter(o => o.kind === 'LeaderWorkerSet');
  const pcs = objects.filter(o => o.kind === 'PodCliqueSet');
  const cds = objects.filter(o => o.kind === 'ComputeDomain');
  return {
    lws,
    pcs,
    cds,
    pods: [...lws.flatMap(lwsPods), ...pcs.flatMap(grovePods)],
  };
}
