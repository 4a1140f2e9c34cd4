import type { KubeConfig } from '@kubernetes/client-node';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { createKubeClient } from '../kube/createKubeClient';
import type { KubeClient } from '../kube/types';
import { makeKubeConfig } from './makeKubeConfig';
import { readWideEpClusters } from './readWideEpClusters';
import type { ClusterDetails } from './types';

/**
 * The clusters wide-EP may deploy to, by name. Templates and API callers
 * pick a cluster by name only, never by URL or token.
 *
 * @public
 */
export class ClusterRegistry {
  private readonly clusters: ReadonlyMap<string, ClusterDetails>;

  private constructor(clusters: readonly ClusterDetails[]) {
    this.clusters = new Map(clusters.map(c => [c.name, c]));
  }

  /** Reads clusters once, at startup; see `readWideEpClusters`. */
  static fromConfig(config: Config): ClusterRegistry {
    return new ClusterRegistry(readWideEpClusters(config));
  }

  /** For tests and tools that already hold cluster details. */
  static fromClusters(clusters: readonly ClusterDetails[]): ClusterRegistry {
    return new ClusterRegistry(clusters);
  }

  /** Configured cluster names, in config order. */
  names(): string[] {
    return [...this.clusters.keys()];
  }

  /** The named cluster; `InputError` when it is not configured. */
  get(name: string): ClusterDetails {
    const cluster = this.clusters.get(name);
    if (!cluster) {
      throw new InputError(
        `unknown cluster "${name}"; configured: ${
          this.names().join(', ') || 'none'
        }`,
      );
    }
    return cluster;
  }

  /** An in-memory client-node `KubeConfig`; see `makeKubeConfig`. */
  makeKubeConfig(cluster: ClusterDetails): Promise<KubeConfig> {
    return makeKubeConfig(cluster);
  }

  /** A {@link KubeClient} for the named cluster. */
  async connect(name: string): Promise<KubeClient> {
    const cluster = this.get(name);
    return createKubeClient({
      clusterName: cluster.name,
      kubeConfig: await this.makeKubeConfig(cluster),
    });
  }
}
