import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { load } from 'js-yaml';
import { toYaml } from '@internal/plugin-wide-ep-common';

/** A catalog entity as the generator renders it. @public */
export interface DirectoryEntity {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    annotations?: Record<string, string>;
  };
  [key: string]: unknown;
}

const CONFIG_KEY = 'wideEp.catalog.entitiesDirectory';

/**
 * Where apply-only rollouts register their entity, resolved against the
 * backend's working directory; `undefined` when not configured.
 * @public
 */
export function readEntitiesDirectory(config: Config): string | undefined {
  const dir = config.getOptionalString(CONFIG_KEY);
  return dir ? path.resolve(dir) : undefined;
}

/** File name for an entity: one file per kind, namespace and name. */
function fileNameOf(entity: DirectoryEntity): string {
  const ns = entity.metadata.namespace ?? 'default';
  return `${entity.kind.toLowerCase()}.${ns}.${
    entity.metadata.name
  }.yaml`.replace(/[^a-z0-9._-]/gi, '_');
}

/**
 * Writes (or replaces) an entity in the directory. The file appears whole
 * or not at all (write then rename), so the provider never reads half.
 * @public
 */
export async function writeDirectoryEntity(
  dir: string | undefined,
  entity: DirectoryEntity,
): Promise<string> {
  if (!dir) {
    throw new InputError(
      `${CONFIG_KEY} is not configured, so an apply-only rollout cannot register its entity; set it in app-config or use the pull-request rollout`,
    );
  }
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, fileNameOf(entity));
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, toYaml(entity), 'utf8');
  await fs.rename(tmp, file);
  return file;
}

/**
 * Reads every entity file in the directory. Files that are not a single
 * entity are reported, not thrown, so one bad file hides no other entity.
 * @public
 */
export async function readDirectoryEntities(dir: string): Promise<{
  entities: { file: string; entity: DirectoryEntity }[];
  errors: { file: string; message: string }[];
}> {
  const names = await fs.readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [] as string[];
    throw e;
  });
  const entities: { file: string; entity: DirectoryEntity }[] = [];
  const errors: { file: string; message: string }[] = [];
  for (const name of names.filter(n => n.endsWith('.yaml')).sort()) {
    const file = path.join(dir, name);
    try {
      const doc = load(await fs.readFile(file, 'utf8')) as DirectoryEntity;
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

/**
 * Removes an entity's file from the directory; the provider's next full
 * mutation unregisters it. `false` when there was no such file.
 * @public
 */
export async function removeDirectoryEntity(
  dir: string | undefined,
  entity: DirectoryEntity,
): Promise<boolean> {
  if (!dir) return false;
  try {
    await fs.unlink(path.join(dir, fileNameOf(entity)));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}
