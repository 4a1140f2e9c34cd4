/**
 * The SIMULATED parts of the local demo, the ones that cannot be had here.
 * The demo cluster (test/cluster/control-plane) runs the real
 * kube-apiserver, kube-scheduler, kube-controller-manager and
 * LeaderWorkerSet controller; kwok plays the kubelet of its SIMULATED GPU
 * nodes. This reconcile loop adds what is still missing:
 *
 * - the Grove operator: PodCliques, scaling groups, the auto-MNNVL
 *   ComputeDomain and the pods of every PodCliqueSet (`groveObjects.ts`);
 *   the real scheduler places those pods;
 * - the NVIDIA ComputeDomain controller: claim templates and status
 *   (`computeDomains.ts` of test/simulator);
 * - the gateway controllers: GatewayClass and Gateway status
 *   (`gatewayStatus.ts`);
 * - vLLM: SIMULATED ranks on each pod's (loopback) IP
 *   (`simulatePodRanks` of test/simulator).
 *
 * It acts only on the namespaces it is given, on a cluster that
 * {@link assertDemoCluster} accepted.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { GROVE_KEYS, GROVE_MANAGER } from '@internal/plugin-wide-ep-common';
import { loadClientNode } from '@internal/plugin-wide-ep-node';
import {
  PodRankSimulators,
  SimulatedPodRanks,
  claimTemplateFor,
  computeDomainMembers,
  computeDomainStatus,
  simulatePodRanks,
} from '@internal/wide-ep-rank-simulator';
import { foreignNodes, problemWithServer } from './demoGuard';
import { createFixtures } from './fixtures';
import { gatewayStatus } from './gatewayStatus';
import {
  CD,
  GENERATION_ANNOTATION,
  GroveChild,
  Gvr,
  PCLQ,
  PCS,
  PCSG,
  groveChildren,
  grovePodsFor,
  groveStatuses,
  gvrOf,
  podState,
} from './groveObjects';
import { StatusWriter } from './statusWriter';

type AnyObject = Record<string, any>;
type ClientNode = Awaited<ReturnType<typeof loadClientNode>>;

/** Options for {@link DemoOperator.start}. */
export interface DemoOperatorOptions {
  kubeConfig: KubeConfig;
  /** State folder of the demo cluster (test/cluster/control-plane/up with WIDE_EP_CP_STATE_DIR). */
  stateDir: string;
  /** Namespaces to create and to emulate the missing operators in. */
  namespaces: string[];
  /** Reconcile interval. Default 1000 ms. */
  pollMs?: number;
  /** Interval of the simulated load changes on /metrics. Default 3000 ms. */
  loadMs?: number;
  log?: (line: string) => void;
}

const GATEWAY = gvrOf('Gateway');

const codeOf = (error: unknown) => (error as { code?: number })?.code;

/** Emulates what the demo cluster lacks; see the file comment. */
export class DemoOperator {
  private readonly log: (line: string) => void;
  private readonly statuses: StatusWriter;
  private readonly announced = new Set<string>();
  private stopped = false;
  private loop?: Promise<void>;
  private loadTimer?: NodeJS.Timeout;
  private lastTickError?: string;
  private failingSince?: number;
  private ranks?: PodRankSimulators;

  private constructor(
    private readonly options: DemoOperatorOptions,
    private readonly k8s: ClientNode,
  ) {
    this.log =
      options.log ??
      (line => process.stdout.write(`[demo-operator] ${line}\n`));
    this.statuses = new StatusWriter(options.kubeConfig);
  }

