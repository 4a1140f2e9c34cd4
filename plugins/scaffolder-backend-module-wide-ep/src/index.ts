/**
 * Scaffolder actions for llm-d wide expert-parallel deployments:
 * `wide-ep:render`, `wide-ep:preflight`, `wide-ep:apply` and `wide-ep:register`.
 *
 * @packageDocumentation
 */
export { scaffolderModuleWideEp as default } from './module';
export {
  createWideEpRenderAction,
  WIDE_EP_RENDER_ACTION_ID,
} from './actions/render';
export {
  createWideEpPreflightAction,
  formatCheck,
  WIDE_EP_PREFLIGHT_ACTION_ID,
} from './actions/preflight';
export type { WideEpPreflightActionOptions } from './actions/preflight';
export {
  createWideEpApplyAction,
  WIDE_EP_APPLY_ACTION_ID,
} from './actions/apply';
export type { AppliedObject, WideEpApplyActionOptions } from './actions/apply';
export {
  createWideEpRegisterAction,
  WIDE_EP_REGISTER_ACTION_ID,
} from './actions/register';
export type { WideEpClusterConnector } from './types';
