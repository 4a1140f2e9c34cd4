import { parseSpec, WideEpSpecInput } from '../spec';
import { renderDeployment } from '../render';
import { allVariants } from '../variants';
import { GROVE_GB200_SEED, LWS_H200_SEED } from '../seeds';
import { OperatorPod, renderedWorkloads } from '../testUtils/operatorPods';
import { PodRankLayout, podRankLayout } from './podRankLayout';

function render(input: WideEpSpecInput) {
  const parsed = parseSpec(input);
  if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
  const out = renderDeployment(parsed.spec);
  return { ...out, ...renderedWorkloads(out.objects) };
}

function layoutOf(pod: OperatorPod): PodRankLayout {
  const result = podRankLayout(pod);
  if (!('layout' in result)) throw new Error(result.problem);
  return result.layout;
}

const byHost = (pods: OperatorPod[], hostname: string) => {
  const pod = pods.find(p => p.spec?.hostname === hostname);
  if (!pod)
    throw new Error(
      `no pod ${hostname} in ${pods.map(p => p.spec?.hostname).join(', ')}`,
    );
  return pod;
};

const summary = (l: PodRankLayout) => ({
  role: l.role,
  group: l.group,
  nodeRank: l.nodeRank,
  leader: l.leader,
  launchMode: l.launchMode,
  ranks: l.ranks.map(r => `${r.globalRank}@${r.port}`).join(' '),
});

