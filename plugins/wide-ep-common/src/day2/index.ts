export { specFromEntity } from './specFromEntity';
export type { DeploymentEntityLike } from './specFromEntity';
export { IMMUTABLE_SPEC_FIELDS, updateSpec } from './updateSpec';
export type { SpecChanges, UpdateSpecResult } from './updateSpec';
export { planUpdate } from './planUpdate';
export type {
  FileChange,
  ObjectChange,
  RenderChange,
  UpdatePlan,
} from './planUpdate';
export { diffDeployment, diffObject } from './liveDiff';
export type {
  FieldDiff,
  ObjectDiff,
  ObjectDiffState,
  WideEpDiffResponse,
} from './liveDiff';
export { managersOf } from './managedFields';
export type { ManagedFieldsEntry, PathSegment } from './managedFields';
