import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Example steps for `wide-ep:preflight`, shown on the installed-actions page. */
export const preflightExamples: TemplateExample[] = [
  {
    description:
      'Check that cluster gpu-east has the LeaderWorkerSet, InferencePool and Gateway API CRDs, the kgateway GatewayClass, the namespace, the HF token Secret and 4 nodes with 8 GPUs each',
    example: yaml.stringify({
      steps: [
        {
          id: 'preflight',
          action: 'wide-ep:preflight',
          name: 'Check the cluster',
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
            cluster: 'gpu-east',
          },
        },
      ],
    }),
  },
  {
    description:
      'Preflight only when the template applies directly, reusing the form values (objects pass through unchanged)',
    example: yaml.stringify({
      steps: [
        {
          id: 'preflight',
          if: "${{ parameters.rollout !== 'pull-request' }}",
          action: 'wide-ep:preflight',
          name: 'Check the cluster',
          input: {
            name: '${{ parameters.name }}',
            namespace: '${{ parameters.namespace }}',
            model: '${{ parameters.model }}',
            hardware: '${{ parameters.hardware }}',
            clusterProvider: '${{ parameters.clusterProvider }}',
            orchestrator: '${{ parameters.orchestrator }}',
            gateway: '${{ parameters.gateway }}',
            prefill: '${{ parameters.prefill }}',
            decode: '${{ parameters.decode }}',
            rankPorts: '${{ parameters.rankPorts }}',
            cluster: '${{ parameters.cluster }}',
          },
        },
      ],
    }),
  },
];
