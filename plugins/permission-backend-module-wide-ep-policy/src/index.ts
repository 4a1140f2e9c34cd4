/**
 * Permission policy module: only platform groups may apply or delete wide-EP
 * deployments on protected clusters; everything else is allowed.
 * @packageDocumentation
 */
export { permissionModuleWideEpPolicy as default } from './module';
export { permissionModuleWideEpPolicy } from './module';
export { WideEpPermissionPolicy } from './WideEpPermissionPolicy';
export type { WideEpPermissionPolicyOptions } from './WideEpPermissionPolicy';
export { readWideEpPermissionPolicyConfig } from './config';
export type { WideEpPermissionPolicyConfig } from './config';
