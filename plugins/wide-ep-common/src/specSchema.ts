// The fields of a spec and their types. The cross-field rules
// (validateTopology.ts) are typed on this schema's output and applied in
// spec.ts, so neither imports the other's module: no cycle.
import { z } from 'zod';
import { HARDWARE } from './hardware';
import { DEFAULT_HF_TOKEN_SECRET } from './constants';

// Kubernetes resource quantities (apimachinery resource.Quantity).
const QUANTITY = /^\d+(\.\d+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// Hugging Face repo ids: owner/name, no spaces, quotes or shell metacharacters.
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;

const dnsLabel = () =>
  z
    .string()
    .min(1, 'is required')
    .max(63, 'must be at most 63 characters')
    .regex(
      DNS1123_LABEL,
      "must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit",
    );

const modelId = z
  .string()
  .min(1, 'is required')
  .max(200, 'must be at most 200 characters')
  .regex(
    MODEL_ID,
    'must be a Hugging Face model id such as deepseek-ai/DeepSeek-R1-0528',
  );

function dnsLabelOrSubdomain() {
  return z
    .string()
    .max(253, 'must be at most 253 characters')
    .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a DNS-1123 subdomain');
}

const secretKey = z
  .string()
  .max(253)
  .regex(/^[-._a-zA-Z0-9]+$/, 'must be a Secret data key');

/** @public */
export const CLUSTER_PROVIDERS = ['gke', 'coreweave', 'generic'] as const;
/** @public */
export const ORCHESTRATORS = ['lws', 'grove'] as const;
/** @public */
export const GATEWAYS = [
  'gke-l7-regional-external-managed',
  'istio',
  'kgateway',
  'kgateway-openshift',
  'none',
] as const;
/** @public */
export const ROLES = ['prefill', 'decode'] as const;
/**
 * Which scrape objects the deployment brings for a Prometheus the cluster
 * already runs: none, a Prometheus Operator PodMonitor per role plus one for
 * the endpoint picker, or the same as GKE Managed Prometheus PodMonitorings.
 * @public
 */
export const MONITORING = [
  'none',
  'prometheus-operator',
  'gke-managed-prometheus',
] as const;

const roleSchema = z
  .object({
    replicas: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(64, 'must be at most 64')
      .describe('Independent data-parallel groups (each a full EP instance)'),
    dataParallelSize: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(1024, 'must be at most 1024')
      .describe(
        'Ranks (GPUs) per data-parallel group; a multiple of GPUs per node',
      ),
  })
  .strict();

/**
 * The fields of the wide-EP deployment spec, without the cross-field rules;
 * validate with `wideEpSpecSchema` / `parseSpec` (spec.ts), which add them.
 * @public
 */
export const specFieldsSchema = z
  .object({
    name: dnsLabel().describe('Prefix of every object; DNS-1123 label'),
    namespace: dnsLabel().describe('Target namespace'),
    model: modelId.describe('Hugging Face model id served by vLLM'),
    servedModelName: modelId
      .optional()
      .describe('Name clients request; defaults to the model id'),
    hardware: z.enum(HARDWARE).describe('gb200 = MNNVL; h200/b200 = RDMA'),
    clusterProvider: z.enum(CLUSTER_PROVIDERS),
    orchestrator: z.enum(ORCHESTRATORS),
    gateway: z.enum(GATEWAYS),
    prefill: roleSchema,
    decode: roleSchema,
    rankPorts: z
      .boolean()
      .default(true)
      .describe(
        'DP-aware routing: every rank on its own port (vLLM DP supervisor)',
      ),
    eplb: z
      .boolean()
      .default(false)
      .describe('Expert-parallel load balancing (not with FP4 checkpoints)'),
    monitoring: z
      .enum(MONITORING)
      .default('none')
      .describe(
        'Scrape objects for every rank and the endpoint picker: a PodMonitor (needs the Prometheus Operator) or a PodMonitoring (needs GKE Managed Prometheus); none by default',
      ),
    hfTokenSecret: z
      .object({ name: dnsLabelOrSubdomain(), key: secretKey })
      .strict()
      .default({ ...DEFAULT_HF_TOKEN_SECRET }),
    grove: z
      .object({
        kaiScheduler: z.boolean().default(true),
        queue: dnsLabel().default('default-queue'),
        topologyName: dnsLabel()
          .optional()
          .describe('ClusterTopologyBinding to pack each group into one rack'),
        terminationDelay: z
          .string()
          .regex(/^\d+(s|m|h)$/, 'must be a duration such as 90m or 2h')
          .optional()
          .describe(
            'How long a group may stay below minAvailable before Grove replaces the whole PodCliqueSet replica; defaults to the startup budget',
          ),
      })
      .strict()
      .default({
        kaiScheduler: true,
        queue: 'default-queue',
      }),
    rdma: z
      .object({
        resource: z
          .string()
          .max(253)
          .regex(
            /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/,
            'must be an extended resource name such as rdma/ib',
          ),
        count: z
          .number()
          .int('must be a whole number')
          .min(1, 'must be at least 1')
          .max(64, 'must be at most 64'),
      })
      .strict()
      .optional()
      .describe(
        'RDMA device resource each H200/B200 pod requests (generic and CoreWeave clusters); DeepEP over IBGDA needs the NICs',
      ),
    podResources: z
      .object({
        memory: z
          .string()
          .regex(QUANTITY, 'must be a Kubernetes quantity such as 850Gi')
          .optional(),
        cpu: z
          .string()
          .regex(QUANTITY, 'must be a Kubernetes quantity such as 120')
          .optional(),
      })
      .strict()
      .optional()
      .describe(
        'Memory and CPU of each model-server pod; defaults per hardware (GB200: the GKE A4X sizes 850Gi / 120)',
      ),
    cluster: z
      .string()
      .max(253)
      .regex(
        /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/,
        'must be a cluster name from app-config',
      )
      .optional()
      .describe('Backstage cluster name, written to the catalog entity'),
    owner: z
      .string()
      .max(253)
      .regex(
        /^[A-Za-z0-9:/._-]+$/,
        'must be an entity reference such as group:default/platform',
      )
      .default('group:default/guests'),
  })
  .strict();

/** Every top-level field of the spec, in schema order. @public */
export const SPEC_FIELD_NAMES = Object.keys(specFieldsSchema.shape) as Array<
  keyof WideEpSpecInput
>;

/** Spec as written by a user (defaults optional). @public */
export type WideEpSpecInput = z.input<typeof specFieldsSchema>;
/** Validated spec with every default filled. @public */
export type WideEpSpec = z.output<typeof specFieldsSchema>;
/** @public */
export type Role = (typeof ROLES)[number];
/** @public */
export type Orchestrator = (typeof ORCHESTRATORS)[number];
/** @public */
export type Gateway = (typeof GATEWAYS)[number];
/** @public */
export type ClusterProvider = (typeof CLUSTER_PROVIDERS)[number];
/** @public */
export type Monitoring = (typeof MONITORING)[number];

/** One problem with a spec, named by its field path. @public */
export interface SpecIssue {
  path: string;
  message: string;
}
