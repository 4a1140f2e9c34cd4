/**
 * wide-EP backend plugin: per-data-parallel-rank health of wide-EP
 * deployments at `GET /api/wide-ep/ranks?entityRef=…`, and the registered
 * entities of apply-only rollouts (service-only
 * `/api/wide-ep/registered-entities`).
 * @packageDocumentation
 */
export { wideEpPlugin as default } from './plugin';
export { wideEpPlugin } from './plugin';
export { createRouter } from './router';
export type { RouterOptions } from './router';
export {
  readWideEpBackendConfig,
  DEFAULT_WIDE_EP_BACKEND_CONFIG,
} from './config';
export type { WideEpBackendConfig } from './config';
export * from './service';
export * from './probe';
export * from './permissions';
export * from './entities';
