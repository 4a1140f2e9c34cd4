import {
  ObjectDiff,
  WideEpSpec,
  diffDeployment,
  renderDeployment,
} from '@internal/plugin-wide-ep-common';
import { findDeploymentObjects } from './findDeploymentObjects';
import type { KubeClient } from './types';

/** What {@link diffLiveDeployment} answers. @public */
export interface LiveDiff {
  cluster: string;
  namespace: string;
  deployment: string;
  /** One entry per rendered object, then per labelled object only in the cluster. */
  objects: ObjectDiff[];
  /** Kinds the cluster does not serve: their objects show as missing. */
  unservedKinds: string[];
  /** True when every object is `in-sync`. */
  inSync: boolean;
}

/**
 * Compares what a spec renders with what the cluster holds: the one diff
 * behind the `wide-ep:diff` action and the entity page's diff view.
 * @public
 */
export async function diffLiveDeployment(options: {
  client: KubeClient;
  spec: WideEpSpec;
}): Promise<LiveDiff> {
  const { client, spec } = options;
  const { objects } = renderDeployment(spec);
  const { live, unservedKinds } = await findDeploymentObjects({
    client,
    namespace: spec.namespace,
    deployment: spec.name,
    objects,
  });
  // findDeploymentObjects sets apiVersion and kind on every live object.
  const diff = diffDeployment(objects, live as typeof objects);
  return {
    cluster: client.clusterName,
    namespace: spec.namespace,
    deployment: spec.name,
    objects: diff,
    unservedKinds,
    inSync: diff.every(o => o.state === 'in-sync'),
  };
}
