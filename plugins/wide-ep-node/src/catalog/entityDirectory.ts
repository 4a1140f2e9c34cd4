/*
 * The deprecated entity folder of apply-only rollouts
 * (`wideEp.catalog.entitiesDirectory`): read once at startup by the wide-EP
 * backend plugin, which imports its entities into its database. Nothing
 * writes to it any more.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '@backstage/config';
import { load } from 'js-yaml';
import type { EntityDocument } from './registeredEntities';

const CONFIG_KEY = 'wideEp.catalog.entitiesDirectory';

/**
 * The deprecated folder apply-only rollouts used to register their entity
 * in, resolved against the backend's working directory; `undefined` when
 * not configured.
 * @public
 */
export function readEntitiesDirectory(config: Config): string | undefined {
  const dir = config.getOptionalString(CONFIG_KEY);
  return dir ? path.resolve(dir) : undefined;
}

/**
 * Reads every entity file in the directory. Files that are not a single
 * entity are reported, not thrown, so one bad file hides no other entity.
 * @public
 */
export async function readDirectoryEntities(dir: string): Promise<{
  entities: { file: string; entity: EntityDocument }[];
  errors: { file: string; message: string }[];
}> {
  const names = await fs.readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [] as string[];
    throw e;
  });
  const entities: { file: string; entity: EntityDocument }[] = [];
  const errors: { file: string; message: string }[] = [];
  for (const name of names.filter(n => n.endsWith('.yaml')).sort()) {
    const file = path.join(dir, name);
    try {
      const doc = load(await fs.readFile(file, 'utf8')) as EntityDocument;
      if (
        !doc ||
        typeof doc !== 'object' ||
        !doc.kind ||
        !doc.apiVersion ||
        !doc.metadata?.name
      ) {
        throw new Error(
          'not an entity (apiVersion, kind and metadata.name are required)',
        );
      }
      entities.push({ file, entity: doc });
    } catch (e) {
      errors.push({ file, message: (e as Error).message });
    }
  }
  return { entities, errors };
}
