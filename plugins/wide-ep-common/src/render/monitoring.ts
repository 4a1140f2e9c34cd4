import { LABELS } from '../constants';
import { objectNames } from '../names';
import type { Monitoring, Role, WideEpSpec } from '../specSchema';
import type { RolePlan, TopologyPlan } from '../topology';
import type { KubernetesObject } from '../types';
import { EPP_METRICS_PORT_NAME, vllmPortName } from './portNames';

/**
 * How often Prometheus scrapes every rank and the endpoint picker. 10 s, not
 * the 5 s of upstream's wide-EP overlay (llm-d guides/wide-ep-lws/monitoring):
 * a real vLLM /metrics page carries histograms per engine and model, and a
 * platform with 10,000 ranks would put 2,000 scrapes a second on Prometheus
 * at 5 s. 10 s matches the rank card's refresh and the GAIE chart's EPP
 * interval, and a rate() over 4 scrapes (40 s) still follows a load change
 * within a minute. Not 30 s (the generic recipes): a killed rank would take
 * up to half a minute to show as a gap.
 * @public
 */
export const MONITORING_SCRAPE_INTERVAL_SECONDS = 10;

/**
 * The target labels every scraped series carries, as the monitoring objects'
 * relabelings produce them: the series' namespace, pod, container and
 * container port name, and the pod's wide-EP deployment and role (the
 * endpoint picker has no role). The rank is not a label: a series is mapped
 * to ranks through (pod, port_name) and, in hybrid mode, vLLM's `engine`
 * label (health/prometheusQueries.ts).
 * @public
 */
export const SCRAPE_TARGET_LABELS = {
  namespace: 'namespace',
  pod: 'pod',
  container: 'container',
  portName: 'port_name',
  deployment: 'llm_d_deployment',
  role: 'llm_d_role',
} as const;

/** A pod label as Prometheus' Kubernetes discovery names it. */
function podLabelMeta(label: string): string {
  return `__meta_kubernetes_pod_label_${label.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

/**
 * Prometheus Operator relabelings onto the contract's target labels. The
 * operator adds namespace, pod and container itself; they are written here
 * too so the labels do not depend on the operator's defaults, and so the
 * list reads as the whole contract.
 */
function podMonitorRelabelings() {
  const from = (source: string, target: string) => ({
    action: 'replace',
    sourceLabels: [source],
    targetLabel: target,
  });
  const L = SCRAPE_TARGET_LABELS;
  return [
    from('__meta_kubernetes_namespace', L.namespace),
    from('__meta_kubernetes_pod_name', L.pod),
    from('__meta_kubernetes_pod_container_name', L.container),
    from('__meta_kubernetes_pod_container_port_name', L.portName),
    from(podLabelMeta(LABELS.deployment), L.deployment),
    from(podLabelMeta(LABELS.role), L.role),
  ];
}

/**
 * GKE Managed Prometheus sets `namespace` itself (a protected label) and
 * `pod`/`container` from `targetLabels.metadata`, copies pod labels with
 * `targetLabels.fromPod`, but has no target relabeling: `port_name` is cut
 * from `instance`, which it sets to `<pod>:<port name>` for a named port
 * (prometheus-engine v0.17.2 pkg/operator/apis/monitoring/v1/pod_config.go).
 */
const GMP_TARGET_LABELS = {
  metadata: [SCRAPE_TARGET_LABELS.pod, SCRAPE_TARGET_LABELS.container],
  fromPod: [
    { from: LABELS.deployment, to: SCRAPE_TARGET_LABELS.deployment },
    { from: LABELS.role, to: SCRAPE_TARGET_LABELS.role },
  ],
};
const GMP_PORT_NAME_FROM_INSTANCE = [
  {
    action: 'replace',
    sourceLabels: ['instance'],
    regex: '.+:([^:]+)',
    replacement: '$1',
    targetLabel: SCRAPE_TARGET_LABELS.portName,
  },
];

/** The container ports a role's ranks are scraped on: every rank port in supervisor mode, the API port in hybrid mode. */
export function rankScrapePortNames(plan: RolePlan): string[] {
  return plan.launchMode === 'supervisor'
    ? plan.vllmPorts.map((_, i) => vllmPortName('supervisor', i))
    : [vllmPortName('hybrid', 0)];
}

function monitorObject(
  monitoring: Exclude<Monitoring, 'none'>,
  spec: WideEpSpec,
  name: string,
  selector: Record<string, string>,
  ports: string[],
): KubernetesObject {
  const interval = `${MONITORING_SCRAPE_INTERVAL_SECONDS}s`;
  const metadata = {
    name,
    namespace: spec.namespace,
    labels: {
      [LABELS.deployment]: spec.name,
      [LABELS.kubernetesId]: spec.name,
    },
  };
  if (monitoring === 'prometheus-operator') {
    return {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PodMonitor',
      metadata,
      spec: {
        selector: { matchLabels: selector },
        podMetricsEndpoints: ports.map(port => ({
          port,
          path: '/metrics',
          interval,
          relabelings: podMonitorRelabelings(),
        })),
      },
    };
  }
  return {
    apiVersion: 'monitoring.googleapis.com/v1',
    kind: 'PodMonitoring',
    metadata,
    spec: {
      selector: { matchLabels: selector },
      endpoints: ports.map(port => ({
        port,
        path: '/metrics',
        interval,
        metricRelabeling: GMP_PORT_NAME_FROM_INSTANCE,
      })),
      targetLabels: GMP_TARGET_LABELS,
    },
  };
}

/**
 * One scrape object per role for its ranks and one for the endpoint picker,
 * of the kind `spec.monitoring` names; none for `none`. They select pods by
 * the deployment and role labels every pod template carries, so they
 * follow scaling and restarts without change.
 * @public
 */
export function renderMonitoring(
  spec: WideEpSpec,
  topology: TopologyPlan,
): KubernetesObject[] {
  const monitoring = spec.monitoring;
  if (monitoring === 'none') return [];
  const names = objectNames(spec.name);
  const roles: Role[] = ['prefill', 'decode'];
  return [
    ...roles.map(role =>
      monitorObject(
        monitoring,
        spec,
        names.rankMonitor(role),
        { [LABELS.deployment]: spec.name, [LABELS.role]: role },
        rankScrapePortNames(topology.roles[role]),
      ),
    ),
    monitorObject(
      monitoring,
      spec,
      names.eppMonitor,
      // The EPP Deployment's own selector label (render/router.ts).
      { [LABELS.deployment]: spec.name, inferencepool: names.epp },
      [EPP_METRICS_PORT_NAME],
    ),
  ];
}
