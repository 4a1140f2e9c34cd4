import fs from 'node:fs/promises';
import path from 'node:path';
import type { GeneratedFile } from '@internal/plugin-wide-ep-common';

/**
 * Writes the generated folder. Files go to a sibling staging folder first
 * and are moved into place only when all were written, so a failure never
 * leaves a half-written folder behind.
 */
export async function writeFolder(
  outDir: string,
  files: GeneratedFile[],
  options: { force: boolean },
) {
  const out = path.resolve(outDir);
  const existing = await fs.readdir(out).catch(() => undefined);
  if (existing && existing.length > 0 && !options.force) {
    throw new Error(
      `${outDir} exists and is not empty; pass --force to replace its generated files`,
    );
  }
  await fs.mkdir(path.dirname(out), { recursive: true });
  const staging = await fs.mkdtemp(`${out}.staging-`);
  try {
    for (const f of files) {
      const target = path.resolve(staging, f.path);
      if (!target.startsWith(staging + path.sep))
        throw new Error(`refusing to write outside ${outDir}: ${f.path}`);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.writeFile(target, f.content, 'utf8');
    }
    if (existing) {
      // --force: replace what a previous render generated, keep other files.
      await fs.rm(path.join(out, 'manifests'), {
        recursive: true,
        force: true,
      });
      for (const f of files) {
        const dest = path.join(out, f.path);
        await fs.mkdir(path.dirname(dest), { recursive: true });
        await fs.rename(path.join(staging, f.path), dest);
      }
    } else {
      await fs.rm(out, { recursive: true, force: true });
      await fs.rename(staging, out);
    }
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}
