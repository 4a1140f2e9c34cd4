import { parseSpec, renderDeployment } from '@internal/plugin-wide-ep-common';
import { actionContext } from '../__testUtils__/context';
import { exampleInput } from '../__testUtils__/exampleInput';
import { FakeKubeClient } from '@internal/plugin-wide-ep-node/testUtils';
import { clusterFor, fakeClusters } from '../__testUtils__/clusters';
import { fakePermissions } from '../__testUtils__/permissions';
import { preflightRequirements } from '@internal/plugin-wide-ep-node';
import { createWideEpPreflightAction } from './preflight';
import { preflightExamples } from './preflight.examples';

/** Form values as the template would hold them. */
const PARAMETERS = {
  name: 'wide-ep',
  namespace: 'llm-d-wide-ep',
  model: 'deepseek-ai/DeepSeek-R1-0528',
  hardware: 'h200',
  clusterProvider: 'coreweave',
  orchestrator: 'lws',
  gateway: 'kgateway',
  prefill: { replicas: 1, dataParallelSize: 16 },
  decode: { replicas: 1, dataParallelSize: 16 },
  rankPorts: false,
  cluster: 'gpu-east',
  rollout: 'apply',
};

describe('wide-ep:preflight examples', () => {
  it.each(preflightExamples.map(e => [e.description, e] as const))(
    '%s',
    async (_d, example) => {
      const { action: id, input } = exampleInput(example.example, PARAMETERS);
      expect(id).toBe('wide-ep:preflight');
      const parsed = parseSpec({ ...input, cluster: undefined });
      if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
      const requirements = preflightRequirements(renderDeployment(parsed.spec));
      // A cluster with everything the example needs, RDMA included.
      const client = new FakeKubeClient({
        clusterName: 'gpu-east',
        objects: clusterFor({
          crds: requirements.crds.map(c => c.name),
          gatewayClass: requirements.gatewayClassName,
          namespace: parsed.spec.namespace,
          secret: parsed.spec.hfTokenSecret,
          nodes: Array.from({ length: 4 }, () => ({
            'nvidia.com/gpu': '8',
            'rdma/ib': '1',
          })),
        }),
      });
      const action = createWideEpPreflightAction({
        clusters: fakeClusters({ 'gpu-east': client }),
        permissions: fakePermissions('ALLOW'),
      });
      const { ctx, outputs } = actionContext(input);
      await action.handler(ctx);
      expect(outputs().passed).toBe(true);
      expect(outputs().checks.length).toBeGreaterThanOrEqual(8);
    },
  );
});
