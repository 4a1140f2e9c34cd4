import { InputError } from '@backstage/errors';

/** A catalog entity as the generator renders it. @public */
export interface EntityDocument {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** A registered entity as the wide-EP backend plugin stores it. @public */
export interface RegisteredEntityRecord {
  /** `kind:namespace/name`, lower case, as the catalog compares refs. */
  entityRef: string;
  entity: EntityDocument;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601; changes with every upsert. */
  updatedAt: string;
}

/**
 * The entities of apply-only rollouts (which have no repository for a
 * catalog location). The wide-EP backend plugin keeps them in its database,
 * so every backend replica sees the same ones; the scaffolder actions write
 * them through {@link RegisteredEntitiesClient} and the wide-EP catalog
 * module provides them to the catalog.
 * @public
 */
export interface RegisteredEntities {
  /**
   * Registers the entity or replaces the registered one of the same ref.
   * `created` is false when it was registered already (a re-run, or a
   * recovered task running register again): never a second copy.
   */
  upsert(
    entity: EntityDocument,
  ): Promise<{ entityRef: string; created: boolean }>;
  /** The registered entity of `entityRef`, or `undefined`. */
  get(entityRef: string): Promise<RegisteredEntityRecord | undefined>;
  /** Unregisters; `false` when nothing was registered under `entityRef`. */
  remove(entityRef: string): Promise<boolean>;
  /** Every registered entity, by entity ref. */
  list(): Promise<RegisteredEntityRecord[]>;
}

/** Kind, namespace and name of a full entity ref, lower case. @public */
export interface RegisteredEntityKey {
  kind: string;
  namespace: string;
  name: string;
}

/**
 * `backstage.io/managed-by-origin-location` of the entities the wide-EP
 * catalog module provides; `managed-by-location` appends the entity ref.
 * @public
 */
export const REGISTERED_ENTITIES_LOCATION = 'wide-ep:registered-entities';

/** The key of an entity: its ref's parts, lower case, namespace `default` when unset. @public */
export function registeredEntityKeyOf(entity: {
  kind: string;
  metadata: { name: string; namespace?: string };
}): RegisteredEntityKey {
  return {
    kind: entity.kind.toLocaleLowerCase('en-US'),
    namespace: (entity.metadata.namespace ?? 'default').toLocaleLowerCase(
      'en-US',
    ),
    name: entity.metadata.name.toLocaleLowerCase('en-US'),
  };
}

/** `kind:namespace/name` of a key. @public */
export function formatRegisteredEntityRef(key: RegisteredEntityKey): string {
  return `${key.kind}:${key.namespace}/${key.name}`;
}

/**
 * Parses a full entity ref (`component:default/wide-ep`); anything else is
 * an `InputError` naming what is missing.
 * @public
 */
export function parseRegisteredEntityRef(ref: string): RegisteredEntityKey {
  const match = /^([^:/]+):([^:/]+)\/([^:/]+)$/.exec(ref.trim());
  if (!match) {
    throw new InputError(
      `entityRef must be a full ref kind:namespace/name, e.g. component:default/wide-ep (got "${ref}")`,
    );
  }
  const [, kind, namespace, name] = match;
  return {
    kind: kind.toLocaleLowerCase('en-US'),
    namespace: namespace.toLocaleLowerCase('en-US'),
    name: name.toLocaleLowerCase('en-US'),
  };
}
