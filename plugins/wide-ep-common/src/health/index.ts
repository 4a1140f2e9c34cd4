/**
 * Rank health: pure derivation of per-rank state from pods, workload
 * objects and probe results. Runs in the browser and in Node.
 */
export * from './types';
export * from './kubeTypes';
export * from './operatorKeys';
export * from './podRankLayout';
export * from './expectedPods';
export * from './podStatusVerdict';
export * from './probeTargets';
export * from './parseVllmMetrics';
export * from './rankVerdict';
export * from './workloadConditions';
export * from './groupHealth';
export * from './deriveRankHealth';
export * from './rankHistory';
export * from './prometheusQueries';
export { formatDuration } from './formatDuration';