  /**
   * Checks that the kubeconfig points at the demo cluster, creates the
   * fixtures (namespaces, fake HF token Secret, GatewayClasses) and starts
   * reconciling and simulating ranks.
   */
  static async start(options: DemoOperatorOptions): Promise<DemoOperator> {
    const k8s = await loadClientNode();
    const operator = new DemoOperator(options, k8s);
    await operator.assertDemoCluster();
    operator.log(
      `fixtures ready: ${await createFixtures(
        options.kubeConfig,
        options.namespaces,
        operator.statuses,
      )}`,
    );
    operator.ranks = await simulatePodRanks({
      kubeConfig: options.kubeConfig,
      namespaces: options.namespaces,
      load: (_pod, rank) => ({
        running: (rank * 3) % 7,
        waiting: rank % 3,
        kvCacheUsage: 0.2 + ((rank * 7) % 10) / 20,
      }),
      log: line => operator.log(`SIMULATED vLLM ranks: ${line}`),
    });
    operator.loop = operator.run();
    operator.loadTimer = setInterval(
      () => operator.varyLoad(),
      options.loadMs ?? 3000,
    );
    operator.loadTimer.unref();
    return operator;
  }

  private get core() {
    return this.options.kubeConfig.makeApiClient(this.k8s.CoreV1Api);
  }
  private get custom() {
    return this.options.kubeConfig.makeApiClient(this.k8s.CustomObjectsApi);
  }
  private get objects() {
    return this.options.kubeConfig.makeApiClient(this.k8s.KubernetesObjectApi);
  }

  private async assertDemoCluster(): Promise<void> {
    const server = this.options.kubeConfig.getCurrentCluster()?.server ?? '';
    const problem = problemWithServer(server, this.options.stateDir);
    if (problem) throw new Error(`refusing to start: ${problem}`);
    const nodes = await this.core.listNode();
    const foreign = foreignNodes(nodes.items);
    if (foreign.length) {
      throw new Error(
        `refusing to start: the cluster has nodes the demo did not create (${foreign
          .slice(0, 5)
          .join(', ')}); it is not the simulated demo cluster`,
      );
    }
  }

