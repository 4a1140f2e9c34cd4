import fs from 'node:fs';
import path from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { sharedDir } from './sharedDir';
import type { KubernetesObject } from '../types';

type Crd = {
  kind: string;
  spec: {
    group: string;
    names: { kind: string };
    versions: { name: string; schema?: { openAPIV3Schema: object } }[];
  };
};

function listYaml(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return listYaml(p);
    return /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

/**
 * The monitoring stacks' CRDs (PodMonitor, PodMonitoring), which shared/
 * does not carry: the repo keeps them (test/crds-monitoring/SOURCE.md).
 */
export function monitoringCrdDir(): string {
  // eslint-disable-next-line no-restricted-syntax
  return path.resolve(__dirname, '../../../../test/crds-monitoring');
}

/**
 * JSON-schema validators for every CRD version in shared/crds and the
 * monitoring CRDs, keyed by apiVersion/kind.
 */
export function loadCrdValidators(): Map<string, ValidateFunction> {
  // Kubernetes structural schemas carry x-kubernetes-* keywords and formats
  // such as int32 and int-or-string that plain JSON Schema does not know.
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    validateFormats: false,
  });
  const validators = new Map<string, ValidateFunction>();
  const files = [
    ...listYaml(path.join(sharedDir(), 'crds')),
    ...listYaml(monitoringCrdDir()),
  ];
  for (const file of files) {
    for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      const crd = doc.toJS() as Crd;
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const v of crd.spec.versions) {
        if (!v.schema) continue;
        validators.set(
          `${crd.spec.group}/${v.name}/${crd.spec.names.kind}`,
          ajv.compile(v.schema.openAPIV3Schema),
        );
      }
    }
  }
  return validators;
}

/** Errors of one object against its CRD schema; `undefined` when no CRD describes its kind. */
export function crdErrors(
  validators: Map<string, ValidateFunction>,
  obj: KubernetesObject,
): string[] | undefined {
  const validate = validators.get(`${obj.apiVersion}/${obj.kind}`);
  if (!validate) return undefined;
  const valid: boolean = validate(obj);
  if (valid) return [];
  return (validate.errors ?? []).map(
    e => `${obj.kind}/${obj.metadata.name}${e.instancePath}: ${e.message}`,
  );
}
