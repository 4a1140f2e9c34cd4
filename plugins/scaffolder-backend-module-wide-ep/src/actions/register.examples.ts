import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Example steps for `wide-ep:register`, shown on the installed-actions page. */
export const registerExamples: TemplateExample[] = [
  {
    description:
      'Register the entity of an apply-only rollout to the cluster named demo',
    example: yaml.stringify({
      steps: [
        {
          id: 'register',
          action: 'wide-ep:register',
          name: 'Register in the catalog',
          input: {
            name: 'wide-ep',
            namespace: 'llm-d-wide-ep',
            model: 'deepseek-ai/DeepSeek-R1-0528',
            hardware: 'h200',
            clusterProvider: 'generic',
            orchestrator: 'lws',
            gateway: 'kgateway',
            prefill: { replicas: 1, dataParallelSize: 16 },
            decode: { replicas: 1, dataParallelSize: 16 },
            // kgateway routes one port per pod: no rank ports.
            rankPorts: false,
            cluster: 'demo',
          },
        },
      ],
    }),
  },
];
