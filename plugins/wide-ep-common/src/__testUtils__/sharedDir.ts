import fs from 'node:fs';
import path from 'node:path';

/**
 * The folder holding crds/ and reference/: WIDE_EP_SHARED_DIR, else the
 * steering repo's shared/ beside the repo root when it is there (the current
 * schemas), else the committed copy in test/shared (a clone on its own).
 * test/cluster/up picks the same folder, so the server and the validators
 * agree.
 */
export function sharedDir(): string {
  const candidates = [
    process.env.WIDE_EP_SHARED_DIR,
    path.resolve(__dirname, '../../../../../shared'),
    path.resolve(__dirname, '../../../../test/shared'),
  ].filter((p): p is string => !!p);
  for (const c of candidates) {
    if (fs.existsSync(path.join(c, 'crds'))) return c;
  }
  throw new Error(
    `shared/ with crds/ not found; looked in ${candidates.join(
      ', ',
    )} (set WIDE_EP_SHARED_DIR)`,
  );
}
