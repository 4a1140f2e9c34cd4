import { parseSpec, WideEpSpecInput } from '../spec';
import { renderDeployment } from './index';
import { allVariants, monitoringVariants } from '../variants';
import { crdErrors, loadCrdValidators } from '../__testUtils__/crdValidator';
import { podTemplates, selects } from '../__testUtils__/podTemplates';
import { renderedWorkloads } from '../testUtils/operatorPods';
import { scrapeTargetLabels } from '../health/prometheusQueries';
import { MONITORING_SCRAPE_INTERVAL_SECONDS } from './monitoring';

const validators = loadCrdValidators();

function render(input: WideEpSpecInput) {
  const parsed = parseSpec(input);
  if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
  return renderDeployment(parsed.spec);
}
const name = (v: WideEpSpecInput) =>
  `${v.monitoring}/${v.orchestrator}/${v.hardware}/${
    v.rankPorts ? 'ports' : 'hybrid'
  }`;
const MONITOR_KINDS = ['PodMonitor', 'PodMonitoring'];
const eppArgs = (objects: any[]): string[] =>
  objects.find(o => o.kind === 'Deployment').spec.template.spec.containers[0]
    .args;

/** Prometheus' `replace` relabel action: source values joined by ';', full-match regex, $n groups. */
function replace(
  labels: Record<string, string>,
  rule: {
    sourceLabels: string[];
    targetLabel: string;
    regex?: string;
    replacement?: string;
  },
) {
  const value = rule.sourceLabels.map(l => labels[l] ?? '').join(';');
  const m = new RegExp(`^(?:${rule.regex ?? '(.*)'})$`).exec(value);
  if (!m) return;
  const out = (rule.replacement ?? '$1').replace(
    /\$(\d)/g,
    (_, i) => m[Number(i)] ?? '',
  );
  if (out === '') delete labels[rule.targetLabel];
  else labels[rule.targetLabel] = out;
}

/** Pod labels as Kubernetes service discovery names them. */
const metaPodLabel = (k: string) =>
  `__meta_kubernetes_pod_label_${k.replace(/[^a-zA-Z0-9_]/g, '_')}`;

/**
 * The target labels a scrape object gives one port of one pod, computed the
 * way each operator builds its scrape config: the Prometheus Operator runs
 * the endpoint's relabelings over the discovery labels; GKE Managed
 * Prometheus sets namespace and instance=<pod>:<port name>, the metadata
 * labels and fromPod, then the metric relabeling runs on each sample.
 */
function targetLabels(
  monitor: any,
  endpoint: any,
  pod: any,
  container: string,
) {
  const discovery: Record<string, string> = {
    __meta_kubernetes_namespace: pod.metadata.namespace,
    __meta_kubernetes_pod_name: pod.metadata.name,
    __meta_kubernetes_pod_container_name: container,
    __meta_kubernetes_pod_container_port_name: endpoint.port,
    ...Object.fromEntries(
      Object.entries(pod.metadata.labels as Record<string, string>).map(
        ([k, v]) => [metaPodLabel(k), v],
      ),
    ),
  };
  const out: Record<string, string> = {};
  if (monitor.kind === 'PodMonitor') {
    const labels = { ...discovery };
    for (const r of endpoint.relabelings) replace(labels, r);
    for (const [k, v] of Object.entries(labels))
      if (!k.startsWith('__')) out[k] = v;
    return out;
  }
  const sample: Record<string, string> = {
    namespace: pod.metadata.namespace,
    instance: `${pod.metadata.name}:${endpoint.port}`,
  };
  const meta: Record<string, string> = {
    pod: pod.metadata.name,
    container,
  };
  for (const k of monitor.spec.targetLabels.metadata) sample[k] = meta[k];
  // fromPod: a replace from the pod label's discovery label (empty: unset).
  for (const { from, to } of monitor.spec.targetLabels.fromPod) {
    const v = discovery[metaPodLabel(from)];
    if (v) sample[to] = v;
  }
  for (const r of endpoint.metricRelabeling) replace(sample, r);
  delete sample.instance;
  return sample;
}

