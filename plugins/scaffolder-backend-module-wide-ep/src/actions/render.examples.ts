import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Example steps for `wide-ep:render`, shown on the installed-actions page. */
export const renderExamples: TemplateExample[] = [
  {
    description:
      'Render a Grove deployment on GB200 NVL72 (prefill 1 x 4 GPUs, decode 1 x 32 GPUs) into ./deployment',
    example: yaml.stringify({
      steps: [
        {
          id: 'render',
          action: 'wide-ep:render',
          name: 'Render wide-EP manifests',
          input: {
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
            targetPath: './deployment',
          },
        },
      ],
    }),
  },
  {
    description:
      'Render a LeaderWorkerSet deployment on H200 at CoreWeave with one port per rank, from template parameters',
    example: yaml.stringify({
      steps: [
        {
          id: 'render',
          action: 'wide-ep:render',
          name: 'Render wide-EP manifests',
          input: {
            name: 'wide-ep',
            namespace: 'llm-d-wide-ep',
            model: 'deepseek-ai/DeepSeek-R1-0528',
            hardware: 'h200',
            clusterProvider: 'coreweave',
            orchestrator: 'lws',
            gateway: 'istio',
            prefill: { replicas: 1, dataParallelSize: 16 },
            decode: { replicas: 1, dataParallelSize: 16 },
            rankPorts: true,
            cluster: 'gpu-east',
            owner: 'group:default/ml-platform',
            targetPath: './deployment',
          },
        },
      ],
    }),
  },
];
