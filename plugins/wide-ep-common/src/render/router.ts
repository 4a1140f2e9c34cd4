import { LABELS, PORTS } from '../constants';
import { VERSION_SET } from '../versionSet';
import { poolSelector } from '../labels';
import { objectNames } from '../names';
import type { Gateway, WideEpSpec } from '../specSchema';
import type { TopologyPlan } from '../topology';
import type { KubernetesObject } from '../types';
import { toYaml } from './yaml';
import { EPP_METRICS_PORT_NAME } from './portNames';

/**
 * What the GAIE chart calls `provider.name`: which gateway-specific extras
 * the endpoint picker needs. Upstream hard-coded `istio` for every gateway,
 * which rendered an Istio DestinationRule on kgateway clusters (defect #1).
 * @public
 */
export function routerProvider(gateway: Gateway): 'gke' | 'istio' | 'none' {
  if (gateway === 'gke-l7-regional-external-managed') return 'gke';
  if (gateway === 'istio') return 'istio';
  return 'none';
}

const EPP_CONFIG_FILE = 'epp-config.yaml';

/** P/D EndpointPickerConfig: every request is prefilled then decoded. */
export function eppPluginConfig() {
  return {
    apiVersion: VERSION_SET.epp.configApiVersion,
    kind: 'EndpointPickerConfig',
    plugins: [
      { type: 'disagg-headers-handler' },
      { type: 'always-disagg-pd-decider' },
      {
        type: 'disagg-profile-handler',
        parameters: { deciderPluginName: 'always-disagg-pd-decider' },
      },
      { type: 'prefill-filter' },
      { type: 'decode-filter' },
      { type: 'prefix-cache-scorer' },
      { type: 'queue-scorer' },
      { type: 'active-request-scorer' },
    ],
    schedulingProfiles: [
      {
        name: 'prefill',
        plugins: [
          { pluginRef: 'prefill-filter' },
          { pluginRef: 'prefix-cache-scorer', weight: 3 },
          { pluginRef: 'queue-scorer', weight: 2 },
          { pluginRef: 'active-request-scorer', weight: 2 },
        ],
      },
      {
        name: 'decode',
        plugins: [
          { pluginRef: 'decode-filter' },
          { pluginRef: 'active-request-scorer' },
        ],
      },
    ],
  };
}

/**
 * The EPP authenticates and authorizes every /metrics request by default
 * (`--metrics-endpoint-auth`, llm-d-router v0.9.0 pkg/epp/server/options.go):
 * it needs a ClusterRole to create TokenReviews and SubjectAccessReviews,
 * and the scraper a token bound to a ClusterRole for the /metrics URL. A
 * deployment that asks for monitoring gets a PodMonitor(ing) that scrapes
 * it, and cluster-scoped RBAC is more than a namespace-scoped deployer may
 * create, so with monitoring the endpoint is plain HTTP inside the cluster
 * network, like the vLLM ranks' /metrics (pool-level counters, no secrets).
 * Without monitoring the EPP keeps its default.
 */
function eppMetricsAuthArgs(spec: WideEpSpec): string[] {
  return spec.monitoring === 'none' ? [] : ['--metrics-endpoint-auth=false'];
}

/**
 * InferencePool plus the endpoint picker the GAIE `inferencepool` chart
 * would install, rendered as plain objects so no Helm is needed.
 */
