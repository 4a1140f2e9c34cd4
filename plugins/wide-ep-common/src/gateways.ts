import type { Gateway } from './specSchema';

/** Whether a gateway routes to every `targetPorts` entry of an InferencePool. @public */
export type MultiPortSupport =
  | { support: 'yes'; minVersion: string; sources: string[] }
  | { support: 'unverified'; sources: string[] }
  | {
      support: 'no';
      /** The version upstream installs (recipes/gateway), as checked. */
      tested: string;
      sources: string[];
    }
  | { support: 'not-applicable' };

/** What the renderer and the validator know about one gateway choice. @public */
export interface GatewayCapability {
  label: string;
  /** GatewayClass its control plane installs; none for `none`. */
  className?: string;
  /**
   * Multi-port pools (one target port per DP rank, `rankPorts: true`).
   * A gateway that collapses the pool to its first port sends every request
   * to rank 0 of each pod; one that rejects the pool serves nothing
   * (serving-review.md M1).
   */
  multiPortPools: MultiPortSupport;
}

/**
 * One table of gateway capabilities with their sources; the spec validation,
 * the form's options and the renderer all read it.
 * @public
 */
export const GATEWAY_CAPABILITIES: Record<Gateway, GatewayCapability> = {
  istio: {
    label: 'Istio',
    className: 'istio',
    multiPortPools: {
      support: 'yes',
      minVersion: '1.28.1',
      sources: [
        'istio/istio PR #58238 (merged 2025-11), cherry-picked to release-1.28 in PR #58412',
        'wide-ep-domain.md §1: Istio >= 1.28.1 (the June 2026 README names 1.29.2)',
      ],
    },
  },
  'gke-l7-regional-external-managed': {
    label: 'GKE regional external Application Load Balancer',
    className: 'gke-l7-regional-external-managed',
    multiPortPools: {
      support: 'unverified',
      sources: [
        'no upstream llm-d guide or GKE document found that routes a multi-port InferencePool through a GKE L7 gateway',
      ],
    },
  },
  kgateway: {
    label: 'kgateway',
    className: 'kgateway',
    multiPortPools: {
      support: 'no',
      tested: 'v2.1.1',
      sources: [
        'kgateway-dev/kgateway issue #12238 and PR #12511: multiple targetPorts not supported; inference support moved to agentgateway',
        'agentgateway/agentgateway issues #601 and #1386: the control plane rejects more than one targetPort and translates a pool to targetPorts[0]',
      ],
    },
  },
  'kgateway-openshift': {
    label: 'kgateway on OpenShift',
    className: 'kgateway',
    multiPortPools: {
      support: 'no',
      tested:
        'v2.1.1 (the upstream prerequisite, recipes/gateway/kgateway-openshift)',
      sources: [
        'kgateway-dev/kgateway issue #12238 and PR #12511',
        'agentgateway/agentgateway issues #601 and #1386',
      ],
    },
  },
  none: {
    label: 'None (InferencePool and endpoint picker only)',
    multiPortPools: { support: 'not-applicable' },
  },
};

/** GatewayClass each provider installs (wide-ep-domain.md §10). @public */
export function gatewayClassName(gateway: Gateway): string | undefined {
  return GATEWAY_CAPABILITIES[gateway].className;
}

/** False when the gateway cannot route a multi-port pool at all. @public */
export function gatewayAcceptsRankPorts(gateway: Gateway): boolean {
  return GATEWAY_CAPABILITIES[gateway].multiPortPools.support !== 'no';
}
