import { isDeepStrictEqual } from 'node:util';
import type { KubernetesObject } from '@kubernetes/client-node';
import { InputError, isError } from '@backstage/errors';
import {
  APPLY_STAGE_ORDER,
  ApplyStage,
  groupIntoApplyStages,
} from './applyStages';
import { toBackstageError } from './errors';
import { mapConcurrent } from './mapConcurrent';
import { formatObjectRef, objectRefOf } from './objectRef';
import type { KubeClient, ObjectRef } from './types';

/**
 * What happened to one object: `skipped` means an earlier stage failed, so
 * the object was not sent.
 *
 * @public
 */
export type ApplyOutcome =
  | 'created'
  | 'configured'
  | 'unchanged'
  | 'failed'
  | 'skipped';

/** The result of applying one object. @public */
export interface ApplyResult {
  ref: ObjectRef;
  stage: ApplyStage;
  outcome: ApplyOutcome;
  dryRun: boolean;
  /** Set when `outcome` is `failed`; an `@backstage/errors` type. */
  error?: Error;
  /** Set when `cleanupOnFailure` deleted this object, or tried to. */
  cleanup?: 'deleted' | 'failed';
  cleanupError?: Error;
}

/** Options for {@link applyManifests}. @public */
export interface ApplyManifestsOptions {
  client: KubeClient;
  /** Desired objects, whole: fields we applied before and omit now are removed. */
  objects: readonly KubernetesObject[];
  /** `true` sends `dryRun=All`: admission and RBAC run, nothing persists. */
  dryRun: boolean;
  /**
   * Take over fields owned by other field managers instead of failing with
   * a `ConflictError`. Default `false`; force only by explicit policy, and
   * log that you did.
   */
  force?: boolean;
  /**
   * After a failure, delete the objects this run created (never ones that
   * existed before). Ignored for dry runs. Default `false`.
   */
  cleanupOnFailure?: boolean;
  /** Objects applied at once within a stage. Default 4. */
  concurrency?: number;
  /**
   * Called once per object as soon as its outcome is known (including
   * `skipped`), and again if cleanup deletes it. Must not throw.
   */
  onObject?: (result: ApplyResult) => void;
}

const DEFAULT_CONCURRENCY = 4;

/**
 * Server-side applies objects in dependency stages: namespace,
 * prerequisites, workloads, routing.
 *
 * @remarks
 * Each object is one PATCH with content type `application/apply-patch+yaml`
 * and the constant field manager `wide-ep-backstage`. Objects within a stage
 * are applied concurrently; stages run in sequence. When an object fails,
 * the rest of its stage still completes and later stages are skipped.
 *
 * To report created/configured/unchanged, each object is read just before
 * its apply; the read only labels the outcome and never chooses between
 * create and update. `unchanged` means the object's content (all but
 * status and server bookkeeping) is the same before and after. Comparing
 * `resourceVersion` would not do: a dry run returns the old one, and the
 * API server bumps it when it first writes a CRD's status defaults (a
 * Gateway does this on the first re-apply).
 *
 * In a dry run nothing persists, so objects in a namespace created by the
 * same dry run fail with a namespace-not-found error.
 *
 * The returned promise resolves with one result per input object, in input
 * order, even when some failed; use {@link assertApplySucceeded} to turn a
 * failure into a thrown error. It rejects only for invalid input (an
 * `InputError`, before anything is sent).
 *
 * @public
 */
export async function applyManifests(
  options: ApplyManifestsOptions,
): Promise<ApplyResult[]> {
  const { client, dryRun, onObject } = options;
  const force = options.force ?? false;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const objects = options.objects.map(toApplyBody);
  assertUniqueRefs(objects);

  const results = new Array<ApplyResult>(objects.length);
  let failed = false;

  for (const { stage, entries } of groupIntoApplyStages(objects)) {
    if (failed) {
      for (const { index, object } of entries) {
        results[index] = {
          ref: objectRefOf(object),
          stage,
          outcome: 'skipped',
          dryRun,
        };
        onObject?.(results[index]);
      }
      continue;
    }
    await mapConcurrent(entries, concurrency, async ({ index, object }) => {
      results[index] = await applyOne({ client, object, stage, dryRun, force });
      onObject?.(results[index]);
    });
    failed = results.some(r => r?.outcome === 'failed');
  }

  if (failed && options.cleanupOnFailure && !dryRun) {
    await cleanUpCreated({ client, results, onObject });
  }
  return results;
}

