import type { KubernetesObject } from '../types';

/** A pod template found in rendered objects, with how many pods it makes. */
export interface FoundTemplate {
  owner: string;
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  podSpec: any;
  pods: number;
}

/** Every model-server and EPP pod template in a rendered object list. */
export function podTemplates(objects: KubernetesObject[]): FoundTemplate[] {
  const out: FoundTemplate[] = [];
  for (const o of objects as any[]) {
    if (o.kind === 'LeaderWorkerSet') {
      const t = o.spec.leaderWorkerTemplate.workerTemplate;
      out.push({
        owner: `LeaderWorkerSet/${o.metadata.name}`,
        name: 'worker',
        labels: t.metadata.labels,
        annotations: t.metadata.annotations ?? {},
        podSpec: t.spec,
        pods: o.spec.replicas * o.spec.leaderWorkerTemplate.size,
      });
    }
    if (o.kind === 'PodCliqueSet') {
      const groups = o.spec.template.podCliqueScalingGroups ?? [];
      for (const c of o.spec.template.cliques) {
        const sg = groups.find((g: any) => g.cliqueNames.includes(c.name));
        out.push({
          owner: `PodCliqueSet/${o.metadata.name}`,
          name: c.name,
          labels: c.labels,
          annotations: c.annotations ?? {},
          podSpec: c.spec.podSpec,
          pods: c.spec.replicas * (sg ? sg.replicas : 1) * o.spec.replicas,
        });
      }
    }
    if (o.kind === 'Deployment') {
      out.push({
        owner: `Deployment/${o.metadata.name}`,
        name: 'pod',
        labels: o.spec.template.metadata.labels,
        annotations: o.spec.template.metadata.annotations ?? {},
        podSpec: o.spec.template.spec,
        pods: o.spec.replicas,
      });
    }
  }
  return out;
}

export function selects(
  selector: Record<string, string>,
  labels: Record<string, string>,
): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}
