/**
 * Test doubles for the wide-EP node services: an in-memory `KubeClient` and
 * a manual `Clock`. Import from the package's `/testUtils` entry point.
 * @packageDocumentation
 */
export * from './FakeKubeClient';
export * from './ManualClock';
export type { Clock } from '../clock';
export type {
  KubeApplyOptions,
  KubeClient,
  KubeListOptions,
  ObjectRef,
} from '../kube/types';
