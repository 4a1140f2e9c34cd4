/**
 * The local demo's SIMULATED parts: the Grove operator, the NVIDIA
 * ComputeDomain controller, gateway controllers and vLLM ranks on the demo
 * cluster (whose scheduler, controller-manager and LWS controller are real).
 */
export { DemoOperator } from './DemoOperator';
export type { DemoOperatorOptions } from './DemoOperator';
export { DEMO_GATEWAY_CLASSES } from './gatewayStatus';
export { DEMO_HF_SECRET } from './fixtures';
export { startControlServer } from './controlServer';
export type { ControlServer } from './controlServer';
export { DEMO_MARKER_FILE } from './demoGuard';
export { SIMULATED_LABEL } from './simulated';
