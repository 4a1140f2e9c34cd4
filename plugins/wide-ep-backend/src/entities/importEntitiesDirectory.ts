import { createHash } from 'node:crypto';
import path from 'node:path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { readDirectoryEntities } from '@internal/plugin-wide-ep-node';
import type { RegisteredEntityStore } from './RegisteredEntityStore';

/** What {@link importEntitiesDirectory} did. @public */
export interface EntitiesDirectoryImport {
  /** Entity refs registered from files not imported before. */
  imported: string[];
  /** Files imported at an earlier start and unchanged since: left alone. */
  alreadyImported: number;
  /** Files that are not an entity, with the reason. */
  unreadable: { file: string; message: string }[];
}

/**
 * Imports the entities of the deprecated `wideEp.catalog.entitiesDirectory`
 * into the database, once: each file is remembered by a hash of its name
 * and entity, so a later start neither duplicates it nor brings back an
 * entity torn down since; an edited file is imported again. The files are
 * left as they are. Every outcome is logged, so nothing is lost silently.
 * @public
 */
export async function importEntitiesDirectory(options: {
  directory: string;
  store: Pick<RegisteredEntityStore, 'wasImported' | 'importFile'>;
  logger: LoggerService;
}): Promise<EntitiesDirectoryImport> {
  const { directory, store, logger } = options;
  logger.warn(
    `wideEp.catalog.entitiesDirectory is deprecated: apply-only rollouts now register their entity in the wide-EP backend plugin's database, which every backend replica shares. Importing the entities of ${directory} once; remove the setting after this start`,
  );
  const { entities, errors } = await readDirectoryEntities(directory);
  const result: EntitiesDirectoryImport = {
    imported: [],
    alreadyImported: 0,
    unreadable: errors,
  };
  for (const { file, entity } of entities) {
    const name = path.basename(file);
    const fileHash = createHash('sha256')
      .update(`${name}\n${JSON.stringify(entity)}`)
      .digest('hex');
    if (await store.wasImported(fileHash)) {
      result.alreadyImported++;
      continue;
    }
    const { entityRef, created } = await store.importFile({
      fileHash,
      file: name,
      entity,
    });
    result.imported.push(entityRef);
    logger.info(
      `imported ${entityRef} from ${file}${
        created ? '' : ' (it was registered already; the file replaced it)'
      }`,
    );
  }
  for (const { file, message } of errors) {
    logger.error(
      `not imported: ${file} is not an entity (${message}); fix it and restart, or register the deployment again`,
    );
  }
  logger.info(
    `entity folder import from ${directory}: ${result.imported.length} imported, ${result.alreadyImported} imported at an earlier start, ${errors.length} unreadable`,
  );
  return result;
}
