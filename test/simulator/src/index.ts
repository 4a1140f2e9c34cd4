/**
 * SIMULATED vLLM ranks for rank-health tests, benchmarks and the local demo.
 * Nothing here talks to a real model server.
 */
export { startRankSimulator } from './startRankSimulator';
export type {
  RankControl,
  RankSimulator,
  RankSimulatorOptions,
} from './startRankSimulator';
export { SimulatedServer } from './SimulatedServer';
export type { ServerBehaviour } from './SimulatedServer';
export { vllmMetricsText } from './vllmMetricsText';
export type { RankLoad, VllmMetricsTextOptions } from './vllmMetricsText';
export { ITL_BUCKETS, RankTotalsClock, TTFT_BUCKETS } from './rankTotals';
export type { HistogramTotals, RankTotals } from './rankTotals';
export { podScrapeTargets } from './podScrapeTargets';
export {
  SIMULATED_PODMONITOR_JOB,
  prometheusBinary,
  startPrometheus,
} from './startPrometheus';
export type {
  PrometheusTargetGroup,
  RunningPrometheus,
  StartPrometheusOptions,
} from './startPrometheus';
export { startApiServerProxy } from './startApiServerProxy';
export type {
  ApiServerProxy,
  ApiServerProxyOptions,
  ProxiedRequest,
} from './startApiServerProxy';
export {
  playOperators,
  putPod,
  setPodStatus,
  rankSimulatorOptionsFor,
} from './playOperators';
export type { PlayOperatorsOptions, PlayedDeployment } from './playOperators';
export { simulatePodRanks } from './podRankSimulators';
export type {
  PodRankSimulators,
  PodRankSimulatorsOptions,
  SimulatedPodRanks,
} from './podRankSimulators';
export {
  CONTROL_PLANE_START_TIMEOUT_MS,
  freePort,
  pidAlive,
  runScript,
  startOwnControlPlane,
} from './startControlPlane';
export type { OwnControlPlane } from './startControlPlane';
export {
  claimTemplateFor,
  computeDomainMembers,
  computeDomainStatus,
} from './computeDomains';
export {
  postgresBinDir,
  startPostgres,
  startPostgresSync,
} from './startPostgres';
export type { RunningPostgres } from './startPostgres';
export { kubernetesClusterConfig } from './kubernetesClusterConfig';
export type { KubernetesClusterConfigOptions } from './kubernetesClusterConfig';
