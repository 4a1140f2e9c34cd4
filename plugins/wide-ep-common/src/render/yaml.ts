import { stringify } from 'yaml';

/**
 * Serialises one object as YAML that YAML 1.1 readers (kubectl, kustomize,
 * Argo CD) read back unchanged: `y`, `n`, `on`, `0755` and friends are
 * quoted (wide-ep-domain.md §12 #13). No anchors, no folding.
 */
export function toYaml(value: unknown): string {
  return stringify(value, {
    version: '1.1',
    aliasDuplicateObjects: false,
    lineWidth: 0,
    indentSeq: true,
  });
}
