import type {
  KubernetesObject,
  V1CustomResourceDefinition,
  V1Namespace,
  V1Node,
  V1Secret,
} from '@kubernetes/client-node';
import { isError } from '@backstage/errors';
import { parseQuantity } from './parseQuantity';
import type { KubeClient } from './types';

/** A resource every pod of a role needs, e.g. 8 `nvidia.com/gpu` × 4 pods. @public */
export interface PreflightResourceRequirement {
  resource: string;
  perPod: number;
  pods: number;
}

/** What a deployment needs from its cluster. @public */
export interface PreflightRequirements {
  crds: Array<{
    /** `<plural>.<group>`, e.g. `leaderworkersets.leaderworkerset.x-k8s.io`. */
    name: string;
    /** Versions that must be served, e.g. `['v1']`. */
    versions?: string[];
    /** Why the deployment needs it; shown when the CRD is missing. */
    why: string;
  }>;
  gatewayClassName?: string;
  namespace: string;
  secret?: { name: string; key: string };
  gpus: PreflightResourceRequirement;
  extraResources?: PreflightResourceRequirement[];
}

/** The result of one preflight check. @public */
export interface PreflightCheck {
  id: string;
  title: string;
  status: 'pass' | 'warn' | 'fail';
  message: string;
  /** A command or step that fixes a failure. */
  remedy?: string;
}

type CheckOutcome = Omit<PreflightCheck, 'id' | 'title'>;

/**
 * Checks that a cluster can take a deployment, before anything is applied.
 *
 * @remarks
 * Checks run concurrently and are returned in a fixed order: CRDs,
 * GatewayClass, namespace, Secret, GPUs, extra resources.
 *
 * A 403 makes that check a `warn` (the identity cannot verify it, which
 * does not mean it is missing). Any other error is thrown, since it would
 * affect every check alike (cluster unreachable, bad credentials).
 *
 * A missing GatewayClass is a `fail`, not a `warn`: the rendered Gateway
 * names it, and without it the Gateway is never programmed, so every apply
 * and every readiness check would pass while no request can reach the model.
 *
 * Secret values are never read into messages: only the key names of
 * `data` are looked at.
 *
 * @public
 */
export async function runPreflight(
  client: KubeClient,
  requirements: PreflightRequirements,
): Promise<PreflightCheck[]> {
  const checks: Array<{
    id: string;
    title: string;
    run: () => Promise<CheckOutcome>;
  }> = [
    ...requirements.crds.map(crd => ({
      id: `crd:${crd.name}`,
      title: `CRD ${crd.name}`,
      run: () => checkCrd(client, crd),
    })),
  ];
  if (requirements.gatewayClassName) {
    const className = requirements.gatewayClassName;
    checks.push({
      id: 'gateway-class',
      title: `GatewayClass ${className}`,
      run: () => checkGatewayClass(client, className),
    });
  }
  checks.push({
    id: 'namespace',
    title: `Namespace ${requirements.namespace}`,
    run: () => checkNamespace(client, requirements.namespace),
  });
  if (requirements.secret) {
    const secret = requirements.secret;
    checks.push({
      id: 'secret',
      title: `Secret ${requirements.namespace}/${secret.name}`,
      run: () => checkSecret(client, requirements.namespace, secret),
    });
  }
  for (const requirement of [
    requirements.gpus,
    ...(requirements.extraResources ?? []),
  ]) {
    checks.push({
      id: `resource:${requirement.resource}`,
      title: `Allocatable ${requirement.resource}`,
      run: () => checkNodeResource(client, requirement),
    });
  }

  return Promise.all(
    checks.map(async ({ id, title, run }) => {
      try {
        return { id, title, ...(await run()) };
      } catch (error) {
        if (isError(error) && error.name === 'NotAllowedError') {
          return {
            id,
            title,
            status: 'warn' as const,
            message: `the identity used for cluster "${client.clusterName}" cannot verify this: ${error.message}`,
          };
        }
        throw error;
      }
    }),
  );
}

async function checkCrd(
  client: KubeClient,
  crd: PreflightRequirements['crds'][number],
): Promise<CheckOutcome> {
  const remedy = `install the CRD ${crd.name} (needed for ${crd.why}), e.g. with the project's Helm chart or kubectl apply --server-side -f <crd.yaml>`;
  const object = await client.read<V1CustomResourceDefinition>({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    name: crd.name,
  });
  if (!object) {
    return {
      status: 'fail',
      message: `CRD ${crd.name} is not installed; it is needed for ${crd.why}`,
      remedy,
    };
  }
  const established = object.status?.conditions?.find(
    c => c.type === 'Established',
  );
  if (established?.status !== 'True') {
    return {
      status: 'fail',
      message: `CRD ${crd.name} exists but is not Established${
        established?.message ? `: ${established.message}` : ''
      }`,
      remedy: `check the CRD's conditions: kubectl get crd ${crd.name} -o yaml`,
    };
  }
  const served = object.spec.versions.filter(v => v.served).map(v => v.name);
  const missing = (crd.versions ?? []).filter(v => !served.includes(v));
  if (missing.length) {
    return {
      status: 'fail',
      message: `CRD ${crd.name} does not serve ${missing.join(', ')} (served: ${
        served.join(', ') || 'none'
      })`,
      remedy: `upgrade the CRD to a release that serves ${missing.join(', ')}`,
    };
  }
  return {
    status: 'pass',
    message: `established; serves ${served.join(', ')}`,
  };
}

