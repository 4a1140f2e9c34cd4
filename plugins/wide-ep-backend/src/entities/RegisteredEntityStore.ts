import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  EntityDocument,
  RegisteredEntities,
  RegisteredEntityRecord,
  formatRegisteredEntityRef,
  parseRegisteredEntityRef,
  registeredEntityKeyOf,
} from '@internal/plugin-wide-ep-node';
import type { Knex } from 'knex';

const ENTITIES = 'wide_ep_registered_entities';
const IMPORTED_FILES = 'wide_ep_imported_entity_files';

interface EntityRow {
  entity_ref: string;
  entity: string;
  created_at: Date | string;
  updated_at: Date | string;
}

/**
 * SQLite hands timestamps back as `YYYY-MM-DD HH:MM:SS` text in UTC,
 * PostgreSQL as Dates; both become ISO 8601.
 */
function isoOf(value: Date | string): string {
  if (value instanceof Date) return value.toISOString();
  return new Date(
    /[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`,
  ).toISOString();
}

function recordOf(row: EntityRow): RegisteredEntityRecord {
  return {
    entityRef: row.entity_ref,
    entity: JSON.parse(row.entity),
    createdAt: isoOf(row.created_at),
    updatedAt: isoOf(row.updated_at),
  };
}

/** One row per entity ref: inserted, or replaced in place. */
async function upsertIn(
  tx: Knex.Transaction,
  entity: EntityDocument,
): Promise<{ entityRef: string; created: boolean }> {
  const entityRef = formatRegisteredEntityRef(registeredEntityKeyOf(entity));
  const json = JSON.stringify(entity);
  const existing = await tx(ENTITIES)
    .where({ entity_ref: entityRef })
    .first('entity_ref');
  // The conflict clause keeps it one row when another replica inserts the
  // same ref between the read and the write.
  await tx(ENTITIES)
    .insert({ entity_ref: entityRef, entity: json })
    .onConflict('entity_ref')
    .merge({ entity: json, updated_at: tx.fn.now() });
  return { entityRef, created: !existing };
}

/**
 * The registered entities of apply-only rollouts in the wide-EP backend
 * plugin's database (`coreServices.database`): SQLite for local
 * development, PostgreSQL shared by every replica in production. One row
 * per entity ref, so an upsert that runs twice (a recovered task) or on two
 * replicas at once never makes a second copy.
 * @public
 */
export class RegisteredEntityStore implements RegisteredEntities {
  private constructor(private readonly db: Knex) {}

  /** Applies the package's migrations (unless the backend skips them) and opens the store. */
  static async create(options: {
    database: DatabaseService;
  }): Promise<RegisteredEntityStore> {
    const db = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await db.migrate.latest({
        directory: resolvePackagePath(
          '@internal/plugin-wide-ep-backend',
          'migrations',
        ),
      });
    }
    return new RegisteredEntityStore(db);
  }

  async upsert(
    entity: EntityDocument,
  ): Promise<{ entityRef: string; created: boolean }> {
    return this.db.transaction(tx => upsertIn(tx, entity));
  }

  async get(entityRef: string): Promise<RegisteredEntityRecord | undefined> {
    const ref = formatRegisteredEntityRef(parseRegisteredEntityRef(entityRef));
    const row = await this.db<EntityRow>(ENTITIES)
      .where({ entity_ref: ref })
      .first();
    return row ? recordOf(row) : undefined;
  }

  async remove(entityRef: string): Promise<boolean> {
    const ref = formatRegisteredEntityRef(parseRegisteredEntityRef(entityRef));
    const deleted = await this.db(ENTITIES).where({ entity_ref: ref }).delete();
    return deleted > 0;
  }

  async list(): Promise<RegisteredEntityRecord[]> {
    const rows = await this.db<EntityRow>(ENTITIES).orderBy('entity_ref');
    return rows.map(recordOf);
  }

  /** Whether a file of the deprecated entity folder was imported already. */
  async wasImported(fileHash: string): Promise<boolean> {
    const row = await this.db(IMPORTED_FILES)
      .where({ file_hash: fileHash })
      .first('file_hash');
    return Boolean(row);
  }

  /** Registers a file's entity and remembers the file, in one transaction. */
  async importFile(options: {
    fileHash: string;
    file: string;
    entity: EntityDocument;
  }): Promise<{ entityRef: string; created: boolean }> {
    return this.db.transaction(async tx => {
      const upserted = await upsertIn(tx, options.entity);
      await tx(IMPORTED_FILES)
        .insert({
          file_hash: options.fileHash,
          file: options.file,
          entity_ref: upserted.entityRef,
        })
        .onConflict('file_hash')
        .ignore();
      return upserted;
    });
  }
}
