import type {
  KubeClient,
  KubeConnectOptions,
} from '@internal/plugin-wide-ep-node';

/**
 * Connects to a configured cluster by name. `ClusterRegistry` from
 * the wide-ep-node package implements it; tests pass fakes.
 *
 * @public
 */
export interface WideEpClusterConnector {
  /** Configured cluster names. */
  names(): string[];
  /**
   * A client for the named cluster; `InputError` for an unknown name. The
   * actions pass an `onSlow` that writes to the task log while the cluster
   * does not answer, the task's cancel signal and, in a dry run, a shorter
   * bound (`clusterCallOptions`).
   */
  connect(name: string, options?: KubeConnectOptions): Promise<KubeClient>;
}
