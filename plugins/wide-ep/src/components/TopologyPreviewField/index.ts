export { TopologyPreviewField } from './TopologyPreviewField';
export { validateTopologyPreview } from './topologyPreviewValidation';
export {
  WIDE_EP_TOPOLOGY_PREVIEW_FIELD,
  topologyPreviewFieldSchema,
} from './wideEpTopologyPreviewField';
