import { InputError } from '@backstage/errors';
import type { TemplateActionOptions } from '@backstage/plugin-scaffolder-node';
import {
  CLUSTER_PROVIDERS,
  GATEWAYS,
  HARDWARE,
  MONITORING,
  ORCHESTRATORS,
  SPEC_FIELD_NAMES,
  WideEpSpec,
  formatIssues,
  parseSpec,
} from '@internal/plugin-wide-ep-common';

/**
 * The zod namespace the scaffolder hands to schema functions (its own
 * `zod/v3`), named without importing zod: a second zod copy would silently
 * break input validation.
 */
export type ZodNamespace = Parameters<
  NonNullable<NonNullable<TemplateActionOptions['schema']>['input']>[string]
>[0];

/** Every field of the wide-EP spec, in the spec's order. */
export const SPEC_FIELDS = SPEC_FIELD_NAMES;

function roleInput(z: ZodNamespace, role: 'prefill' | 'decode') {
  return z
    .object({
      replicas: z
        .number()
        .int()
        .describe(
          `Independent ${role} data-parallel groups, each a full EP instance (1-64)`,
        ),
      dataParallelSize: z
        .number()
        .int()
        .describe(
          'Ranks (GPUs) per group; a multiple of the GPUs per node (4 on gb200, 8 on h200/b200), at most 72 on gb200',
        ),
    })
    .describe(`Size of the ${role} role`);
}

/**
 * Input fields of the wide-EP spec, with the spec's field names.
 *
 * @remarks
 * The JSON Schema the scaffolder derives from these checks types and enum
 * values only. Every value rule (DNS names, ranges, multiples of the GPUs
 * per node, cross-field rules) is checked by the common `parseSpec` in the
 * handler, so the action, the CLI and the form field report identical
 * `path: message` lines. Defaults are filled by `parseSpec` too: the
 * scaffolder validates input against the JSON Schema but does not apply its
 * defaults.
 */
