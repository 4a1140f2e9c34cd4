import { NotFoundError } from '@backstage/errors';
import {
  KubeErrorContext,
  KubernetesApiError,
  isTransientKubeError,
  parseApplyConflicts,
  toBackstageError,
} from './errors';
import { loadClientNode } from './loadClientNode';

const lws = {
  apiVersion: 'leaderworkerset.x-k8s.io/v1',
  kind: 'LeaderWorkerSet',
  namespace: 'llm',
  name: 'decode',
};
const applyContext: KubeErrorContext = {
  cluster: 'gpu-east',
  verb: 'patch',
  object: lws,
};

// Real ApiException instances, with the body as the client hands it over:
// the response text of a Kubernetes Status.
async function apiException(code: number, status: object | string) {
  const { ApiException } = await loadClientNode();
  return new ApiException(
    code,
    'Unsuccessful HTTP Request',
    typeof status === 'string' ? status : JSON.stringify(status),
    { 'content-type': 'application/json', 'audit-id': 'abc' },
  );
}

describe('toBackstageError', () => {
  it('turns a 422 into an InputError with the object, Status message and field paths', async () => {
    const error = toBackstageError(
      await apiException(422, {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        message:
          'InferencePool.inference.networking.k8s.io "pool" is invalid: spec.targetPorts: Too many: 9: must have at most 8 items',
        reason: 'Invalid',
        details: {
          name: 'pool',
          group: 'inference.networking.k8s.io',
          kind: 'InferencePool',
          causes: [
            {
              reason: 'FieldValueTooMany',
              message: 'Too many: 9: must have at most 8 items',
              field: 'spec.targetPorts',
            },
          ],
        },
        code: 422,
      }),
      {
        cluster: 'gpu-east',
        verb: 'patch',
        object: {
          apiVersion: 'inference.networking.k8s.io/v1',
          kind: 'InferencePool',
          namespace: 'llm',
          name: 'pool',
        },
      },
    );
    expect(error.name).toBe('InputError');
    expect(error.message).toMatch(
      /^InferencePool llm\/pool was rejected by cluster "gpu-east": /,
    );
    expect(error.message).toContain('must have at most 8 items');
    expect(error.message).toContain('(fields: spec.targetPorts)');
    expect(error.message).not.toContain('audit-id');
    expect((error as { cause?: unknown }).cause).toBeInstanceOf(
      KubernetesApiError,
    );
    expect((error as { cause?: KubernetesApiError }).cause?.code).toBe(422);
  });

  it('turns a 400 into an InputError', async () => {
    const error = toBackstageError(
      await apiException(400, {
        kind: 'Status',
        status: 'Failure',
        message: 'invalid dry run value: "Some"',
        reason: 'BadRequest',
        code: 400,
      }),
      applyContext,
    );
    expect(error.name).toBe('InputError');
    expect(error.message).toContain('LeaderWorkerSet llm/decode was rejected');
    expect(error.message).toContain('invalid dry run value');
  });

  it('turns a 401 into an AuthenticationError naming the cluster', async () => {
    const error = toBackstageError(
      await apiException(401, {
        kind: 'Status',
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      }),
      applyContext,
    );
    expect(error.name).toBe('AuthenticationError');
    expect(error.message).toContain(
      'cluster "gpu-east" rejected the configured credentials',
    );
  });

  it('turns a 403 into a NotAllowedError with verb, resource, namespace and an RBAC hint', async () => {
    const error = toBackstageError(
      await apiException(403, {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        message:
          'leaderworkersets.leaderworkerset.x-k8s.io "decode" is forbidden: User "system:serviceaccount:backstage:deployer" cannot patch resource "leaderworkersets" in API group "leaderworkerset.x-k8s.io" in the namespace "llm"',
        reason: 'Forbidden',
        details: {
          name: 'decode',
          group: 'leaderworkerset.x-k8s.io',
          kind: 'leaderworkersets',
        },
        code: 403,
      }),
      applyContext,
    );
    expect(error.name).toBe('NotAllowedError');
    expect(error.message).toContain(
      'not allowed to patch LeaderWorkerSet llm/decode on cluster "gpu-east"',
    );
    expect(error.message).toContain(
      'Grant the cluster identity "patch" on resource "leaderworkersets" in API group "leaderworkerset.x-k8s.io" in namespace "llm" with a Role and RoleBinding',
    );
  });

  it('uses the context when a 403 Status cannot be parsed, and suggests a ClusterRole for cluster-scoped reads', async () => {
    const error = toBackstageError(await apiException(403, 'Forbidden'), {
      cluster: 'gpu-east',
      verb: 'list',
      object: { apiVersion: 'v1', kind: 'Node' },
    });
    expect(error.name).toBe('NotAllowedError');
    expect(error.message).toContain('not allowed to list Node objects');
    expect(error.message).toContain(
      '"list" on resource "Node" in API group "" cluster-wide with a ClusterRole and ClusterRoleBinding',
    );
  });

  it('turns a 404 into a NotFoundError that mentions the CRD for custom resources', async () => {
    const body = {
      kind: 'Status',
      status: 'Failure',
      message: 'namespaces "llm" not found',
      reason: 'NotFound',
      details: { name: 'llm', kind: 'namespaces' },
      code: 404,
    };
    const custom = toBackstageError(
      await apiException(404, body),
      applyContext,
    );
    expect(custom.name).toBe('NotFoundError');
    expect(custom.message).toContain(
      'failed to patch LeaderWorkerSet llm/decode on cluster "gpu-east": namespaces "llm" not found',
    );
    expect(custom.message).toContain('CRD may be missing');
    expect(custom.message).toContain('--api-group=leaderworkerset.x-k8s.io');

    const builtIn = toBackstageError(await apiException(404, body), {
      cluster: 'gpu-east',
      verb: 'patch',
      object: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: 'llm',
        name: 'epp',
      },
    });
    expect(builtIn.name).toBe('NotFoundError');
    expect(builtIn.message).not.toContain('CRD');
  });

  it('turns an apply conflict into a ConflictError listing fields and managers', async () => {
    const error = toBackstageError(
      await apiException(409, {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        message:
          'Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:\n- .spec.replicas\nconflicts with "hpa-controller":\n- .metadata.labels.tier',
        reason: 'Conflict',
        details: {
          causes: [
            {
              reason: 'FieldManagerConflict',
              message:
                'conflict with "kubectl-client-side-apply" using apps/v1',
              field: '.spec.replicas',
            },
            {
              reason: 'FieldManagerConflict',
              message: 'conflict with "hpa-controller"',
              field: '.metadata.labels.tier',
            },
          ],
        },
        code: 409,
      }),
      {
        ...applyContext,
        object: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          namespace: 'llm',
          name: 'epp',
        },
      },
    );
    expect(error.name).toBe('ConflictError');
    expect(error.message).toContain(
      '.spec.replicas (owned by "kubectl-client-side-apply" using apps/v1), .metadata.labels.tier (owned by "hpa-controller")',
    );
    expect(error.message).toContain('force');
  });

  it('keeps the server message for a non-apply 409', async () => {
    const error = toBackstageError(
      await apiException(409, {
        kind: 'Status',
        status: 'Failure',
        message:
          'Operation cannot be fulfilled on leaderworkersets.leaderworkerset.x-k8s.io "decode": the object has been modified',
        reason: 'Conflict',
        code: 409,
      }),
      applyContext,
    );
    expect(error.name).toBe('ConflictError');
    expect(error.message).toContain('the object has been modified');
  });

  it.each([429, 502, 503, 504])(
    'turns HTTP %i into a ServiceUnavailableError naming the cluster',
    async code => {
      const error = toBackstageError(
        await apiException(code, {
          kind: 'Status',
          status: 'Failure',
          message: 'try again later',
          code,
        }),
        applyContext,
      );
      expect(error.name).toBe('ServiceUnavailableError');
      expect(error.message).toContain(
        `cluster "gpu-east" is unavailable (HTTP ${code})`,
      );
      expect(isTransientKubeError(error)).toBe(true);
    },
  );

  it('turns a refused connection into a ServiceUnavailableError', () => {
    // node-fetch's FetchError shape, as client-node 1.x raises it.
    const fetchError = Object.assign(
      new Error(
        'request to https://10.0.0.1:6443/apis/x failed, reason: connect ECONNREFUSED 10.0.0.1:6443',
      ),
      {
        name: 'FetchError',
        type: 'system',
        code: 'ECONNREFUSED',
        errno: 'ECONNREFUSED',
      },
    );
    const error = toBackstageError(fetchError, applyContext);
    expect(error.name).toBe('ServiceUnavailableError');
    expect(error.message).toContain(
      'cluster "gpu-east" could not be reached (ECONNREFUSED)',
    );
  });

  it('treats timeouts, also when nested in a cause, as unavailability', () => {
    const nested = new Error('fetch failed', {
      cause: Object.assign(new Error('Connect Timeout Error'), {
        code: 'UND_ERR_CONNECT_TIMEOUT',
      }),
    });
    expect(toBackstageError(nested, applyContext).name).toBe(
      'ServiceUnavailableError',
    );
    const timeout = Object.assign(new Error('network timeout'), {
      name: 'FetchError',
      type: 'request-timeout',
    });
    expect(toBackstageError(timeout, applyContext).message).toContain(
      '(ETIMEDOUT)',
    );
  });

  it('reports TLS failures as configuration problems, not unavailability', () => {
    const tls = Object.assign(new Error('self-signed certificate'), {
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
    const error = toBackstageError(tls, applyContext);
    expect(error.name).toBe('Error');
    expect(error.message).toContain('caData/caFile');
    expect(isTransientKubeError(error)).toBe(false);
  });

  it('wraps other statuses in an Error with the code and a cause', async () => {
    const error = toBackstageError(
      await apiException(500, {
        kind: 'Status',
        status: 'Failure',
        message: 'etcdserver: request timed out',
        code: 500,
      }),
      applyContext,
    );
    expect(error.name).toBe('Error');
    expect(error.message).toBe(
      'failed to patch LeaderWorkerSet llm/decode on cluster "gpu-east": HTTP 500: etcdserver: request timed out',
    );
    expect((error as { cause?: KubernetesApiError }).cause?.code).toBe(500);
    expect(isTransientKubeError(error)).toBe(true);
  });

  it('keeps a non-JSON body short', async () => {
    const error = toBackstageError(
      await apiException(502, `<html>${'x'.repeat(1000)}</html>`),
      applyContext,
    );
    expect(error.name).toBe('ServiceUnavailableError');
    expect(error.message.length).toBeLessThan(500);
  });

  it('passes Backstage errors through and wraps unknown errors', () => {
    const notFound = new NotFoundError('kind missing');
    expect(toBackstageError(notFound, applyContext)).toBe(notFound);
    const other = toBackstageError(new Error('boom'), applyContext);
    expect(other.message).toBe(
      'failed to patch LeaderWorkerSet llm/decode on cluster "gpu-east": boom',
    );
    expect(isTransientKubeError(other)).toBe(false);
  });
});

describe('parseApplyConflicts', () => {
  it('reads manager names, including subresource and escaped quotes', () => {
    expect(
      parseApplyConflicts({
        details: {
          causes: [
            {
              reason: 'FieldManagerConflict',
              message:
                'conflict with "lws-controller" with subresource "status"',
              field: '.status.replicas',
            },
            {
              reason: 'FieldManagerConflict',
              message: 'conflict with "odd \\"name\\""',
              field: '.spec.x',
            },
            {
              reason: 'FieldValueInvalid',
              message: 'ignored',
              field: '.spec.y',
            },
          ],
        },
      }),
    ).toEqual([
      {
        field: '.status.replicas',
        manager: 'lws-controller',
        detail: 'with subresource "status"',
      },
      { field: '.spec.x', manager: 'odd "name"' },
    ]);
  });
});
