/**
 * The smallest shape every rendered object has. Kinds are described by
 * narrow interfaces next to their renderers; the CRD schemas in the tests
 * are the authority on their fields.
 * @public
 */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: unknown;
}

/** A file of the generated folder. @public */
export interface GeneratedFile {
  path: string;
  content: string;
}
