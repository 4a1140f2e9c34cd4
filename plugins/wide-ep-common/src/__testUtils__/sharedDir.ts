import fs from 'node:fs';
import path from 'node:path';

/**
 * The steering repo's shared/ folder: beside the repo root (CI clones main
 * with shared/ next to it), or WIDE_EP_SHARED_DIR.
 */
export function sharedDir(): string {
  const candidates = [
    process.env.WIDE_EP_SHARED_DIR,
    path.resolve(__dirname, '../../../../../shared'),
  ].filter((p): p is string => !!p);
  for (const c of candidates) {
    if (fs.existsSync(path.join(c, 'crds'))) return c;
  }
  throw new Error(`shared/ with crds/ not found; looked in ${candidates.join(', ')} (set WIDE_EP_SHARED_DIR)`);
}