describe('monitoring objects', () => {
  it.each(allVariants().map(v => [name(v), v] as const))(
    '%s: none by default, and the endpoint picker keeps its metrics auth',
    (_, v) => {
      const { objects } = render(v);
      expect(objects.filter(o => MONITOR_KINDS.includes(o.kind))).toEqual([]);
      expect(eppArgs(objects).join(' ')).not.toContain('metrics-endpoint-auth');
    },
  );

  it('covers both monitoring stacks on every orchestrator, hardware and launch mode', () => {
    expect(new Set(monitoringVariants().map(name)).size).toBe(24);
  });

  it.each(monitoringVariants().map(v => [name(v), v] as const))(
    '%s: one object per role and one for the EPP, valid against the recorded CRD, scraping every rank port with the contract labels',
    (_, v) => {
      const { objects, plan, files } = render(v);
      const kind =
        v.monitoring === 'prometheus-operator' ? 'PodMonitor' : 'PodMonitoring';
      const monitors: any[] = objects.filter(o =>
        MONITOR_KINDS.includes(o.kind),
      );
      expect(monitors.map(m => `${m.kind}/${m.metadata.name}`)).toEqual([
        `${kind}/wide-ep-prefill`,
        `${kind}/wide-ep-decode`,
        `${kind}/wide-ep-infpool-epp`,
      ]);
      for (const m of monitors) expect(crdErrors(validators, m)).toEqual([]);

      const endpoints = (m: any): any[] =>
        m.spec.podMetricsEndpoints ?? m.spec.endpoints;
      const templates = podTemplates(objects);
      const { pods } = renderedWorkloads(objects);
      for (const m of monitors)
        for (const e of endpoints(m))
          expect(e.interval).toBe(`${MONITORING_SCRAPE_INTERVAL_SECONDS}s`);
      const selectedBy = (m: any) =>
        templates.filter(t => selects(m.spec.selector.matchLabels, t.labels));

      const [prefill, decode, epp] = monitors;
      expect(selectedBy(epp).map(t => t.owner)).toEqual([
        'Deployment/wide-ep-infpool-epp',
      ]);
      expect(endpoints(epp).map(e => e.port)).toEqual(['metrics']);

      for (const [role, m] of [
        ['prefill', prefill],
        ['decode', decode],
      ] as const) {
        // Exactly the role's model-server templates.
        const selected = selectedBy(m);
        const id = (t: { owner: string; name: string }) =>
          `${t.owner}/${t.name}`;
        expect(selected.map(id).sort()).toEqual(
          templates
            .filter(t => t.labels['llm-d.ai/role'] === role)
            .map(id)
            .sort(),
        );
        expect(selected.length).toBeGreaterThan(0);
        // The ports that serve the role's ranks, by name, and nothing else.
        const rankPorts = new Set(plan.roles[role].vllmPorts);
        for (const t of selected) {
          const vllm = t.podSpec.containers.find((c: any) => c.name === 'vllm');
          expect(endpoints(m).map(e => e.port)).toEqual(
            vllm.ports
              .filter((p: any) => rankPorts.has(p.containerPort))
              .map((p: any) => p.name),
          );
        }
        // What Prometheus would label each target of every pod with.
        for (const pod of pods.filter(
          p => p.metadata.labels?.['llm-d.ai/role'] === role,
        )) {
          for (const e of endpoints(m)) {
            expect(targetLabels(m, e, pod, 'vllm')).toEqual(
              scrapeTargetLabels(pod, e.port),
            );
          }
        }
      }
      expect(eppArgs(objects)).toContain('--metrics-endpoint-auth=false');
      const readme = files.find(f => f.path === 'README.md')!.content;
      expect(readme).toContain(
        kind === 'PodMonitor'
          ? 'Prometheus Operator (CRD `podmonitors.monitoring.coreos.com`)'
          : 'GKE Managed Prometheus (managed collection on, CRD `podmonitorings.monitoring.googleapis.com`)',
      );
    },
  );

  it('the EPP target gets the same labels as scrapeTargetLabels gives it', () => {
    for (const monitoring of [
      'prometheus-operator',
      'gke-managed-prometheus',
    ] as const) {
      const { objects } = render({ ...allVariants()[0], monitoring });
      const m: any = objects.find(
        o =>
          o.metadata.name === 'wide-ep-infpool-epp' &&
          MONITOR_KINDS.includes(o.kind),
      );
      const epp: any = objects.find(o => o.kind === 'Deployment');
      const pod = {
        metadata: {
          name: 'wide-ep-infpool-epp-5d8c7-abcde',
          namespace: epp.metadata.namespace,
          labels: epp.spec.template.metadata.labels,
        },
        spec: epp.spec.template.spec,
      };
      const e = (m.spec.podMetricsEndpoints ?? m.spec.endpoints)[0];
      expect(targetLabels(m, e, pod, 'epp')).toEqual(
        scrapeTargetLabels(pod, 'metrics'),
      );
    }
  });
});
