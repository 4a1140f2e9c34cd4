/**
 * Wide-EP frontend plugin: rank-health entity card, topology preview field
 * for the software template, and the client of the wide-EP backend.
 *
 * This entry point serves legacy apps; `./alpha` default-exports the plugin
 * for the new frontend system.
 *
 * @packageDocumentation
 */
export {
  wideEpPlugin,
  EntityWideEpRankCard,
  EntityWideEpContent,
  WideEpUpdatePreviewFieldExtension,
  WideEpTopologyPreviewFieldExtension,
  WideEpClusterPickerFieldExtension,
} from './plugin';
export { isWideEpAvailable } from './isWideEpAvailable';
export { wideEpApiRef, WideEpClient } from './api';
export type {
  WideEpApi,
  GetRankHealthOptions,
  GetRankHistoryOptions,
  WideEpClientOptions,
} from './api';
export { DEFAULT_RANK_REFRESH_INTERVAL_MS } from './components/EntityWideEpRankCard';
export type { EntityWideEpRankCardProps } from './components/EntityWideEpRankCard';
export {
  TopologyPreviewField,
  validateTopologyPreview,
  WIDE_EP_TOPOLOGY_PREVIEW_FIELD,
} from './components/TopologyPreviewField';
export {
  ClusterPickerField,
  WIDE_EP_CLUSTER_PICKER_FIELD,
} from './components/ClusterPickerField';
