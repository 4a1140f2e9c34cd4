import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  formatIssues,
  parseSpec,
  renderDeployment,
  wideEpDeploymentApplyPermission,
  type WideEpPreflightResponse,
} from '@internal/plugin-wide-ep-common';
import {
  preflightRequirements,
  runPreflight,
  type KubeClient,
  type KubeConnectOptions,
} from '@internal/plugin-wide-ep-node';
import { HTTP_REQUEST_CLUSTER_CALLS } from './clusterCalls';

/** Options of {@link FormPreflight.create}. @public */
export interface FormPreflightOptions {
  clusters: {
    connect(name: string, options?: KubeConnectOptions): Promise<KubeClient>;
  };
  permissions: PermissionsService;
}

/**
 * The wide-ep:preflight checks for the template form, so a platform engineer
 * sees a missing CRD, GatewayClass, Secret or GPU shortage while choosing the
 * cluster rather than minutes into the task. Same spec parsing, permission
 * (`wide-ep.deployment.apply` on the cluster) and read-only checks as the
 * action.
 * @public
 */
export class FormPreflight {
  static create(options: FormPreflightOptions): FormPreflight {
    return new FormPreflight(options);
  }

  private constructor(private readonly options: FormPreflightOptions) {}

  async check(request: {
    body: unknown;
    credentials: BackstageCredentials;
  }): Promise<WideEpPreflightResponse> {
    const { cluster, spec } = readBody(request.body);
    const parsed = parseSpec(spec);
    if (!parsed.success) {
      throw new InputError(
        `invalid wide-EP spec:\n${formatIssues(parsed.issues)}`,
      );
    }
    const [decision] = await this.options.permissions.authorize(
      [{ permission: wideEpDeploymentApplyPermission, resourceRef: cluster }],
      { credentials: request.credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `not allowed to check or deploy wide-EP deployments on cluster "${cluster}" (permission wide-ep.deployment.apply)`,
      );
    }
    const client = await this.options.clusters.connect(
      cluster,
      HTTP_REQUEST_CLUSTER_CALLS,
    );
    const checks = await runPreflight(
      client,
      preflightRequirements(renderDeployment(parsed.spec)),
    );
    return { cluster, checks };
  }
}

function readBody(body: unknown): { cluster: string; spec: unknown } {
  const object =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : undefined;
  if (!object) {
    throw new InputError(
      'request body must be a JSON object { cluster, spec }',
    );
  }
  if (typeof object.cluster !== 'string' || object.cluster === '') {
    throw new InputError('cluster: is required (a configured cluster name)');
  }
  if (typeof object.spec !== 'object' || object.spec === null) {
    throw new InputError('spec: is required (the wide-EP spec fields)');
  }
  return { cluster: object.cluster, spec: object.spec };
}
