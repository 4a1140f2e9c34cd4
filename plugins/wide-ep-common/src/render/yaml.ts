import { dump } from 'js-yaml';

/**
 * Serialises one object as YAML that YAML 1.1 readers (kubectl, kustomize,
 * Argo CD) read back unchanged: js-yaml's compatibility mode quotes `y`,
 * `n`, `on`, `0755` and friends (wide-ep-domain.md §12 #13). No anchors,
 * no line folding. js-yaml over `yaml` because it is ~3x faster here, which
 * keeps the live form preview and the all-variant render under a second.
 * @public
 */
export function toYaml(value: unknown): string {
  return dump(value, { lineWidth: -1, noRefs: true, noCompatMode: false });
}
