/**
 * Catalog module: provides wide-EP entities registered by apply-only rollouts.
 * @packageDocumentation
 */
export { catalogModuleWideEp as default } from './module';
export { WideEpRegisteredEntityProvider } from './WideEpRegisteredEntityProvider';