interface GatewayClass extends KubernetesObject {
  spec?: { controllerName?: string };
  status?: {
    conditions?: Array<{
      type?: string;
      status?: string;
      reason?: string;
      message?: string;
    }>;
  };
}

async function checkGatewayClass(
  client: KubeClient,
  className: string,
): Promise<CheckOutcome> {
  const apiVersion = 'gateway.networking.k8s.io/v1';
  let object: GatewayClass | undefined;
  try {
    object = await client.read<GatewayClass>({
      apiVersion,
      kind: 'GatewayClass',
      name: className,
    });
  } catch (error) {
    if (isError(error) && error.name === 'NotFoundError') {
      return {
        status: 'fail',
        message: `the Gateway API is not installed: ${error.message}`,
        remedy:
          'install the Gateway API CRDs and a gateway implementation (e.g. Istio, kgateway or GKE Gateway)',
      };
    }
    throw error;
  }
  if (!object) {
    const others = await client.list<GatewayClass>({
      apiVersion,
      kind: 'GatewayClass',
    });
    const names = others.map(o => o.metadata?.name).filter(Boolean);
    return {
      status: 'fail',
      message: `GatewayClass ${className} does not exist (existing: ${
        names.join(', ') || 'none'
      })`,
      remedy: names.length
        ? `use one of the existing GatewayClasses, or install the gateway implementation that provides ${className}`
        : `install a gateway implementation that provides GatewayClass ${className}`,
    };
  }
  const controller = object.spec?.controllerName ?? 'unknown controller';
  const accepted = object.status?.conditions?.find(c => c.type === 'Accepted');
  if (accepted?.status === 'False') {
    return {
      status: 'fail',
      message: `GatewayClass ${className} was rejected by ${controller}: ${
        accepted.reason ?? ''
      } ${accepted.message ?? ''}`.trim(),
      remedy: `kubectl describe gatewayclass ${className}`,
    };
  }
  if (accepted?.status !== 'True') {
    return {
      status: 'warn',
      message: `GatewayClass ${className} exists but ${controller} has not accepted it yet; is its controller running?`,
    };
  }
  return { status: 'pass', message: `accepted by ${controller}` };
}

async function checkNamespace(
  client: KubeClient,
  namespace: string,
): Promise<CheckOutcome> {
  const object = await client.read<V1Namespace>({
    apiVersion: 'v1',
    kind: 'Namespace',
    name: namespace,
  });
  if (!object) {
    return {
      status: 'fail',
      message: `namespace ${namespace} does not exist`,
      remedy: `kubectl create namespace ${namespace}`,
    };
  }
  if (object.status?.phase === 'Terminating') {
    return {
      status: 'fail',
      message: `namespace ${namespace} is being deleted`,
      remedy: `wait for the deletion to finish, then kubectl create namespace ${namespace}`,
    };
  }
  return { status: 'pass', message: `namespace ${namespace} exists` };
}

async function checkSecret(
  client: KubeClient,
  namespace: string,
  secret: { name: string; key: string },
): Promise<CheckOutcome> {
  const remedy = `kubectl create secret generic ${secret.name} --from-literal=${secret.key}=… -n ${namespace}`;
  const object = await client.read<V1Secret>({
    apiVersion: 'v1',
    kind: 'Secret',
    namespace,
    name: secret.name,
  });
  if (!object) {
    return {
      status: 'fail',
      message: `Secret ${secret.name} does not exist in namespace ${namespace}`,
      remedy,
    };
  }
  // Key names only; values stay in this object and go out of scope here.
  const keys = Object.keys(object.data ?? {});
  if (!keys.includes(secret.key)) {
    return {
      status: 'fail',
      message: `Secret ${secret.name} has no key ${secret.key} (keys: ${
        keys.join(', ') || 'none'
      })`,
      remedy: `add the key: ${remedy} --dry-run=client -o yaml | kubectl apply -f -`,
    };
  }
  return {
    status: 'pass',
    message: `Secret ${secret.name} has key ${secret.key}`,
  };
}

async function checkNodeResource(
  client: KubeClient,
  requirement: PreflightResourceRequirement,
): Promise<CheckOutcome> {
  const { resource, perPod, pods } = requirement;
  const need = `${pods} pods × ${perPod} ${resource}`;
  if (pods <= 0 || perPod <= 0) {
    return { status: 'pass', message: `not needed (${need})` };
  }
  const nodes = await client.list<V1Node>({ apiVersion: 'v1', kind: 'Node' });
  const schedulable = nodes.filter(n => !n.spec?.unschedulable);
  let fitting = 0;
  let room = 0;
  for (const node of schedulable) {
    const allocatable =
      parseQuantity(node.status?.allocatable?.[resource]) ?? 0;
    const fit = Math.floor(allocatable / perPod);
    if (fit > 0) {
      fitting++;
      room += fit;
    }
  }
  const figures = `need ${need}; ${fitting} of ${schedulable.length} schedulable nodes (${nodes.length} in total) have ≥ ${perPod} allocatable, room for ${room} pods`;
  if (room < pods) {
    return {
      status: 'fail',
      message: figures,
      remedy: `add nodes that advertise ${resource} (check the device plugin or DRA driver on them), or lower the replica count or pods per replica`,
    };
  }
  // Allocatable ignores what running pods already hold, so a pass is an upper bound.
  return { status: 'pass', message: `${figures} (allocatable, not free)` };
}
