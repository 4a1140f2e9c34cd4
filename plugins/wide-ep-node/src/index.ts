/**
 * Node services shared by the wide-EP backend plugin and the scaffolder
 * module: cluster config, server-side apply, readiness, preflight.
 * @packageDocumentation
 */
export * from './clock';
export * from './kube';
export * from './clusters';
export * from './catalog';
export * from './watch';
