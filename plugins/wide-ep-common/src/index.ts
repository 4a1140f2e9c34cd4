/**
 * Wide-EP deployment spec, topology plan and pure manifest rendering.
 * Runs in the browser (form preview) and in Node (actions, CLI).
 * @packageDocumentation
 */
export * from './constants';
export * from './hardware';
export * from './versionSet';
export * from './gateways';
export * from './spec';
export * from './validateTopology';
export * from './names';
export * from './labels';
export * from './topology';
export * from './types';
export * from './permissions';
export * from './render';
export * from './kinds';
export * from './operatorModel';
export * from './health';
export * from './clusters';
export * from './variants';
export * from './seeds';
export * from './day2';
