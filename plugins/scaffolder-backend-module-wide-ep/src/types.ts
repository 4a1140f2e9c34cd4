import type { KubeClient } from '@internal/plugin-wide-ep-node';

/**
 * Connects to a configured cluster by name. `ClusterRegistry` from
 * `@internal/plugin-wide-ep-node` implements it; tests pass fakes.
 *
 * @public
 */
export interface WideEpClusterConnector {
  /** Configured cluster names. */
  names(): string[];
  /** A client for the named cluster; `InputError` for an unknown name. */
  connect(name: string): Promise<KubeClient>;
}
