export { applyManifests, assertApplySucceeded } from './applyManifests';
export type {
  ApplyManifestsOptions,
  ApplyOutcome,
  ApplyResult,
} from './applyManifests';
export {
  APPLY_STAGE_KINDS,
  APPLY_STAGE_ORDER,
  applyStageOf,
  groupIntoApplyStages,
} from './applyStages';
export type { ApplyStage } from './applyStages';
export {
  READINESS_KINDS,
  assessWorkload,
  classifyPod,
  podSelectorFor,
} from './assessWorkload';
export type { PodProgress, WorkloadReadiness } from './assessWorkload';
export { createKubeClient } from './createKubeClient';
export type { CreateKubeClientOptions } from './createKubeClient';
export {
  KubernetesApiError,
  isTransientKubeError,
  parseApplyConflicts,
  toBackstageError,
} from './errors';
export type {
  ApplyConflict,
  KubeErrorContext,
  KubeStatus,
  KubeStatusCause,
} from './errors';
export { WIDE_EP_FIELD_MANAGER } from './fieldManager';
export {
  ClusterNotAnsweringError,
  DEFAULT_KUBE_CALL_POLICY,
  formatSlowKubeCall,
} from './patience';
export type {
  KubeCallPolicy,
  KubeConnectOptions,
  SlowKubeCall,
} from './patience';
export { loadClientNode } from './loadClientNode';
export type { ClientNodeModule } from './loadClientNode';
export {
  apiGroupOf,
  formatObjectRef,
  isCustomResource,
  objectRefOf,
} from './objectRef';
export { parseQuantity } from './parseQuantity';
export { runPreflight } from './preflight';
export {
  CUSTOM_KIND_CRDS,
  preflightRequirements,
} from './preflightRequirements';
export type {
  PreflightCheck,
  PreflightRequirements,
  PreflightResourceRequirement,
} from './preflight';
export type {
  KubeApplyOptions,
  KubeClient,
  KubeListOptions,
  ObjectRef,
} from './types';
export { ReadinessTimeoutError, waitForReady } from './waitForReady';
export type { WaitForReadyOptions } from './waitForReady';
export { findDeploymentObjects } from './findDeploymentObjects';
export type {
  DeploymentObjectsInCluster,
  FindDeploymentObjectsOptions,
} from './findDeploymentObjects';
export {
  formatTearDownResult,
  pruneObjects,
  tearDownDeployment,
} from './tearDown';
export type {
  TearDownOptions,
  TearDownOutcome,
  TearDownResult,
} from './tearDown';
export { PodsNotGoneError, waitForPodsGone } from './waitForPodsGone';
export type { WaitForPodsGoneOptions } from './waitForPodsGone';
export { diffLiveDeployment } from './diffLiveDeployment';
export type { LiveDiff } from './diffLiveDeployment';
