export {
  UpdatePreviewField,
  WIDE_EP_UPDATE_PREVIEW_FIELD,
} from './UpdatePreviewField';
export { updatePreviewFieldSchema } from './formField';
export { analyseUpdateForm, updateSummary } from './analyseUpdateForm';
