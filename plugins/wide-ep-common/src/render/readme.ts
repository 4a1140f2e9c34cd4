import { HARDWARE_PROFILES } from '../hardware';
import { VERSION_SET } from '../versionSet';
import { servedModelName } from '../labels';
import { objectNames } from '../names';
import type { WideEpSpec } from '../spec';
import type { TopologyPlan } from '../topology';
import { GATEWAY_CAPABILITIES, gatewayClassName } from '../gateways';
import { PORTS } from '../constants';
import type { Gateway } from '../spec';
import { mnnvlMode, rdmaRequest } from './podSpec';

/** What each gateway's control plane must have switched on for InferencePools. */
const GATEWAY_PREREQUISITES: Record<Gateway, string | undefined> = {
  istio:
    'Istio with `ENABLE_GATEWAY_API_INFERENCE_EXTENSION=true` in `pilot.env` (istiod)',
  kgateway: 'kgateway installed with `inferenceExtension.enabled: true`',
  'kgateway-openshift':
    'kgateway installed with `inferenceExtension.enabled: true`',
  'gke-l7-regional-external-managed':
    'GKE Gateway API with the HttpLoadBalancing add-on and a proxy-only subnet in the region',
  none: undefined,
};

/** README.md of the generated folder: prerequisites, apply, reach it. Prose, not YAML. */
export function renderReadme(spec: WideEpSpec, plan: TopologyPlan): string {
  const names = objectNames(spec.name);
  const profile = HARDWARE_PROFILES[spec.hardware];
  const p = plan.roles.prefill;
  const maxDp = Math.max(
    plan.roles.prefill.dataParallelSize,
    plan.roles.decode.dataParallelSize,
  );
  const d = plan.roles.decode;
  const prereqs = [
    spec.orchestrator === 'lws'
      ? 'LeaderWorkerSet controller (CRD `leaderworkersets.leaderworkerset.x-k8s.io`, v0.10 or later)'
      : `Grove operator (CRD \`podcliquesets.grove.io\`)${
          spec.grove.kaiScheduler
            ? ` and KAI scheduler with a Queue named \`${spec.grove.queue}\``
            : ''
        }`,
    'Gateway API Inference Extension CRDs (`inferencepools.inference.networking.k8s.io`, v1)',
  ];
  if (mnnvlMode(spec) === 'computeDomain')
    prereqs.push(
      'NVIDIA DRA driver with ComputeDomain support (`computedomains.resource.nvidia.com`)',
    );
  if (mnnvlMode(spec) === 'groveAuto')
    prereqs.push(
      'NVIDIA DRA driver, and the Grove operator started with `network.autoMNNVLEnabled: true`',
    );
  if (spec.grove.topologyName && spec.orchestrator === 'grove')
    prereqs.push(
      `Grove ClusterTopologyBinding \`${spec.grove.topologyName}\` with a \`rack\` level`,
    );
  if (mnnvlMode(spec) === 'groveAuto')
    prereqs.push(
      'Grove v0.1.0-alpha.10 or later (reads the `grove.io/mnnvl-group` annotation)',
    );
  const cls = gatewayClassName(spec.gateway);
  if (cls)
    prereqs.push(
      `Gateway API CRDs and a gateway control plane providing GatewayClass \`${cls}\``,
    );
  const gatewayPrereq = GATEWAY_PREREQUISITES[spec.gateway];
  if (gatewayPrereq) prereqs.push(gatewayPrereq);
  const multiPort = GATEWAY_CAPABILITIES[spec.gateway].multiPortPools;
  if (spec.rankPorts && multiPort.support === 'yes')
    prereqs.push(
      `${GATEWAY_CAPABILITIES[spec.gateway].label} ${
        multiPort.minVersion
      } or later (multi-port InferencePool: ${
        plan.targetPorts.length
      } target ports)`,
    );
  if (profile.fabric === 'rdma') {
    const rdma = rdmaRequest(spec);
    prereqs.push(
      spec.clusterProvider === 'gke'
        ? 'GKE RDMA networks `rdma-0` .. `rdma-7` (A3 Ultra / A4 node pools with the RDMA binary and GPUDirect RDMA set up)'
        : rdma
        ? `An RDMA device plugin advertising \`${rdma.resource}\` (${rdma.count} per pod); DeepEP uses IBGDA across nodes`
        : 'RDMA NICs reachable from every pod without a device request (none is rendered: set `rdma` in the spec otherwise); DeepEP over IBGDA fails without them',
    );
  }
  if (spec.gateway === 'kgateway-openshift')
    prereqs.push(
      'OpenShift: a SecurityContextConstraints that lets the model-server ServiceAccount run as root with `IPC_LOCK` and `SYS_RAWIO` (e.g. `oc adm policy add-scc-to-user privileged -z ' +
        names.serviceAccount +
        ` -n ${spec.namespace}\`)`,
    );
  prereqs.push(
    `Secret \`${spec.hfTokenSecret.name}\` with key \`${spec.hfTokenSecret.key}\` in namespace \`${spec.namespace}\``,
    `${plan.totalPods} nodes with ${profile.gpusPerNode} allocatable \`nvidia.com/gpu\` each (${profile.label})`,
  );
  const access =
    spec.gateway === 'gke-l7-regional-external-managed'
      ? // A GKE L7 gateway is a Google Cloud load balancer, not a Service.
        `ADDRESS=$(kubectl -n ${spec.namespace} get gateway ${names.gateway} -o jsonpath='{.status.addresses[0].value}')`
      : cls
      ? `kubectl -n ${spec.namespace} port-forward svc/${
          spec.gateway === 'istio' ? `${names.gateway}-istio` : names.gateway
        } 8000:80`
      : `kubectl -n ${spec.namespace} port-forward pod/<a decode pod> 8000:8000`;
  const url =
    spec.gateway === 'gke-l7-regional-external-managed'
      ? 'http://$ADDRESS'
      : 'localhost:8000';
  return [
    `# ${spec.name}: wide-EP ${servedModelName(spec)}`,
    '',
    'Generated by the wide-EP Backstage template. Edit the spec and regenerate rather than editing these files.',
    '',
    '| role | groups | DP per group | pods per group | GPUs |',
    '| --- | --- | --- | --- | --- |',
    `| prefill | ${p.replicas} | ${p.dataParallelSize} | ${p.podsPerGroup} | ${p.totalGpus} |`,
    `| decode | ${d.replicas} | ${d.dataParallelSize} | ${d.podsPerGroup} | ${d.totalGpus} |`,
    '',
    `Launch mode: ${
      plan.launchMode
    }; pool target ports: ${plan.targetPorts.join(', ')}. Images: ${
      VERSION_SET.name
    }.`,
    '',
    '## Prerequisites',
    '',
    ...prereqs.map(x => `- ${x}`),
    '',
    '## Apply',
    '',
    '```sh',
    `kubectl create namespace ${spec.namespace}`,
    `kubectl create secret generic ${spec.hfTokenSecret.name} -n ${spec.namespace} --from-literal=${spec.hfTokenSecret.key}=<your token>`,
    'kubectl apply --server-side -k .',
    '```',
    '',
    'Startup takes 10 minutes or more after the model download; the startup probes allow for it.',
    '',
    `NIXL (KV transfer between prefill and decode) listens on TCP ${
      PORTS.nixlSideChannel
    } + the rank's global data-parallel index on every pod (${
      PORTS.nixlSideChannel
    }..${
      PORTS.nixlSideChannel + maxDp - 1
    } here); allow that range between prefill and decode pods in NetworkPolicies.`,
    '',
    '## Reach it',
    '',
    '```sh',
    access,
    `curl -s ${url}/v1/models`,
    '```',
    '',
  ].join('\n');
}
