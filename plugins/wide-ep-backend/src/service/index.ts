export { RankHealthService } from './RankHealthService';
export type {
  GetRankHealthOptions,
  RankHealthServiceOptions,
} from './RankHealthService';
export { deploymentLocatorFor } from './deploymentLocatorFor';
export type { ClusterNames } from './deploymentLocatorFor';
export { FormPreflight } from './FormPreflight';
export type { FormPreflightOptions } from './FormPreflight';
