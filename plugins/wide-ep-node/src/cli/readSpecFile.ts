import fs from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import {
  parseSpec,
  SpecIssue,
  WideEpSpec,
} from '@internal/plugin-wide-ep-common';

/** Reads one YAML (or JSON) spec document and validates it. */
export async function readSpecFile(
  file: string,
): Promise<
  | { spec: WideEpSpec; issues?: undefined }
  | { spec?: undefined; issues: SpecIssue[] }
> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    return {
      issues: [
        {
          path: '(file)',
          message: `cannot read ${file}: ${(e as Error).message}`,
        },
      ],
    };
  }
  const docs = parseAllDocuments(text, { version: '1.1' });
  if (!Array.isArray(docs) || docs.length !== 1) {
    return {
      issues: [
        {
          path: '(file)',
          message: `${file} must hold exactly one YAML document`,
        },
      ],
    };
  }
  const [doc] = docs;
  if (doc.errors.length) {
    return {
      issues: doc.errors.map(e => ({
        path: '(file)',
        message: `YAML: ${e.message.split('\n')[0]}`,
      })),
    };
  }
  const result = parseSpec(doc.toJS({ maxAliasCount: 0 }));
  return result.success ? { spec: result.spec } : { issues: result.issues };
}
