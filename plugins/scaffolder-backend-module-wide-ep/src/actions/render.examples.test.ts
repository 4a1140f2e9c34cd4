import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import yaml from 'yaml';
import { createWideEpRenderAction } from './render';
import { renderExamples } from './render.examples';

describe('wide-ep:render examples', () => {
  const action = createWideEpRenderAction();
  const workspace = createMockDirectory();

  it.each(renderExamples.map(e => [e.description, e] as const))(
    '%s',
    async (_d, example) => {
      workspace.clear();
      const step = yaml.parse(example.example).steps[0];
      expect(step.action).toBe('wide-ep:render');
      const ctx = createMockActionContext({
        input: step.input,
        workspacePath: workspace.path,
      });
      await action.handler(ctx);
      const out = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
      expect(out.path).toBe('deployment');
      expect(out.entityRef).toBe('component:default/wide-ep');
      expect(out.objects.length).toBeGreaterThan(5);
    },
  );
});
