export { ClusterPickerField } from './ClusterPickerField';
export {
  WIDE_EP_CLUSTER_PICKER_FIELD,
  clusterPickerFieldSchema,
} from './clusterPickerFieldSchema';
