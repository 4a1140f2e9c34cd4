/**
 * Scaffolder actions for llm-d wide expert-parallel deployments:
 * `wide-ep:render`, `wide-ep:preflight`, `wide-ep:apply`, `wide-ep:register`,
 * and day 2: `wide-ep:update`, `wide-ep:diff`, `wide-ep:teardown`.
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
export { createWideEpDiffAction, WIDE_EP_DIFF_ACTION_ID } from './actions/diff';
export {
  createWideEpUpdateAction,
  WIDE_EP_UPDATE_ACTION_ID,
} from './actions/update';
export type { WideEpUpdateActionOptions } from './actions/update';
export {
  createWideEpTeardownAction,
  WIDE_EP_TEARDOWN_ACTION_ID,
} from './actions/teardown';
export type { WideEpTeardownActionOptions } from './actions/teardown';
export type { WideEpClusterConnector } from './types';
