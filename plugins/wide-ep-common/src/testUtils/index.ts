/**
 * Operator emulation for tests, benchmarks and the local demo: pods built
 * the way LeaderWorkerSet and Grove build them from rendered workloads.
 * Import from the package's `/testUtils` entry point.
 * @packageDocumentation
 */
export * from './operatorPods';
// The main entry point's types the builders take and return.
export type { KubernetesObject } from '../types';
export type {
  HealthCondition,
  HealthContainer,
  HealthContainerState,
  HealthContainerStatus,
  HealthEnvVar,
  HealthObjectMeta,
  HealthPod,
  HealthPodSpec,
  HealthProbe,
} from '../health/kubeTypes';
