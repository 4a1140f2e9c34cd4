import { makeFieldSchema } from '@backstage/plugin-scaffolder-react';

/** The `ui:field` name templates use for the topology preview. @public */
export const WIDE_EP_TOPOLOGY_PREVIEW_FIELD = 'WideEpTopologyPreview';

/** Schema of the field: a string property that receives a one-line summary. */
export const topologyPreviewFieldSchema = makeFieldSchema({
  output: z => z.string().optional(),
});