export function renderRouter(
  spec: WideEpSpec,
  topology: TopologyPlan,
): KubernetesObject[] {
  const names = objectNames(spec.name);
  const ns = spec.namespace;
  const labels = {
    [LABELS.deployment]: spec.name,
    [LABELS.kubernetesId]: spec.name,
  };
  const eppLabels = { ...labels, inferencepool: names.epp };
  const meta = (name: string, extra: Record<string, string> = {}) => ({
    name,
    namespace: ns,
    labels: { ...labels, ...extra },
  });

  const objects: KubernetesObject[] = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(names.epp) },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(names.epp),
      rules: [
        {
          apiGroups: [''],
          resources: ['pods'],
          verbs: ['get', 'list', 'watch'],
        },
        {
          apiGroups: ['inference.networking.k8s.io'],
          resources: ['inferencepools'],
          verbs: ['get', 'list', 'watch'],
        },
        // The EPP starts an informer on InferenceObjective and
        // InferenceModelRewrite whenever their CRDs are installed (standard
        // GAIE and llm-d-router bundles), in either group; a 403 on that
        // watch keeps its caches from syncing and it exits (review B2).
        {
          apiGroups: ['inference.networking.x-k8s.io', 'llm-d.ai'],
          resources: ['inferenceobjectives', 'inferencemodelrewrites'],
          verbs: ['get', 'list', 'watch'],
        },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(names.epp),
      subjects: [{ kind: 'ServiceAccount', name: names.epp, namespace: ns }],
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: names.epp,
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(names.eppConfig),
      data: { [EPP_CONFIG_FILE]: toYaml(eppPluginConfig()) },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(names.epp, { inferencepool: names.epp }),
      spec: {
        replicas: 1,
        strategy: { type: 'Recreate' },
        selector: { matchLabels: { inferencepool: names.epp } },
        template: {
          metadata: { labels: eppLabels },
          spec: {
            serviceAccountName: names.epp,
            terminationGracePeriodSeconds: 130,
            containers: [
              {
                name: 'epp',
                image: VERSION_SET.epp.image,
                imagePullPolicy: 'IfNotPresent',
                args: [
                  '--pool-name',
                  names.pool,
                  '--pool-namespace',
                  ns,
                  '--pool-group',
                  'inference.networking.k8s.io',
                  '--grpc-port',
                  String(PORTS.eppGrpc),
                  '--grpc-health-port',
                  String(PORTS.eppGrpcHealth),
                  '--metrics-port',
                  String(PORTS.eppMetrics),
                  ...eppMetricsAuthArgs(spec),
                  '--config-file',
                  `/config/${EPP_CONFIG_FILE}`,
                  '--zap-encoder',
                  'json',
                  '--v',
                  '1',
                ],
                ports: [
                  {
                    name: 'grpc',
                    containerPort: PORTS.eppGrpc,
                    protocol: 'TCP',
                  },
                  {
                    name: 'grpc-health',
                    containerPort: PORTS.eppGrpcHealth,
                    protocol: 'TCP',
                  },
                  {
                    name: EPP_METRICS_PORT_NAME,
                    containerPort: PORTS.eppMetrics,
                    protocol: 'TCP',
                  },
                ],
                livenessProbe: {
                  grpc: {
                    port: PORTS.eppGrpcHealth,
                    service: 'inference-extension',
                  },
                  periodSeconds: 10,
                },
                readinessProbe: {
                  grpc: {
                    port: PORTS.eppGrpcHealth,
                    service: 'inference-extension',
                  },
                  periodSeconds: 2,
                },
                resources: {
                  requests: { cpu: '4', memory: '8Gi' },
                  limits: { memory: '16Gi' },
                },
                volumeMounts: [
                  { name: 'plugins-config', mountPath: '/config' },
                ],
              },
            ],
            volumes: [
              { name: 'plugins-config', configMap: { name: names.eppConfig } },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(names.epp),
      spec: {
        type: 'ClusterIP',
        selector: { inferencepool: names.epp },
        ports: [
          {
            name: 'grpc-ext-proc',
            port: PORTS.eppGrpc,
            targetPort: PORTS.eppGrpc,
            // No appProtocol: the EPP serves TLS gRPC, and some gateways
            // read `http2` as cleartext h2c (neither upstream chart sets it).
            protocol: 'TCP',
          },
          {
            name: 'http-metrics',
            port: PORTS.eppMetrics,
            targetPort: PORTS.eppMetrics,
            protocol: 'TCP',
          },
        ],
      },
    },
    {
      apiVersion: 'inference.networking.k8s.io/v1',
      kind: 'InferencePool',
      metadata: meta(names.pool),
      spec: {
        selector: { matchLabels: poolSelector(spec) },
        targetPorts: topology.targetPorts.map(number => ({ number })),
        endpointPickerRef: {
          kind: 'Service',
          name: names.epp,
          port: { number: PORTS.eppGrpc },
          failureMode: 'FailOpen',
        },
      },
    },
  ];

  const provider = routerProvider(spec.gateway);
  if (provider === 'istio') {
    objects.push({
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'DestinationRule',
      metadata: meta(names.epp),
      spec: {
        host: names.epp,
        trafficPolicy: {
          tls: { mode: 'SIMPLE', insecureSkipVerify: true },
          connectionPool: {
            http: {
              http1MaxPendingRequests: 256000,
              maxRequestsPerConnection: 256000,
              http2MaxRequests: 256000,
              idleTimeout: '900s',
            },
            tcp: {
              maxConnections: 256000,
              maxConnectionDuration: '1800s',
              connectTimeout: '900s',
            },
          },
        },
      },
    });
  }
  if (provider === 'gke') {
    const targetRef = {
      group: 'inference.networking.k8s.io',
      kind: 'InferencePool',
      name: names.pool,
    };
    objects.push(
      {
        apiVersion: 'networking.gke.io/v1',
        kind: 'HealthCheckPolicy',
        metadata: meta(names.pool),
        spec: {
          targetRef,
          default: {
            // The CRD's CEL rules reject `port` unless portSpecification is
            // USE_FIXED_PORT (review B4); intervals as the GAIE chart sets them.
            timeoutSec: 2,
            checkIntervalSec: 2,
            config: {
              type: 'HTTP',
              httpHealthCheck: {
                requestPath: '/health',
                portSpecification: 'USE_FIXED_PORT',
                port: PORTS.serving,
              },
            },
          },
        },
      },
      {
        apiVersion: 'networking.gke.io/v1',
        kind: 'GCPBackendPolicy',
        metadata: meta(names.pool),
        // Long generations: the load balancer's 30 s default would cut them.
        spec: {
          targetRef,
          default: { timeoutSec: 300, logging: { enabled: true } },
        },
      },
    );
  }
  return objects;
}
