import { LABELS, PORTS } from '../constants';
import { objectNames } from '../names';
import { gatewayClassName } from '../gateways';
import type { WideEpSpec } from '../specSchema';
import type { KubernetesObject } from '../types';
import { toYaml } from './yaml';

/** Gateway, HTTPRoute and the provider's parameters object; nothing for `none`. */
export function renderGateway(spec: WideEpSpec): KubernetesObject[] {
  const className = gatewayClassName(spec.gateway);
  if (!className) return [];
  const names = objectNames(spec.name);
  const labels = {
    [LABELS.deployment]: spec.name,
    [LABELS.kubernetesId]: spec.name,
  };
  const meta = (name: string, extra: Record<string, string> = {}) => ({
    name,
    namespace: spec.namespace,
    labels: { ...labels, ...extra },
  });
  const objects: KubernetesObject[] = [];
  const gatewaySpec: Record<string, unknown> = {
    gatewayClassName: className,
    listeners: [
      {
        name: 'default',
        port: PORTS.gateway,
        protocol: 'HTTP',
        allowedRoutes: { namespaces: { from: 'Same' } },
      },
    ],
  };
  let gatewayLabels: Record<string, string> = {};

  if (spec.gateway === 'istio') {
    gatewayLabels = { 'istio.io/enable-inference-extproc': 'true' };
    gatewaySpec.infrastructure = {
      parametersRef: {
        group: '',
        kind: 'ConfigMap',
        name: names.gatewayConfig,
      },
    };
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(names.gatewayConfig),
      data: {
        deployment: toYaml({
          spec: {
            template: {
              spec: {
                containers: [
                  {
                    name: 'istio-proxy',
                    args: [
                      'proxy',
                      'router',
                      '--domain',
                      '$(POD_NAMESPACE).svc.cluster.local',
                      '--proxyLogLevel',
                      'warn',
                      '--proxyComponentLogLevel',
                      'misc:warn',
                      '--log_output_level',
                      'default:warn',
                    ],
                    resources: {
                      limits: { cpu: '8', memory: '16Gi' },
                      requests: { cpu: 2, memory: '4Gi' },
                    },
                  },
                ],
              },
            },
          },
        }),
        service: toYaml({ spec: { type: 'ClusterIP' } }),
      },
    });
  }
  if (spec.gateway === 'kgateway-openshift') {
    gatewaySpec.infrastructure = {
      parametersRef: {
        group: 'gateway.kgateway.dev',
        kind: 'GatewayParameters',
        name: names.gatewayParameters,
      },
    };
    const restricted = {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      seccompProfile: { type: 'RuntimeDefault' },
    };
    objects.push({
      apiVersion: 'gateway.kgateway.dev/v1alpha1',
      kind: 'GatewayParameters',
      metadata: meta(names.gatewayParameters),
      spec: {
        kube: {
          // OpenShift assigns the UID from the namespace range.
          floatingUserId: true,
          envoyContainer: {
            securityContext: { ...restricted, runAsNonRoot: true },
          },
          sdsContainer: { securityContext: restricted },
          service: { type: 'ClusterIP' },
        },
      },
    });
  }

  objects.push({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: meta(names.gateway, gatewayLabels),
    spec: gatewaySpec,
  });

  const rule: Record<string, unknown> = {
    matches: [{ path: { type: 'PathPrefix', value: '/' } }],
    backendRefs: [
      {
        group: 'inference.networking.k8s.io',
        kind: 'InferencePool',
        name: names.pool,
        port: PORTS.serving,
      },
    ],
  };
  // GKE rejects 0s route timeouts; its GCPBackendPolicy carries the 300 s limit.
  if (spec.gateway !== 'gke-l7-regional-external-managed') {
    rule.timeouts = { request: '0s', backendRequest: '0s' };
  }
  objects.push({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: meta(names.route),
    spec: {
      parentRefs: [
        {
          group: 'gateway.networking.k8s.io',
          kind: 'Gateway',
          name: names.gateway,
        },
      ],
      rules: [rule],
    },
  });
  return objects;
}
