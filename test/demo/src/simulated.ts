/** Label on every object of the demo cluster that stands in for something real (nodes, fixtures, emulated operators' objects). */
export const SIMULATED_LABEL = 'wide-ep.backstage.io/simulated';
