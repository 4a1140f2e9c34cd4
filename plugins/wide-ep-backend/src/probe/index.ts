export { RankProber } from './RankProber';
export type { RankProberOptions } from './RankProber';
export { createHttpEndpointProbe } from './createHttpEndpointProbe';
export type {
  EndpointProbeFn,
  HttpEndpointProbeOptions,
} from './createHttpEndpointProbe';
export { createConcurrencyLimit } from './createConcurrencyLimit';
