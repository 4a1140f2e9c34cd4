export {
  KubeWatchCache,
  DEFAULT_WATCH_TIMING,
  watchKeyId,
} from './KubeWatchCache';
export type { KubeWatchCacheOptions } from './KubeWatchCache';
export { ResilientWatch } from './ResilientWatch';
export type {
  ResilientWatchOptions,
  ResilientWatchTiming,
} from './ResilientWatch';
export { classifyWatchError } from './classifyWatchError';
export {
  createClientNodeInformerFactory,
  resourcePath,
} from './createClientNodeInformerFactory';
export type { ClientNodeInformerFactoryOptions } from './createClientNodeInformerFactory';
export {
  deploymentWatchKeys,
  readDeploymentObjects,
} from './readDeploymentObjects';
export type {
  DeploymentLocator,
  DeploymentObjectsSnapshot,
} from './readDeploymentObjects';
export { WATCHED_KINDS } from './types';
export type {
  Informer,
  InformerFactory,
  InformerHooks,
  WatchedKind,
  WatchKey,
  WatchProblem,
  WatchSnapshot,
} from './types';