describe('podRankLayout', () => {
  describe('LeaderWorkerSet', () => {
    it('supervisor mode: one port per rank, decode vLLM on 8200+i, worker-index is the node rank', () => {
      const { pods } = render(LWS_H200_SEED);
      expect(summary(layoutOf(byHost(pods, 'wide-ep-decode-0')))).toEqual({
        role: 'decode',
        group: 0,
        nodeRank: 0,
        leader: true,
        launchMode: 'supervisor',
        ranks: '0@8200 1@8201 2@8202 3@8203 4@8204 5@8205 6@8206 7@8207',
      });
      const worker = layoutOf(byHost(pods, 'wide-ep-decode-0-1'));
      expect(summary(worker)).toEqual({
        role: 'decode',
        group: 0,
        nodeRank: 1,
        leader: false,
        launchMode: 'supervisor',
        ranks: '8@8200 9@8201 10@8202 11@8203 12@8204 13@8205 14@8206 15@8207',
      });
      expect(worker).toMatchObject({
        groupKey: 'lws/wide-ep-decode/0',
        podsPerGroup: 2,
        localSize: 8,
        supervisorPort: 8208,
      });
      expect(summary(layoutOf(byHost(pods, 'wide-ep-prefill-0-1'))).ranks).toBe(
        '8@8000 9@8001 10@8002 11@8003 12@8004 13@8005 14@8006 15@8007',
      );
    });

    it('hybrid mode: every rank of a pod is served by its one API port', () => {
      const { pods } = render({
        ...LWS_H200_SEED,
        rankPorts: false,
        decode: { replicas: 2, dataParallelSize: 16 },
      });
      const worker = layoutOf(byHost(pods, 'wide-ep-decode-1-1'));
      expect(summary(worker)).toEqual({
        role: 'decode',
        group: 1,
        nodeRank: 1,
        leader: false,
        launchMode: 'hybrid',
        ranks: '8@8200 9@8200 10@8200 11@8200 12@8200 13@8200 14@8200 15@8200',
      });
      expect(worker.supervisorPort).toBeUndefined();
      expect(worker.groupKey).toBe('lws/wide-ep-decode/1');
    });

    it('falls back to the operator annotation, env and command line without the generator annotations', () => {
      const { pods } = render(LWS_H200_SEED);
      const pod = structuredClone(byHost(pods, 'wide-ep-decode-0-1'));
      for (const key of Object.keys(pod.metadata.annotations!)) {
        if (key.startsWith('wide-ep.backstage.io/'))
          delete pod.metadata.annotations![key];
      }
      delete pod.metadata.labels!['llm-d.ai/role'];
      expect(summary(layoutOf(pod))).toEqual({
        role: 'decode',
        group: 0,
        nodeRank: 1,
        leader: false,
        launchMode: 'supervisor',
        ranks: '8@8200 9@8201 10@8202 11@8203 12@8204 13@8205 14@8206 15@8207',
      });
    });
  });

  describe('Grove', () => {
    it('hybrid mode: standalone prefill pods are their own groups; decode workers are node rank index + 1', () => {
      const { pods } = render(GROVE_GB200_SEED);
      const prefill = byHost(pods, 'wide-ep-0-prefill-0');
      // Grove names pods with generateName: identify them by label, not name.
      expect(prefill.metadata.name).toMatch(/^wide-ep-0-prefill-[a-z0-9]{5}$/);
      expect(summary(layoutOf(prefill))).toEqual({
        role: 'prefill',
        group: 0,
        nodeRank: 0,
        leader: true,
        launchMode: 'hybrid',
        ranks: '0@8000 1@8000 2@8000 3@8000',
      });
      expect(
        summary(
          layoutOf(byHost(pods, 'wide-ep-0-decode-sg-0-decode-leader-0')),
        ),
      ).toEqual({
        role: 'decode',
        group: 0,
        nodeRank: 0,
        leader: true,
        launchMode: 'hybrid',
        ranks: '0@8200 1@8200 2@8200 3@8200',
      });
      const worker = layoutOf(
        byHost(pods, 'wide-ep-0-decode-sg-0-decode-worker-6'),
      );
      expect(summary(worker)).toEqual({
        role: 'decode',
        group: 0,
        nodeRank: 7,
        leader: false,
        launchMode: 'hybrid',
        ranks: '28@8200 29@8200 30@8200 31@8200',
      });
      expect(worker).toMatchObject({
        groupKey: 'grove/wide-ep-0-decode-sg/0',
        podsPerGroup: 8,
        localSize: 4,
      });
    });

    it('supervisor mode: rank ports 8200+i on decode, 8000+i on prefill', () => {
      const { pods } = render({
        ...GROVE_GB200_SEED,
        gateway: 'istio',
        rankPorts: true,
      });
      expect(
        summary(
          layoutOf(byHost(pods, 'wide-ep-0-decode-sg-0-decode-worker-0')),
        ),
      ).toMatchObject({
        nodeRank: 1,
        launchMode: 'supervisor',
        ranks: '4@8200 5@8201 6@8202 7@8203',
      });
      expect(layoutOf(byHost(pods, 'wide-ep-0-prefill-0')).supervisorPort).toBe(
        8008,
      );
    });

    it('without the offset env or annotations, uses GROVE_PCSG_TEMPLATE_NUM_PODS and the leader clique name', () => {
      const { pods } = render(GROVE_GB200_SEED);
      const pod = structuredClone(
        byHost(pods, 'wide-ep-0-decode-sg-0-decode-worker-2'),
      );
      pod.metadata.annotations = {};
      const vllm = pod.spec!.containers!.find(c => c.name === 'vllm')!;
      vllm.env = vllm.env!.filter(e => e.name !== 'WIDE_EP_NODE_RANK_OFFSET');
      expect(summary(layoutOf(pod))).toMatchObject({
        nodeRank: 3,
        ranks: '12@8200 13@8200 14@8200 15@8200',
      });
      const leader = structuredClone(
        byHost(pods, 'wide-ep-0-decode-sg-0-decode-leader-0'),
      );
      leader.spec!.containers!.find(c => c.name === 'vllm')!.env = [
        { name: 'DP_SIZE_LOCAL', value: '4' },
        { name: 'GROVE_PCSG_TEMPLATE_NUM_PODS', value: '8' },
      ];
      expect(layoutOf(leader)).toMatchObject({
        nodeRank: 0,
        leader: true,
        podsPerGroup: 8,
      });
    });
  });

  it.each(
    allVariants().map(
      v =>
        [
          `${v.orchestrator}/${v.hardware}/${v.clusterProvider}/${v.gateway}/${v.rankPorts}`,
          v,
        ] as const,
    ),
  )(
    '%s: every operator-made pod maps onto the generator plan',
    (_, variant) => {
      const { plan, pods } = render(variant);
      expect(pods.length).toBe(plan.totalPods);
      const seen = new Set<string>();
      for (const pod of pods) {
        const layout = layoutOf(pod);
        const planned =
          plan.roles[layout.role].groups[layout.group].pods[layout.nodeRank];
        expect(layout.hostname).toBe(planned.hostname);
        expect(
          layout.ranks.map(r => [r.globalRank, r.localRank, r.port]),
        ).toEqual(
          planned.ranks.map(r => [r.globalRank, r.localRank, r.vllmPort]),
        );
        seen.add(`${layout.role}/${layout.group}/${layout.nodeRank}`);
      }
      expect(seen.size).toBe(plan.totalPods);
    },
  );

  describe('problems', () => {
    const pod = () => structuredClone(render(LWS_H200_SEED).pods[0]);

    it('names the missing operator labels', () => {
      const p = pod();
      p.metadata.labels = { 'llm-d.ai/role': 'decode' };
      expect(podRankLayout(p)).toEqual({
        problem: `pod ${p.metadata.name}: has neither the leaderworkerset.sigs.k8s.io/name nor the grove.io/podclique label`,
      });
    });

    it('rejects a node rank outside its group', () => {
      const p = pod();
      p.metadata.labels!['leaderworkerset.sigs.k8s.io/worker-index'] = '2';
      expect(podRankLayout(p)).toEqual({
        problem: `pod ${p.metadata.name}: node rank 2 is outside its group of 2 pods`,
      });
    });

    it.each([
      [
        'wide-ep.backstage.io/dp-size-local',
        '100000',
        'has no valid wide-ep.backstage.io/dp-size-local annotation or DP_SIZE_LOCAL env (1..72)',
      ],
      [
        'wide-ep.backstage.io/vllm-base-port',
        '65530',
        'has an invalid wide-ep.backstage.io/vllm-base-port annotation',
      ],
      [
        'wide-ep.backstage.io/vllm-base-port',
        '80; rm -rf /',
        'has an invalid wide-ep.backstage.io/vllm-base-port annotation',
      ],
      [
        'wide-ep.backstage.io/supervisor-port',
        'evil.example.com',
        'has an invalid wide-ep.backstage.io/supervisor-port annotation',
      ],
    ])('rejects annotation %s=%j', (key, value, why) => {
      const p = pod();
      p.metadata.annotations![key] = value;
      expect(podRankLayout(p)).toEqual({
        problem: `pod ${p.metadata.name}: ${why}`,
      });
    });
  });
});
