import type { KubernetesObject } from '@kubernetes/client-node';
import {
  APPLY_STAGE_ORDER,
  ApplyStage,
  KINDS,
  applyStageOf,
} from '@internal/plugin-wide-ep-common';

// Defined with the kind registry in -common; re-exported for this package's API.
export { APPLY_STAGE_ORDER, applyStageOf };
export type { ApplyStage };

const kindsOf = (stage: ApplyStage) =>
  KINDS.filter(k => k.stage === stage).map(k => k.kind);

/**
 * Which kinds go in which stage, from the kind registry of the -common
 * package (`KINDS`), where the stages and their order are defined once.
 *
 * @public
 */
export const APPLY_STAGE_KINDS: Readonly<
  Record<ApplyStage, readonly string[]>
> = {
  namespace: kindsOf('namespace'),
  prerequisites: kindsOf('prerequisites'),
  workloads: kindsOf('workloads'),
  routing: kindsOf('routing'),
};

/**
 * Splits objects into stages, in stage order, keeping the caller's order
 * within each stage. Empty stages are left out. Each entry keeps the
 * object's index in the input, so results can be reported in input order.
 *
 * @public
 */
export function groupIntoApplyStages<T extends KubernetesObject>(
  objects: readonly T[],
): Array<{ stage: ApplyStage; entries: Array<{ index: number; object: T }> }> {
  return APPLY_STAGE_ORDER.map(stage => ({
    stage,
    entries: objects
      .map((object, index) => ({ index, object }))
      .filter(({ object }) => applyStageOf(object.kind ?? '') === stage),
  })).filter(group => group.entries.length > 0);
}
