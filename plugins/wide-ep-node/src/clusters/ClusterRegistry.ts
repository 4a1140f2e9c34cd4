import type { KubeConfig } from '@kubernetes/client-node';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { WideEpClusterInfo } from '@internal/plugin-wide-ep-common';
import { createKubeClient } from '../kube/createKubeClient';
import {
  KubeCallPolicy,
  KubeConnectOptions,
  resolveKubeCallPolicy,
} from '../kube/patience';
import type { KubeClient } from '../kube/types';
import { makeKubeConfig } from './makeKubeConfig';
import { readKubeCallPolicy } from './readKubeCallPolicy';
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

  private readonly callPolicy: Partial<KubeCallPolicy>;

  private constructor(
    clusters: readonly ClusterDetails[],
    unusable: readonly UnusableCluster[],
    callPolicy: Partial<KubeCallPolicy>,
  ) {
    this.clusters = new Map(clusters.map(c => [c.name, c]));
    this.unusableByName = new Map(unusable.map(c => [c.name, c]));
    this.callPolicy = callPolicy;
  }

  /**
   * Reads clusters once, at startup; see `readWideEpClusters`. The
   * patience of every client it connects comes from `wideEp.clusterCalls`
   * (see `readKubeCallPolicy`).
   */
  static fromConfig(config: Config): ClusterRegistry {
    const { clusters, unusable } = readWideEpClusters(config);
    return new ClusterRegistry(clusters, unusable, readKubeCallPolicy(config));
  }

  /** For tests and tools that already hold cluster details. */
  static fromClusters(
    clusters: readonly ClusterDetails[],
    unusable: readonly UnusableCluster[] = [],
    callPolicy: Partial<KubeCallPolicy> = {},
  ): ClusterRegistry {
    return new ClusterRegistry(clusters, unusable, callPolicy);
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

  /**
   * A {@link KubeClient} for the named cluster. `options` add an `onSlow`
   * reporter and a cancel signal, and may override the configured
   * patience (`policy`) for this client only.
   */
  async connect(
    name: string,
    options: KubeConnectOptions = {},
  ): Promise<KubeClient> {
    const cluster = this.get(name);
    return createKubeClient({
      ...options,
      policy: resolveKubeCallPolicy(this.callPolicy, options.policy),
      clusterName: cluster.name,
      kubeConfig: await this.makeKubeConfig(cluster),
    });
  }
}
