import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

const GROVE_GB200 = {
  name: 'wide-ep',
  namespace: 'llm-d-wide-ep',
  model: 'nvidia/DeepSeek-R1-NVFP4',
  servedModelName: 'deepseek-ai/DeepSeek-R1',
  hardware: 'gb200',
  clusterProvider: 'generic',
  orchestrator: 'grove',
  gateway: 'kgateway',
  prefill: { replicas: 1, dataParallelSize: 4 },
  decode: { replicas: 1, dataParallelSize: 32 },
  rankPorts: false,
};

/** Example steps for `wide-ep:apply`, shown on the installed-actions page. */
export const applyExamples: TemplateExample[] = [
  {
    description:
      'Apply a Grove GB200 deployment to cluster gpu-east and wait up to 60 minutes for it to become ready',
    example: yaml.stringify({
      steps: [
        {
          id: 'apply',
          action: 'wide-ep:apply',
          name: 'Deploy to gpu-east',
          input: { ...GROVE_GB200, cluster: 'gpu-east', timeoutMinutes: 60 },
        },
      ],
    }),
  },
  {
    description:
      'Validate against the cluster without persisting anything (dryRun=All runs admission and RBAC)',
    example: yaml.stringify({
      steps: [
        {
          id: 'validate',
          action: 'wide-ep:apply',
          name: 'Server-side dry run',
          input: { ...GROVE_GB200, cluster: 'gpu-east', dryRun: true },
        },
      ],
    }),
  },
  {
    description:
      'Apply without waiting, and delete what this task created if any object is rejected',
    example: yaml.stringify({
      steps: [
        {
          id: 'apply',
          action: 'wide-ep:apply',
          name: 'Deploy to gpu-east',
          input: {
            ...GROVE_GB200,
            cluster: 'gpu-east',
            wait: false,
            cleanupOnFailure: true,
          },
        },
      ],
    }),
  },
];