  // ------------------------------------------------------------ reconcile ---

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.tick();
        if (this.lastTickError) this.log('reconcile recovered');
        this.lastTickError = undefined;
        this.failingSince = undefined;
      } catch (error) {
        const message = (error as Error).message ?? String(error);
        this.failingSince ??= Date.now();
        // A fresh API server answers 429 for a moment while its priority
        // levels are set up: only report failures that persist.
        const transient =
          [429, 503].includes(codeOf(error) ?? 0) &&
          Date.now() - this.failingSince < 10_000;
        if (!transient && message !== this.lastTickError) {
          this.log(`reconcile failed (retrying): ${message}`);
          this.lastTickError = message;
        }
      }
      if (!this.stopped) await sleep(this.options.pollMs ?? 1000);
    }
  }

  private async list(gvr: Gvr, namespace: string): Promise<AnyObject[]> {
    try {
      const list = (await this.custom.listNamespacedCustomObject({
        ...gvr,
        namespace,
      })) as { items?: AnyObject[] };
      return list.items ?? [];
    } catch (error) {
      if (codeOf(error) === 404) return []; // CRD not installed
      throw error;
    }
  }

  private async tick(): Promise<void> {
    for (const namespace of this.options.namespaces) {
      const [pcsList, cliques, groups, domains, gateways, podList] =
        await Promise.all([
          this.list(PCS, namespace),
          this.list(PCLQ, namespace),
          this.list(PCSG, namespace),
          this.list(CD, namespace),
          this.list(GATEWAY, namespace),
          this.core.listNamespacedPod({ namespace }),
        ]);
      const pods = podList.items as AnyObject[];
      for (const pcs of pcsList) {
        if (pcs.metadata?.deletionTimestamp) continue;
        await this.reconcileGrove(
          pcs,
          [...cliques, ...groups, ...domains],
          pods,
        );
      }
      await this.reconcileComputeDomains(domains, pods);
      for (const gw of gateways) {
        const status = gatewayStatus(gw);
        if (status)
          await this.statuses.write(
            GATEWAY,
            gw.metadata.name,
            namespace,
            status,
          );
      }
    }
  }

  private async create(body: AnyObject): Promise<AnyObject | undefined> {
    try {
      return (await this.objects.create(body as KubernetesObject)) as AnyObject;
    } catch (error) {
      if (codeOf(error) === 409) return undefined; // exists, or the old one is still going
      throw error;
    }
  }

  private async remove(object: AnyObject): Promise<void> {
    try {
      await this.objects.delete(
        object as KubernetesObject,
        undefined,
        undefined,
        undefined,
        undefined,
        'Background',
      );
    } catch (error) {
      if (codeOf(error) !== 404) throw error;
    }
  }

  /**
   * SIMULATED Grove operator for one PodCliqueSet: makes its children and
   * pods exist for the current generation (older ones are deleted and made
   * again), recreates deleted pods as a PodClique would, and writes status.
   */
  private async reconcileGrove(
    pcs: AnyObject,
    existingChildren: AnyObject[],
    allPods: AnyObject[],
  ): Promise<void> {
    const generation = String(pcs.metadata.generation ?? 1);
    const uid: string = pcs.metadata.uid;
    const key = `${pcs.metadata.namespace}/${pcs.metadata.name}`;
    const ownedBy = (o: AnyObject, owner: string) =>
      (o.metadata?.ownerReferences ?? []).some(
        (r: AnyObject) => r.uid === owner,
      );
    const current = (o: AnyObject) =>
      o.metadata?.annotations?.[GENERATION_ANNOTATION] === generation &&
      !o.metadata?.deletionTimestamp;

    const children: GroveChild[] = groveChildren(pcs);
    const wanted = new Set(
      children.map(c => `${c.body.kind}/${c.body.metadata.name}`),
    );
    const mine = existingChildren.filter(o => ownedBy(o, uid));
    for (const o of mine) {
      if (
        !o.metadata.deletionTimestamp &&
        (!current(o) || !wanted.has(`${o.kind}/${o.metadata.name}`))
      ) {
        this.log(
          `PodCliqueSet ${key} changed (generation ${generation}): deleting ${o.kind} ${o.metadata.name} to make it again`,
        );
        await this.remove(o);
      }
    }
    const live = new Map<string, AnyObject>(
      mine.filter(current).map(o => [`${o.kind}/${o.metadata.name}`, o]),
    );
    for (const child of children) {
      const id = `${child.body.kind}/${child.body.metadata.name}`;
      if (live.has(id)) continue;
      const made = await this.create(child.body);
      if (made) live.set(id, made);
    }
    const cliqueUids = new Map<string, string>();
    for (const [id, o] of live)
      if (id.startsWith('PodClique/'))
        cliqueUids.set(o.metadata.name, o.metadata.uid);

    const desired = grovePodsFor(pcs, cliqueUids);
    const desiredNames = new Set(desired.map(p => p.metadata.name));
    const existingPods = allPods.filter(
      p =>
        p.metadata?.labels?.[GROVE_KEYS.partOf] === pcs.metadata.name &&
        p.metadata?.labels?.[GROVE_KEYS.managedBy] === GROVE_MANAGER,
    );
    for (const p of existingPods) {
      if (
        !p.metadata.deletionTimestamp &&
        (!current(p) || !desiredNames.has(p.metadata.name))
      )
        await this.remove(p);
    }
    const present = new Set(existingPods.map(p => p.metadata.name));
    let created = 0;
    for (const pod of desired) {
      if (
        present.has(pod.metadata.name) ||
        !cliqueUids.has(pod.metadata.labels?.[GROVE_KEYS.podClique] ?? '')
      )
        continue;
      if (await this.create(pod)) created++;
    }
    if (created) {
      const first = !this.announced.has(`${key}@${generation}`);
      this.announced.add(`${key}@${generation}`);
      this.log(
        first
          ? `PodCliqueSet ${key}: created ${created} pods as the Grove operator would (SIMULATED); kube-scheduler places them`
          : `PodCliqueSet ${key}: recreated ${created} missing pod(s)`,
      );
    }

    const states = existingPods.filter(current).map(podState);
    const status = groveStatuses(pcs, children, states);
    await this.statuses.write(
      PCS,
      pcs.metadata.name,
      pcs.metadata.namespace,
      status.pcs,
    );
    for (const child of children) {
      const s = status.children.get(child.body.metadata.name);
      if (s && live.has(`${child.body.kind}/${child.body.metadata.name}`))
        await this.statuses.write(
          child.gvr,
          child.body.metadata.name,
          pcs.metadata.namespace,
          s,
        );
    }
  }

  /** SIMULATED ComputeDomain controller: the claim template each domain names, and its status. */
  private async reconcileComputeDomains(
    domains: AnyObject[],
    pods: AnyObject[],
  ): Promise<void> {
    if (!domains.length) return;
    const nodes = await this.core.listNode();
    const clique = new Map(
      nodes.items.map(n => [
        n.metadata?.name ?? '',
        n.metadata?.labels?.['nvidia.com/gpu.clique'],
      ]),
    );
    for (const cd of domains) {
      if (cd.metadata?.deletionTimestamp) continue;
      const template = claimTemplateFor(cd);
      if (template && (await this.create(template)))
        this.log(
          `ComputeDomain ${cd.metadata.namespace}/${cd.metadata.name}: created ResourceClaimTemplate ${template.metadata.name} as the NVIDIA DRA driver would (SIMULATED)`,
        );
      await this.statuses.write(
        CD,
        cd.metadata.name,
        cd.metadata.namespace,
        computeDomainStatus(computeDomainMembers(cd, pods), n => clique.get(n)),
      );
    }
  }

  private varyLoad(): void {
    for (const p of this.ranks?.list() ?? []) {
      for (const rank of this.ranks?.get(p.namespace, p.pod)?.rankControls ??
        []) {
        rank.setLoad({
          running: Math.floor(Math.random() * 12),
          waiting: Math.floor(Math.random() * 4),
          kvCacheUsage: Math.round((0.15 + Math.random() * 0.7) * 100) / 100,
        });
      }
    }
  }

  // --------------------------------------------------------------- control ---

  /** Every pod with simulated ranks. */
  pods(): SimulatedPodRanks[] {
    return this.ranks?.list() ?? [];
  }

  /**
   * Kills, fails, hangs or heals the simulated vLLM API server on `port` of
   * a pod. Returns an error message, or undefined on success.
   */
  async controlRank(
    namespace: string,
    pod: string,
    port: number,
    action: 'kill' | 'heal' | 'fail' | 'hang',
  ): Promise<string | undefined> {
    const sim = this.ranks?.get(namespace, pod);
    if (!sim) return `no pod ${namespace}/${pod} with simulated ranks`;
    const rank = sim.rankControls.find(r => r.port === port);
    if (!rank) {
      const ports = [...new Set(sim.rankControls.map(r => r.port))];
      return `pod ${namespace}/${pod} has no simulated rank on port ${port} (ports ${ports.join(
        ', ',
      )})`;
    }
    if (action === 'kill') await rank.kill();
    else if (action === 'heal') await rank.heal();
    else if (action === 'fail') rank.fail(503);
    else rank.hang();
    this.log(
      `rank ${rank.globalRank} of ${namespace}/${pod} on ${sim.host}:${port}: ${action}`,
    );
    return undefined;
  }

  /**
   * Deletes a pod as if it had crashed; its controller makes it again (the
   * real LWS controller recreates the whole group, the Grove emulation the
   * pod), and kwok takes it through ContainerCreating → Running → Ready.
   */
  async restartPod(
    namespace: string,
    pod: string,
  ): Promise<string | undefined> {
    try {
      await this.core.deleteNamespacedPod({ name: pod, namespace });
    } catch (error) {
      if (codeOf(error) === 404) return `no pod ${namespace}/${pod}`;
      throw error;
    }
    this.log(
      `pod ${namespace}/${pod} deleted on request; its controller recreates it`,
    );
    return undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.loadTimer) clearInterval(this.loadTimer);
    await this.loop;
    await this.ranks?.close();
  }
}
