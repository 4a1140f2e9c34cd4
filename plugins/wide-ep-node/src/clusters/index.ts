export { ClusterRegistry } from './ClusterRegistry';
export { makeKubeConfig } from './makeKubeConfig';
export { readWideEpClusters } from './readWideEpClusters';
export type { ClusterDetails, UnusableCluster } from './types';
export { readKubeCallPolicy } from './readKubeCallPolicy';
