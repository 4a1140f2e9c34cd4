import { actionContext } from '../__testUtils__/context';
import { exampleInput } from '../__testUtils__/exampleInput';
import {
  FakeKubeClient,
  ManualClock,
} from '@internal/plugin-wide-ep-node/testUtils';
import { fakeClusters } from '../__testUtils__/clusters';
import { fakePermissions } from '../__testUtils__/permissions';
import { createWideEpApplyAction } from './apply';
import { applyExamples } from './apply.examples';

/** Every workload reports ready at once, as if its controller were fast. */
function readyController(object: any) {
  if (object.kind === 'PodCliqueSet')
    object.status = { availableReplicas: object.spec?.replicas ?? 1 };
  if (object.kind === 'Deployment') {
    object.status = {
      availableReplicas: object.spec?.replicas ?? 1,
      updatedReplicas: object.spec?.replicas ?? 1,
    };
  }
  return object;
}

describe('wide-ep:apply examples', () => {
  it.each(applyExamples.map(e => [e.description, e] as const))(
    '%s',
    async (_d, example) => {
      const { action: id, input } = exampleInput(example.example);
      expect(id).toBe('wide-ep:apply');
      const client = new FakeKubeClient({
        clusterName: 'gpu-east',
        controller: readyController,
      });
      const action = createWideEpApplyAction({
        clusters: fakeClusters({ 'gpu-east': client }),
        permissions: fakePermissions('ALLOW'),
        clock: new ManualClock({ autoAdvance: true }),
      });
      const { ctx, outputs } = actionContext(input);
      await action.handler(ctx);

      const out = outputs();
      expect(out.mode).toBe(input.dryRun ? 'server-dry-run' : 'apply');
      expect(out.objects.every((o: any) => o.outcome === 'created')).toBe(true);
      expect(out.waited).toBe(!input.dryRun && input.wait !== false);
      expect(out.ready).toBe(out.waited);
      expect(
        client.applied.every(c => c.dryRun === Boolean(input.dryRun)),
      ).toBe(true);
    },
  );
});
