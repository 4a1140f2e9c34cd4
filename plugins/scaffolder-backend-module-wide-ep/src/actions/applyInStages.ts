import { isError } from '@backstage/errors';
import {
  ApplyResult,
  KubeClient,
  ObjectRef,
  WIDE_EP_FIELD_MANAGER,
  applyManifests,
  assertApplySucceeded,
  formatObjectRef,
  groupIntoApplyStages,
} from '@internal/plugin-wide-ep-node';

/** The JSON-serialisable record of one object's outcome, as output and checkpointed. */
export interface AppliedObject {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  stage: string;
  outcome:
    | 'created'
    | 'configured'
    | 'unchanged'
    | 'failed'
    | 'skipped'
    | 'not-sent';
  /** Set for failures and cleanup. */
  message?: string;
}

/** Options of {@link applyInStages}. */
export interface ApplyInStagesOptions {
  client: KubeClient;
  /** From `groupIntoApplyStages`, in apply order. */
  stages: ReturnType<typeof groupIntoApplyStages>;
  dryRun: boolean;
  /** Delete what this run created when a later object fails (never in a dry run). */
  cleanupOnFailure: boolean;
  logger: Logger;
  signal?: AbortSignal;
  /**
   * Runs a stage at most once per task (`ctx.checkpoint`); a stage found in a
   * checkpoint returns its earlier records without touching the cluster.
   */
  checkpoint?: (
    stage: string,
    fn: () => Promise<AppliedObject[]>,
  ) => Promise<AppliedObject[]>;
}

/**
 * Server-side applies the stages in order (prerequisites, workloads,
 * routing), one log line per object, and returns every object's record.
 * A failed object stops the run with its `@backstage/errors` type; with
 * `cleanupOnFailure`, what this run created is deleted first, newest first.
 */
export async function applyInStages(
  options: ApplyInStagesOptions,
): Promise<AppliedObject[]> {
  const { client, dryRun, logger } = options;
  const cleanupOnFailure = options.cleanupOnFailure && !dryRun;
  const records: AppliedObject[] = [];
  const createdEarlier: ObjectRef[] = [];
  for (const { stage, entries } of options.stages) {
    options.signal?.throwIfAborted();
    const applyStage = async (): Promise<AppliedObject[]> => {
      const results = await applyManifests({
        client,
        objects: entries.map(e => e.object),
        dryRun,
        cleanupOnFailure,
        onObject: result => logResult(logger, result),
      });
      if (results.some(r => r.outcome === 'failed')) {
        if (cleanupOnFailure) await cleanUp(client, createdEarlier, logger);
        assertApplySucceeded(results);
      }
      return results.map(toRecord);
    };
    let ran = false;
    const stageRecords = options.checkpoint
      ? await options.checkpoint(stage, async () => {
          ran = true;
          return applyStage();
        })
      : ((ran = true), await applyStage());
    if (!ran) {
      logger.info(
        `stage ${stage}: already applied earlier in this task (${stageRecords.length} objects), not applied again`,
      );
    }
    records.push(...stageRecords);
    createdEarlier.push(
      ...stageRecords.filter(r => r.outcome === 'created').map(recordRef),
    );
  }
  return records;
}

type Logger = {
  info(m: string): void;
  warn(m: string): void;
  error(m: string): void;
};

function logResult(logger: Logger, result: ApplyResult): void {
  const what = formatObjectRef(result.ref);
  const how = `field manager ${WIDE_EP_FIELD_MANAGER}${
    result.dryRun ? ', dryRun=All' : ''
  }`;
  if (result.cleanup === 'deleted') {
    logger.warn(`deleted ${what} (cleanup after a failed apply)`);
  } else if (result.cleanup === 'failed') {
    logger.warn(
      `could not delete ${what} during cleanup: ${result.cleanupError?.message}`,
    );
  } else if (result.outcome === 'failed') {
    logger.error(`failed ${what} (${how}): ${result.error?.message}`);
  } else if (result.outcome === 'skipped') {
    logger.warn(`skipped ${what}: an earlier object in its stage failed`);
  } else {
    logger.info(`${result.outcome} ${what} (${how})`);
  }
}

// Objects of earlier stages (each applied by its own applyManifests call)
// are deleted here; applyManifests already cleaned up the failed stage.
// Best-effort: a failed delete is logged next to the apply failure.
async function cleanUp(
  client: KubeClient,
  created: ObjectRef[],
  logger: Logger,
): Promise<void> {
  for (const ref of [...created].reverse()) {
    try {
      await client.delete(ref);
      logger.warn(
        `deleted ${formatObjectRef(ref)} (cleanup after a failed apply)`,
      );
    } catch (error) {
      logger.warn(
        `could not delete ${formatObjectRef(ref)} during cleanup: ${
          isError(error) ? error.message : String(error)
        }`,
      );
    }
  }
}

function recordRef(record: AppliedObject): ObjectRef {
  return {
    apiVersion: record.apiVersion,
    kind: record.kind,
    ...(record.namespace ? { namespace: record.namespace } : {}),
    name: record.name,
  };
}

/** The record of an object, as output and checkpointed. */
export function toRecord(
  result: Pick<ApplyResult, 'ref' | 'stage' | 'error'> & {
    outcome: AppliedObject['outcome'];
  },
): AppliedObject {
  return {
    apiVersion: result.ref.apiVersion,
    kind: result.ref.kind,
    ...(result.ref.namespace ? { namespace: result.ref.namespace } : {}),
    name: result.ref.name,
    stage: result.stage,
    outcome: result.outcome,
    ...(result.error ? { message: result.error.message } : {}),
  };
}
