/**
 * SIMULATED NVIDIA ComputeDomain controller (dra-driver-nvidia-gpu), pure
 * part. The driver is not reachable here; test/cluster/control-plane/up
 * publishes what its kubelet plugin would (a DeviceClass and one channel
 * ResourceSlice per GB200 tray), so the real scheduler's DRA plugin and the
 * real resource-claim controller allocate the channel. What remains is the
 * controller's part: the ResourceClaimTemplate a ComputeDomain names, and
 * its status. No IMEX daemon runs.
 */
const SIMULATED_LABEL = 'wide-ep.backstage.io/simulated';

type AnyObject = Record<string, any>;

/**
 * The ResourceClaimTemplate the driver's controller creates for a
 * ComputeDomain (templates/compute-domain-workload-claim-template.tmpl.yaml,
 * resource.k8s.io/v1 shape): one channel from the default-channel class.
 * Owned by the ComputeDomain, so it goes with it.
 */
export function claimTemplateFor(cd: AnyObject): AnyObject | undefined {
  const name: string | undefined =
    cd.spec?.channel?.resourceClaimTemplate?.name;
  if (!name) return undefined;
  return {
    apiVersion: 'resource.k8s.io/v1',
    kind: 'ResourceClaimTemplate',
    metadata: {
      name,
      namespace: cd.metadata.namespace,
      labels: {
        'resource.nvidia.com/computeDomain': cd.metadata.uid,
        [SIMULATED_LABEL]: 'true',
      },
      ownerReferences: [
        {
          apiVersion: cd.apiVersion,
          kind: 'ComputeDomain',
          name: cd.metadata.name,
          uid: cd.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      spec: {
        devices: {
          requests: [
            {
              name: 'channel',
              exactly: {
                deviceClassName: 'compute-domain-default-channel.nvidia.com',
              },
            },
          ],
          config: [
            {
              requests: ['channel'],
              opaque: {
                driver: 'compute-domain.nvidia.com',
                parameters: {
                  apiVersion: 'resource.nvidia.com/v1beta1',
                  kind: 'ComputeDomainChannelConfig',
                  domainID: cd.metadata.uid,
                },
              },
            },
          ],
        },
      },
    },
  };
}

/**
 * The pods of a ComputeDomain: those claiming its template (LWS on GB200),
 * or, for Grove's auto-MNNVL domain, the pods of its PodCliqueSet replica.
 */
export function computeDomainMembers(
  cd: AnyObject,
  pods: AnyObject[],
): AnyObject[] {
  const template: string | undefined =
    cd.spec?.channel?.resourceClaimTemplate?.name;
  const pcs: string | undefined =
    cd.metadata?.labels?.['app.kubernetes.io/part-of'];
  return pods.filter(p => {
    const claims: AnyObject[] = p.spec?.resourceClaims ?? [];
    if (template && claims.some(c => c.resourceClaimTemplateName === template))
      return true;
    const labels = p.metadata?.labels ?? {};
    return (
      !!pcs &&
      labels['app.kubernetes.io/part-of'] === pcs &&
      cd.metadata.name.startsWith(
        `${pcs}-${labels['grove.io/podcliqueset-replica-index'] ?? '0'}-`,
      )
    );
  });
}

/**
 * ComputeDomain status as the driver reports it: one entry per node of a
 * member pod, Ready when the pods there run (the IMEX daemon would be up);
 * the domain is Ready when every member pod runs.
 */
export function computeDomainStatus(
  members: AnyObject[],
  nodeClique: (node: string) => string | undefined,
): AnyObject {
  const running = (p: AnyObject) => p.status?.phase === 'Running';
  const nodes = new Map<string, boolean>();
  for (const p of members) {
    const node: string | undefined = p.spec?.nodeName;
    if (node) nodes.set(node, (nodes.get(node) ?? true) && running(p));
  }
  return {
    status: members.length > 0 && members.every(running) ? 'Ready' : 'NotReady',
    nodes: [...nodes].map(([name, ok], index) => ({
      name,
      ipAddress: '127.0.0.1',
      cliqueID: nodeClique(name) ?? '',
      index,
      status: ok ? 'Ready' : 'NotReady',
    })),
  };
}
