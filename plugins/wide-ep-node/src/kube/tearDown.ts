import type { KubernetesObject } from '@kubernetes/client-node';
import { LABELS } from '@internal/plugin-wide-ep-common';
import { isError } from '@backstage/errors';
import { APPLY_STAGE_ORDER, ApplyStage, applyStageOf } from './applyStages';
import { toBackstageError } from './errors';
import { findDeploymentObjects, objectKey } from './findDeploymentObjects';
import { formatObjectRef, objectRefOf } from './objectRef';
import type { KubeClient, ObjectRef } from './types';

/**
 * What happened to one object: `kept` means it exists but does not carry
 * the deployment's label, so it was left alone.
 * @public
 */
export type TearDownOutcome = 'deleted' | 'absent' | 'kept' | 'failed';

/** @public */
export interface TearDownResult {
  ref: ObjectRef;
  stage: ApplyStage;
  outcome: TearDownOutcome;
  dryRun: boolean;
  /** Why it was kept, or the `@backstage/errors` message of a failure. */
  message?: string;
}

/** Options of {@link tearDownDeployment}. @public */
export interface TearDownOptions {
  client: KubeClient;
  namespace: string;
  deployment: string;
  /** The render of the deployment's spec: what it applied. */
  objects: readonly KubernetesObject[];
  /** `dryRun=All` deletes: admission and RBAC run, nothing is deleted. */
  dryRun: boolean;
  /** Called once per object as soon as its outcome is known. Must not throw. */
  onObject?: (result: TearDownResult) => void;
}

/**
 * Deletes what a deployment applied, in reverse stage order (routing, then
 * workloads, then prerequisites), so no route points at a pool being torn
 * down.
 *
 * @remarks
 * Deleted: objects that carry `wide-ep.backstage.io/deployment=<name>` and
 * are of a kind the render produces, in the deployment's namespace: the
 * rendered ones and labelled ones an earlier render left. Never deleted:
 * the namespace, and anything without the label, such as the HF token
 * Secret, even if its name matches a rendered object (`kept`). One failed
 * delete does not stop the others; the caller decides what a failure
 * means. Running it again is harmless: what is gone is `absent`.
 * @public
 */
export async function tearDownDeployment(
  options: TearDownOptions,
): Promise<TearDownResult[]> {
  const { client, namespace, deployment, dryRun, onObject } = options;
  const { live } = await findDeploymentObjects({
    client,
    namespace,
    deployment,
    objects: options.objects,
  });
  const liveByKey = new Map(live.map(o => [objectKey(objectRefOf(o)), o]));
  const candidates = new Map<string, ObjectRef>();
  for (const o of [...options.objects, ...live]) {
    const ref = objectRefOf(o);
    if (ref.kind === 'Namespace') continue;
    candidates.set(objectKey(ref), ref);
  }
  const ordered = [...candidates.values()].sort(
    (a, b) => stageRank(b.kind) - stageRank(a.kind),
  );

  const results: TearDownResult[] = [];
  for (const ref of ordered) {
    const result = await deleteIfLabelled({
      client,
      ref,
      live: liveByKey.get(objectKey(ref)),
      deployment,
      dryRun,
    });
    results.push(result);
    onObject?.(result);
  }
  return results;
}

/**
 * Deletes objects a new render no longer has (an update's prune), with the
 * teardown's rule: only when the live object carries the deployment's
 * label. Routing first, like the teardown.
 * @public
 */
export async function pruneObjects(options: {
  client: KubeClient;
  deployment: string;
  refs: readonly ObjectRef[];
  dryRun: boolean;
  onObject?: (result: TearDownResult) => void;
}): Promise<TearDownResult[]> {
  const { client, deployment, dryRun } = options;
  const results: TearDownResult[] = [];
  const ordered = [...options.refs].sort(
    (a, b) => stageRank(b.kind) - stageRank(a.kind),
  );
  for (const ref of ordered) {
    let result: TearDownResult;
    try {
      const live = await client.read(ref);
      result = await deleteIfLabelled({
        client,
        ref,
        live,
        deployment,
        dryRun,
      });
    } catch (error) {
      result = failure(client, ref, dryRun, error);
    }
    results.push(result);
    options.onObject?.(result);
  }
  return results;
}

async function deleteIfLabelled(options: {
  client: KubeClient;
  ref: ObjectRef;
  live: KubernetesObject | undefined;
  deployment: string;
  dryRun: boolean;
}): Promise<TearDownResult> {
  const { client, ref, live, deployment, dryRun } = options;
  const stage = applyStageOf(ref.kind);
  if (!live) return { ref, stage, outcome: 'absent', dryRun };
  if (live.metadata?.labels?.[LABELS.deployment] !== deployment) {
    return {
      ref,
      stage,
      outcome: 'kept',
      dryRun,
      message: `not labelled ${LABELS.deployment}=${deployment}; left alone`,
    };
  }
  try {
    const existed = await client.delete(ref, { dryRun });
    return { ref, stage, outcome: existed ? 'deleted' : 'absent', dryRun };
  } catch (error) {
    return failure(client, ref, dryRun, error);
  }
}

function failure(
  client: KubeClient,
  ref: ObjectRef,
  dryRun: boolean,
  error: unknown,
): TearDownResult {
  const translated = toBackstageError(error, {
    cluster: client.clusterName,
    verb: 'delete',
    object: ref,
  });
  return {
    ref,
    stage: applyStageOf(ref.kind),
    outcome: 'failed',
    dryRun,
    message: isError(translated) ? translated.message : String(error),
  };
}

/** One line per object, as the task log and the CLI print it. @public */
export function formatTearDownResult(result: TearDownResult): string {
  const what = formatObjectRef(result.ref);
  const dry = result.dryRun ? ' (dryRun=All)' : '';
  switch (result.outcome) {
    case 'deleted':
      return `deleted ${what}${dry}`;
    case 'absent':
      return `${what} is already gone`;
    case 'kept':
      return `kept ${what}: ${result.message}`;
    default:
      return `failed to delete ${what}${dry}: ${result.message}`;
  }
}

function stageRank(kind: string): number {
  return APPLY_STAGE_ORDER.indexOf(applyStageOf(kind));
}
