export { wideEpApiRef } from './WideEpApi';
export type {
  WideEpApi,
  GetRankHealthOptions,
  GetRankHistoryOptions,
} from './WideEpApi';
export { WideEpClient } from './WideEpClient';
export type { WideEpClientOptions } from './WideEpClient';
