import type { KubeConnectOptions } from '@internal/plugin-wide-ep-node';

/**
 * How long an HTTP request of the plugin (the form's `POST /preflight`,
 * the entity page's `GET /diff`) waits on a cluster: each request to the
 * API server is still abandoned after the configured attempt timeout
 * (`wideEp.clusterCalls.attemptTimeout`, default 10 s) and retried, but a
 * call gives up after the configured `giveUpAfter` or 30 s, whichever is
 * shorter: well before a browser or a proxy in front of Backstage gives up
 * on us, so the answer is a 503 naming the cluster and the call rather
 * than a hang.
 */
export const HTTP_REQUEST_CLUSTER_CALLS: KubeConnectOptions = {
  maxWaitMs: 30_000,
};
