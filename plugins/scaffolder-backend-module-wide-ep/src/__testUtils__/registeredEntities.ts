import type {
  EntityDocument,
  RegisteredEntities,
  RegisteredEntityRecord,
} from '@internal/plugin-wide-ep-node';
import {
  formatRegisteredEntityRef,
  parseRegisteredEntityRef,
  registeredEntityKeyOf,
} from '@internal/plugin-wide-ep-node';

/**
 * The registered-entity store in memory, for action unit tests; the module
 * tests run the real one (the wide-EP backend plugin) as the backend wires it.
 */
export function memoryRegisteredEntities(): RegisteredEntities & {
  records: Map<string, RegisteredEntityRecord>;
} {
  const records = new Map<string, RegisteredEntityRecord>();
  const refOf = (ref: string) =>
    formatRegisteredEntityRef(parseRegisteredEntityRef(ref));
  return {
    records,
    async upsert(entity: EntityDocument) {
      const entityRef = formatRegisteredEntityRef(
        registeredEntityKeyOf(entity),
      );
      const now = new Date().toISOString();
      const before = records.get(entityRef);
      records.set(entityRef, {
        entityRef,
        entity,
        createdAt: before?.createdAt ?? now,
        updatedAt: now,
      });
      return { entityRef, created: !before };
    },
    async get(ref) {
      return records.get(refOf(ref));
    },
    async remove(ref) {
      return records.delete(refOf(ref));
    },
    async list() {
      return [...records.values()];
    },
  };
}
