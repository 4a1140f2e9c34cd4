import type { KubeConfig } from '@kubernetes/client-node';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { WideEpClusterInfo } from '@internal/plugin-wide-ep-common';
import { createKubeClient } from '../kube/createKubeClient';
import type { KubeClient } from '../kube/types';
import { makeKubeConfig } from './makeKubeConfig';
import { readWideEpClusters } from './readWideEpClusters';
import type { ClusterDetails, UnusableCluster } from './types';

/**
 * The clusters wide-EP may deploy to, by name. Templates and API callers
 * pick a cluster by name only, never by URL or token.
 *
 * @public
 */
export class ClusterRegistry {
  private readonly clusters: ReadonlyMap<string, ClusterDetails>;
  private readonly unusableByName: ReadonlyMap<string, UnusableCluster>;

  private constructor(
    clusters: readonly ClusterDetails[],
    unusable: readonly UnusableCluster[],
  ) {
    this.clusters = new Map(clusters.map(c => [c.name, c]));
    this.unusableByName = new Map(unusable.map(c => [c.name, c]));
  }

  /** Reads clusters once, at startup; see `readWideEpClusters`. */
  static fromConfig(config: Config): ClusterRegistry {
    const { clusters, unusable } = readWideEpClusters(config);
    return new ClusterRegistry(clusters, unusable);
  }

  /** For tests and tools that already hold cluster details. */
  static fromClusters(
    clusters: readonly ClusterDetails[],
    unusable: readonly UnusableCluster[] = [],
  ): ClusterRegistry {
    return new ClusterRegistry(clusters, unusable);
  }

  /** Names of the clusters wide-EP can connect to, in config order. */
  names(): string[] {
    return [...this.clusters.keys()];
  }

  /**
   * Every configured cluster as a template user may see it: usable ones
   * first, in config order, then the others with the reason. Names and
   * titles only, never URLs or credentials.
   */
  list(): WideEpClusterInfo[] {
    const info = (c: { name: string; title?: string }) => ({
      name: c.name,
      ...(c.title ? { title: c.title } : {}),
    });
    return [
      ...[...this.clusters.values()].map(c => ({ ...info(c), usable: true })),
      ...this.unusable().map(c => ({
        ...info(c),
        usable: false,
        reason: c.reason,
      })),
    ];
  }

  /** Configured clusters wide-EP cannot connect to, with the reason. */
  unusable(): UnusableCluster[] {
    return [...this.unusableByName.values()];
  }

  /**
   * The named cluster; `InputError` when it is not configured or wide-EP
   * cannot connect to it (the reason says why).
   */
  get(name: string): ClusterDetails {
    const cluster = this.clusters.get(name);
    const unusable = this.unusableByName.get(name);
    if (unusable) {
      throw new InputError(
        `cluster "${name}" cannot be used by wide-EP: ${unusable.reason}`,
      );
    }
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