export function specInputSchema(options: { clusterRequired: boolean }) {
  return {
    name: (z: ZodNamespace) =>
      z
        .string()
        .describe(
          'Prefix of every generated object and the catalog entity name; a DNS-1123 label such as wide-ep',
        ),
    namespace: (z: ZodNamespace) =>
      z
        .string()
        .describe(
          'Namespace of the deployment; a DNS-1123 label. It must exist before apply',
        ),
    model: (z: ZodNamespace) =>
      z
        .string()
        .describe(
          'Hugging Face model id served by vLLM, e.g. deepseek-ai/DeepSeek-R1-0528',
        ),
    servedModelName: (z: ZodNamespace) =>
      z
        .string()
        .optional()
        .describe('Model name clients request; defaults to the model id'),
    hardware: (z: ZodNamespace) =>
      z
        .enum(HARDWARE)
        .describe(
          'Accelerator: gb200 (NVL72, multi-node NVLink, 4 GPUs per tray), h200 or b200 (8 GPUs per node, RDMA)',
        ),
    clusterProvider: (z: ZodNamespace) =>
      z
        .enum(CLUSTER_PROVIDERS)
        .describe(
          'Where the cluster runs: gke, coreweave or generic; selects NIC and RDMA wiring',
        ),
    orchestrator: (z: ZodNamespace) =>
      z
        .enum(ORCHESTRATORS)
        .describe(
          'Multi-node workload API: lws (LeaderWorkerSet) or grove (PodCliqueSet)',
        ),
    gateway: (z: ZodNamespace) =>
      z
        .enum(GATEWAYS)
        .describe(
          'Gateway provider in front of the InferencePool; none renders no Gateway or HTTPRoute',
        ),
    prefill: (z: ZodNamespace) => roleInput(z, 'prefill'),
    decode: (z: ZodNamespace) => roleInput(z, 'decode'),
    rankPorts: (z: ZodNamespace) =>
      z
        .boolean()
        .optional()
        .describe(
          'DP-aware routing: one port per rank under the vLLM DP supervisor (default true)',
        ),
    eplb: (z: ZodNamespace) =>
      z
        .boolean()
        .optional()
        .describe(
          'Expert-parallel load balancing; not with FP4 checkpoints (default false)',
        ),
    monitoring: (z: ZodNamespace) =>
      z
        .enum(MONITORING)
        .optional()
        .describe(
          'Scrape objects for every rank and the endpoint picker: none (default), prometheus-operator (a PodMonitor per role and one for the EPP; needs the Prometheus Operator) or gke-managed-prometheus (PodMonitorings; needs GKE Managed Prometheus)',
        ),
    hfTokenSecret: (z: ZodNamespace) =>
      z
        .object({
          name: z.string().describe('Secret name'),
          key: z.string().describe('Key holding the Hugging Face token'),
        })
        .optional()
        .describe(
          'Secret with the Hugging Face token, by reference only (default llm-d-hf-token / HF_TOKEN)',
        ),
    grove: (z: ZodNamespace) =>
      z
        .object({
          kaiScheduler: z
            .boolean()
            .optional()
            .describe('Schedule with KAI (default true)'),
          queue: z
            .string()
            .optional()
            .describe('KAI queue (default default-queue)'),
          topologyName: z
            .string()
            .optional()
            .describe(
              'ClusterTopologyBinding that packs each group into one rack',
            ),
          terminationDelay: z
            .string()
            .optional()
            .describe(
              'How long Grove waits before replacing the PodCliqueSet replica when a group stays below minAvailable (default: the startup budget, 45m on h200/b200, 2h on gb200)',
            ),
        })
        .optional()
        .describe('Grove settings; ignored with lws'),
    rdma: (z: ZodNamespace) =>
      z
        .object({
          resource: z
            .string()
            .describe(
              'Extended resource name of the RDMA device, e.g. rdma/ib',
            ),
          count: z.number().int().describe('Devices per pod (1-64)'),
        })
        .optional()
        .describe(
          'RDMA devices each H200/B200 pod requests on generic or CoreWeave clusters (CoreWeave default rdma/ib x 1); not used on GKE or GB200',
        ),
    podResources: (z: ZodNamespace) =>
      z
        .object({
          memory: z.string().optional().describe('e.g. 850Gi'),
          cpu: z.string().optional().describe('e.g. 120'),
        })
        .optional()
        .describe(
          'Memory and CPU of each model-server pod (default per hardware; GB200 850Gi / 120, the GKE A4X sizes)',
        ),
    cluster: options.clusterRequired
      ? (z: ZodNamespace) =>
          z
            .string()
            .describe(
              'Name of a cluster in kubernetes.clusterLocatorMethods (type config); never a URL or token',
            )
      : (z: ZodNamespace) =>
          z
            .string()
            .optional()
            .describe('Backstage cluster name, written to the catalog entity'),
    owner: (z: ZodNamespace) =>
      z
        .string()
        .optional()
        .describe(
          'Owner entity reference of the catalog entity (default group:default/guests)',
        ),
  };
}

/**
 * Picks the spec fields out of an action input and validates them with the
 * common `parseSpec`, filling defaults.
 *
 * @throws InputError listing one `path: message` line per problem.
 */
export function parseActionSpec(input: Record<string, unknown>): WideEpSpec {
  const candidate: Record<string, unknown> = {};
  for (const field of SPEC_FIELDS) {
    // Templates render an unset optional parameter as undefined or ''; both
    // mean "use the default".
    if (input[field] !== undefined && input[field] !== '') {
      candidate[field] = input[field];
    }
  }
  const result = parseSpec(candidate);
  if (!result.success) {
    throw new InputError(
      `invalid wide-EP spec:\n${formatIssues(result.issues)}`,
    );
  }
  return result.spec;
}

/** The catalog entity reference of the generated catalog-info.yaml. */
export function entityRefOf(entity: {
  kind: string;
  metadata: { name: string; namespace?: string };
}): string {
  return `${entity.kind.toLowerCase()}:${
    entity.metadata.namespace ?? 'default'
  }/${entity.metadata.name}`;
}
