/**
 * The local demo's SIMULATED cluster operator: plays LeaderWorkerSet,
 * Grove, the scheduler, the kubelet and vLLM ranks on the demo cluster.
 */
export {
  DemoOperator,
  DEFAULT_TIMING,
  DEMO_GATEWAY_CLASSES,
  DEMO_HF_SECRET,
} from './DemoOperator';
export type {
  DemoOperatorOptions,
  DemoTiming,
  SimulatedPodInfo,
} from './DemoOperator';
export { startControlServer } from './controlServer';
export type { ControlServer } from './controlServer';
export { DEMO_MARKER_FILE } from './demoGuard';
export { NODE_NAME_PREFIX, SIMULATED_LABEL } from './simulatedNodes';