/**
 * Throws the error of the first failed object, if any. Its message names
 * the object and cluster; the other results stay available to the caller.
 *
 * @public
 */
export function assertApplySucceeded(results: readonly ApplyResult[]): void {
  const failure = results.find(r => r.outcome === 'failed');
  if (failure) {
    throw (
      failure.error ??
      new Error(`failed to apply ${formatObjectRef(failure.ref)}`)
    );
  }
}

async function applyOne(options: {
  client: KubeClient;
  object: KubernetesObject;
  stage: ApplyStage;
  dryRun: boolean;
  force: boolean;
}): Promise<ApplyResult> {
  const { client, object, stage, dryRun, force } = options;
  const ref = objectRefOf(object);
  try {
    const before = await client.read(ref);
    const after = await client.apply(object, { dryRun, force });
    return { ref, stage, outcome: outcomeOf(before, after), dryRun };
  } catch (error) {
    return {
      ref,
      stage,
      outcome: 'failed',
      dryRun,
      error: toBackstageError(error, {
        cluster: client.clusterName,
        verb: 'patch',
        object: ref,
      }),
    };
  }
}

function outcomeOf(
  before: KubernetesObject | undefined,
  after: KubernetesObject,
): ApplyOutcome {
  if (!before) {
    return 'created';
  }
  return isDeepStrictEqual(comparable(before), comparable(after))
    ? 'unchanged'
    : 'configured';
}

// Fields the server owns or that change without our doing.
function comparable(object: KubernetesObject): unknown {
  const { status: _status, ...rest } = object as KubernetesObject & {
    status?: unknown;
  };
  const {
    resourceVersion: _rv,
    managedFields: _mf,
    generation: _gen,
    ...metadata
  } = object.metadata ?? {};
  return JSON.parse(JSON.stringify({ ...rest, metadata }));
}

async function cleanUpCreated(options: {
  client: KubeClient;
  results: ApplyResult[];
  onObject?: (result: ApplyResult) => void;
}): Promise<void> {
  const { client, results, onObject } = options;
  // Reverse order: routing before workloads before their prerequisites.
  const created = results
    .map((result, index) => ({ result, index }))
    .filter(({ result }) => result.outcome === 'created')
    .sort(
      (a, b) =>
        stageRank(b.result.stage) - stageRank(a.result.stage) ||
        b.index - a.index,
    );
  for (const { result, index } of created) {
    try {
      await client.delete(result.ref);
      results[index] = { ...result, cleanup: 'deleted' };
    } catch (error) {
      // Best-effort: a failed delete is reported next to the apply failure
      // rather than hiding it.
      results[index] = {
        ...result,
        cleanup: 'failed',
        cleanupError: isError(error) ? error : new Error(String(error)),
      };
    }
    onObject?.(results[index]);
  }
}

function stageRank(stage: ApplyStage): number {
  return APPLY_STAGE_ORDER.indexOf(stage);
}

// Read-back objects carry server-owned fields; sending managedFields makes
// the apply fail and a stale resourceVersion turns it into a conflict.
function toApplyBody(object: KubernetesObject): KubernetesObject {
  objectRefOf(object);
  const body = structuredClone(object) as KubernetesObject & {
    status?: unknown;
  };
  delete body.status;
  if (body.metadata) {
    delete body.metadata.resourceVersion;
    delete body.metadata.uid;
    delete body.metadata.creationTimestamp;
    delete body.metadata.managedFields;
    delete body.metadata.generation;
    delete body.metadata.selfLink;
    delete body.metadata.deletionTimestamp;
  }
  return body;
}

function assertUniqueRefs(objects: readonly KubernetesObject[]): void {
  const seen = new Set<string>();
  for (const object of objects) {
    const ref = objectRefOf(object);
    const key = `${ref.apiVersion}|${ref.kind}|${ref.namespace ?? ''}|${
      ref.name
    }`;
    if (seen.has(key)) {
      throw new InputError(
        `${formatObjectRef(ref)} appears twice in the objects to apply`,
      );
    }
    seen.add(key);
  }
}
