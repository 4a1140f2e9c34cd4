import {
  APPLY_STAGE_ORDER,
  KINDS,
  applyOrderOf,
  applyStageOf,
  kindInfo,
} from './kinds';
import { renderDeployment } from './render';
import { parseSpec } from './spec';
import { allVariants, monitoringVariants } from './variants';

const renders = [...allVariants(), ...monitoringVariants()].map(input => {
  const parsed = parseSpec(input);
  if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
  return renderDeployment(parsed.spec);
});

describe('the kind registry', () => {
  it('lists every kind any variant renders, with the apiVersion it is rendered in, and no rendered kind that none emits', () => {
    const emitted = new Map<string, Set<string>>();
    for (const r of renders)
      for (const o of r.objects)
        emitted.set(
          o.kind,
          (emitted.get(o.kind) ?? new Set()).add(o.apiVersion),
        );
    for (const [k, versions] of emitted) {
      const info = kindInfo(k);
      expect(info?.rendered).toBe(true);
      expect([...versions]).toEqual([info!.apiVersion]);
    }
    expect(
      KINDS.filter(k => k.rendered)
        .map(k => k.kind)
        .sort(),
    ).toEqual([...emitted.keys()].sort());
  });

  it('is in apply order: stages never go back, and every render comes out in that order', () => {
    const stages = KINDS.map(k => APPLY_STAGE_ORDER.indexOf(k.stage));
    expect(stages).toEqual([...stages].sort((a, b) => a - b));
    for (const r of renders) {
      const order = r.objects.map(o => applyOrderOf(o.kind));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
  });

  it('puts a kind it does not know with the workloads, after the known ones', () => {
    expect(applyStageOf('HorizontalPodAutoscaler')).toBe('workloads');
    expect(applyOrderOf('HorizontalPodAutoscaler')).toBeGreaterThan(
      applyOrderOf('PodDisruptionBudget'),
    );
    expect(applyOrderOf('HorizontalPodAutoscaler')).toBeLessThan(
      applyOrderOf('InferencePool'),
    );
    // The kgateway proxy parameters are routing, applied before the Gateway that names them.
    expect(applyStageOf('GatewayParameters')).toBe('routing');
    expect(applyOrderOf('GatewayParameters')).toBeLessThan(
      applyOrderOf('Gateway'),
    );
  });

  it('gives every custom resource a reason for preflight, and built-in kinds none', () => {
    const BUILT_IN_GROUPS = [
      '',
      'apps',
      'policy',
      'rbac.authorization.k8s.io',
      'resource.k8s.io',
    ];
    const isCustom = (apiVersion: string) =>
      !BUILT_IN_GROUPS.includes(
        apiVersion.includes('/') ? apiVersion.split('/')[0] : '',
      );
    // Rendered kinds: a reason exactly when custom. Custom kinds that only
    // operators create (PodClique, ...) are checked by preflight through the
    // orchestrator, so they may have none; a reason on a built-in is wrong.
    expect(KINDS.filter(k => k.rendered).map(k => [k.kind, !!k.crd])).toEqual(
      KINDS.filter(k => k.rendered).map(k => [k.kind, isCustom(k.apiVersion)]),
    );
    expect(
      KINDS.filter(k => k.crd && !isCustom(k.apiVersion)).map(k => k.kind),
    ).toEqual([]);
  });
});
