import { toYaml } from './yaml';
import { planTopology, TopologyPlan } from '../topology';
import type { WideEpSpec } from '../specSchema';
import type { GeneratedFile, KubernetesObject } from '../types';
import { renderModelServers } from './modelServers';
import { renderRouter } from './router';
import { renderGateway } from './gateway';
import { renderMonitoring } from './monitoring';
import { renderCatalogInfo } from './catalogInfo';
import { renderReadme } from './readme';
import { applyOrderOf } from '../kinds';

/** Everything the generator produces for one spec. @public */
export interface RenderResult {
  spec: WideEpSpec;
  plan: TopologyPlan;
  /** Objects in apply order. */
  objects: KubernetesObject[];
  /** The generated folder: manifests, kustomization.yaml, README.md, catalog-info.yaml. */
  files: GeneratedFile[];
  /** The catalog entity written to catalog-info.yaml. */
  entity: ReturnType<typeof renderCatalogInfo>;
}

/** Renders the Kubernetes objects of a validated spec, in apply order. @public */
export function renderObjects(
  spec: WideEpSpec,
  plan: TopologyPlan = planTopology(spec),
): KubernetesObject[] {
  const objects = [
    ...renderModelServers(spec, plan),
    ...renderRouter(spec, plan),
    ...renderGateway(spec),
    ...renderMonitoring(spec, plan),
  ];
  // Apply order (kinds.ts), which kustomization.yaml follows too.
  // Array.prototype.sort is stable: objects of one kind keep render order.
  return objects.sort((a, b) => applyOrderOf(a.kind) - applyOrderOf(b.kind));
}

/** File path of an object inside the generated folder. @public */
export function manifestPath(object: KubernetesObject): string {
  return `manifests/${object.kind.toLowerCase()}-${object.metadata.name}.yaml`;
}

/**
 * The pure generator: validated spec in, objects and files out. No I/O, no
 * clock, no randomness: the same spec always gives the same bytes.
 * @public
 */
export function renderDeployment(spec: WideEpSpec): RenderResult {
  const plan = planTopology(spec);
  const objects = renderObjects(spec, plan);
  const workloads = objects.filter(
    o => o.kind === 'LeaderWorkerSet' || o.kind === 'PodCliqueSet',
  );
  const entity = renderCatalogInfo(spec, plan, workloads);
  const manifests = objects.map(o => ({
    path: manifestPath(o),
    content: toYaml(o),
  }));
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: spec.namespace,
    resources: manifests.map(m => m.path),
  };
  const files: GeneratedFile[] = [
    { path: 'README.md', content: renderReadme(spec, plan) },
    { path: 'catalog-info.yaml', content: toYaml(entity) },
    { path: 'kustomization.yaml', content: toYaml(kustomization) },
    ...manifests,
  ];
  return { spec, plan, objects, files, entity };
}

export { toYaml } from './yaml';
export { routerProvider } from './router';
export { mnnvlMode } from './podSpec';
export {
  MONITORING_SCRAPE_INTERVAL_SECONDS,
  SCRAPE_TARGET_LABELS,
  renderMonitoring,
} from './monitoring';
export { EPP_METRICS_PORT_NAME, vllmPortName } from './portNames';
export { renderCatalogInfo } from './catalogInfo';
