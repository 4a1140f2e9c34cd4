import {
  AuthenticationError,
  ConflictError,
  CustomErrorBase,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
  isError,
} from '@backstage/errors';
import { apiGroupOf, formatObjectRef, isCustomResource } from './objectRef';

/**
 * What was being attempted when a Kubernetes call failed; the error message
 * is built from it.
 *
 * @public
 */
export interface KubeErrorContext {
  /** Configured cluster name. */
  cluster: string;
  /** RBAC verb of the request: `patch` for server-side apply. */
  verb: 'get' | 'list' | 'patch' | 'create' | 'update' | 'delete';
  /** The object (or, for `list`, the kind and namespace) concerned. */
  object?: {
    apiVersion: string;
    kind: string;
    namespace?: string;
    name?: string;
  };
}

/** One `details.causes` entry of a Kubernetes `Status`. @public */
export interface KubeStatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** The parts of a Kubernetes `Status` body we use. @public */
export interface KubeStatus {
  code?: number;
  reason?: string;
  message?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: KubeStatusCause[];
  };
}

/**
 * A concise stand-in for client-node's `ApiException`, kept as the `cause`
 * of translated errors.
 *
 * @remarks
 * `ApiException.message` bundles the body and all response headers into one
 * long string, which must not end up in task logs (see style.md §5), so the
 * translated error carries this instead.
 *
 * @public
 */
export class KubernetesApiError extends CustomErrorBase {
  name = 'KubernetesApiError' as const;
  /** HTTP status code. Not named `statusCode` so the Backstage error middleware ignores it. */
  readonly code: number;
  readonly status?: KubeStatus;

  constructor(code: number, status?: KubeStatus) {
    super(`HTTP ${code}${status?.reason ? ` ${status.reason}` : ''}`);
    this.code = code;
    this.status = status;
  }
}

/** A server-side apply conflict: a field and the manager that owns it. @public */
export interface ApplyConflict {
  field: string;
  /** Owning field manager, e.g. `kubectl-client-side-apply`. */
  manager: string;
  /** Manager qualifiers from the API server, e.g. `using apps/v1`. */
  detail?: string;
}

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

const TLS_ERROR_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const UNAVAILABLE_STATUS_CODES = new Set([429, 502, 503, 504]);

const PASSTHROUGH_NAMES = new Set([
  'InputError',
  'AuthenticationError',
  'NotAllowedError',
  'NotFoundError',
  'ConflictError',
  'ServiceUnavailableError',
  'NotImplementedError',
]);

/**
 * Translates a failed Kubernetes call into an `@backstage/errors` type, so
 * the error middleware answers with the right status and the message names
 * the cluster and object (style.md §4).
 *
 * @remarks
 * | HTTP | Error | Message carries |
 * |---|---|---|
 * | 400, 422 | `InputError` | object, Status message, `details.causes[].field` |
 * | 401 | `AuthenticationError` | cluster |
 * | 403 | `NotAllowedError` | verb, resource, namespace, RBAC hint |
 * | 404 | `NotFoundError` | object; CRD hint for custom resources |
 * | 409 | `ConflictError` | conflicting fields and their managers |
 * | 429, 502, 503, 504, connection errors | `ServiceUnavailableError` | cluster |
 * | other | `Error` with `cause` | object and code |
 *
 * Errors that already are Backstage errors are returned unchanged.
 *
 * @public
 */
export function toBackstageError(
  error: unknown,
  context: KubeErrorContext,
): Error {
  if (isError(error) && PASSTHROUGH_NAMES.has(error.name)) {
    return error;
  }
  const code = apiExceptionCode(error);
  if (code !== undefined) {
    return fromStatus(
      code,
      parseStatus((error as { body?: unknown }).body),
      context,
    );
  }
  const what = describeTarget(context);
  const systemCode = connectionErrorCode(error);
  if (systemCode && TLS_ERROR_CODES.has(systemCode)) {
    return new Error(
      `TLS verification of cluster "${context.cluster}" failed (${systemCode}) while trying to ${context.verb} ${what}; check caData/caFile in its configuration`,
      { cause: error },
    );
  }
  if (systemCode) {
    return new ServiceUnavailableError(
      `cluster "${context.cluster}" could not be reached (${systemCode}) while trying to ${context.verb} ${what}`,
      error,
    );
  }
  const message = isError(error) ? error.message : String(error);
  return new Error(
    `failed to ${context.verb} ${what} on cluster "${context.cluster}": ${message}`,
    { cause: error },
  );
}

/**
 * Whether retrying may help: the cluster was unavailable or answered with a
 * 5xx. Used by polling loops; authorization and validation errors are never
 * transient.
 *
 * @public
 */
export function isTransientKubeError(error: unknown): boolean {
  if (!isError(error)) {
    return false;
  }
  if (error.name === 'ServiceUnavailableError') {
    return true;
  }
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof KubernetesApiError && cause.code >= 500;
}

/**
 * Extracts the fields and owning managers from a server-side apply 409.
 *
 * @remarks
 * The API server reports each conflict as a `FieldManagerConflict` cause with
 * message `conflict with "<manager>"`, optionally followed by
 * `with subresource "status"` and/or `using apps/v1 at <time>`.
 *
 * @public
 */
export function parseApplyConflicts(
  status: KubeStatus | undefined,
): ApplyConflict[] {
  const conflicts: ApplyConflict[] = [];
  for (const cause of status?.details?.causes ?? []) {
    if (cause.reason !== 'FieldManagerConflict' || !cause.field) {
      continue;
    }
    const match = /^conflict with "((?:[^"\\]|\\.)*)"\s*(.*)$/.exec(
      cause.message ?? '',
    );
    conflicts.push({
      field: cause.field,
      manager: match ? match[1].replace(/\\(.)/g, '$1') : 'an unknown manager',
      ...(match?.[2] ? { detail: match[2] } : {}),
    });
  }
  return conflicts;
}

function fromStatus(
  code: number,
  status: KubeStatus | undefined,
  context: KubeErrorContext,
): Error {
  const cause = new KubernetesApiError(code, status);
  const what = describeTarget(context);
  const cluster = `cluster "${context.cluster}"`;
  const serverMessage = status?.message ?? `HTTP ${code}`;

  if (code === 400 || code === 422) {
    const fields = (status?.details?.causes ?? [])
      .map(c => c.field)
      .filter((f): f is string => Boolean(f));
    const fieldList = fields.length
      ? ` (fields: ${[...new Set(fields)].join(', ')})`
      : '';
    return new InputError(
      `${what} was rejected by ${cluster}: ${serverMessage}${fieldList}`,
      cause,
    );
  }
  if (code === 401) {
    return new AuthenticationError(
      `${cluster} rejected the configured credentials (401) while trying to ${context.verb} ${what}; check the cluster's serviceAccountToken`,
      cause,
    );
  }
  if (code === 403) {
    return new NotAllowedError(forbiddenMessage(status, context, what), cause);
  }
  if (code === 404) {
    const crdHint =
      context.object && isCustomResource(context.object.apiVersion)
        ? `; ${
            context.object.kind
          } is a custom resource, so its CRD may be missing (kubectl api-resources --api-group=${apiGroupOf(
            context.object.apiVersion,
          )})`
        : '';
    // For a patch, the 404 is usually about something else (the namespace),
    // so the server's message says what is missing.
    return new NotFoundError(
      `failed to ${context.verb} ${what} on ${cluster}: ${serverMessage}${crdHint}`,
      cause,
    );
  }
  if (code === 409) {
    const conflicts = parseApplyConflicts(status);
    if (conflicts.length) {
      const list = conflicts
        .map(
          c =>
            `${c.field} (owned by "${c.manager}"${
              c.detail ? ` ${c.detail}` : ''
            })`,
        )
        .join(', ');
      return new ConflictError(
        `${what}: apply on ${cluster} conflicts with fields owned by another field manager: ${list}. Change those fields through their owner, or re-apply with force to take them over`,
        cause,
      );
    }
    return new ConflictError(
      `${what}: conflict on ${cluster}: ${serverMessage}`,
      cause,
    );
  }
  if (UNAVAILABLE_STATUS_CODES.has(code)) {
    return new ServiceUnavailableError(
      `${cluster} is unavailable (HTTP ${code}) while trying to ${context.verb} ${what}: ${serverMessage}`,
      cause,
    );
  }
  return new Error(
    `failed to ${context.verb} ${what} on ${cluster}: HTTP ${code}: ${serverMessage}`,
    { cause },
  );
}

function forbiddenMessage(
  status: KubeStatus | undefined,
  context: KubeErrorContext,
  what: string,
): string {
  // `User "u" cannot patch resource "leaderworkersets" in API group "g" in the namespace "ns"`
  const parsed =
    /cannot (\S+) resource "([^"]+)"(?: in API group "([^"]*)")?(?: in the namespace "([^"]+)")?/.exec(
      status?.message ?? '',
    );
  const verb = parsed?.[1] ?? context.verb;
  const resource =
    parsed?.[2] ??
    status?.details?.kind ??
    context.object?.kind ??
    'the resource';
  const group =
    parsed?.[3] ??
    status?.details?.group ??
    apiGroupOf(context.object?.apiVersion ?? 'v1');
  const namespace = parsed ? parsed[4] : context.object?.namespace;
  const scope = namespace ? `in namespace "${namespace}"` : 'cluster-wide';
  const binding = namespace
    ? 'a Role and RoleBinding'
    : 'a ClusterRole and ClusterRoleBinding';
  return `not allowed to ${verb} ${what} on cluster "${context.cluster}": ${
    status?.message ?? 'forbidden'
  }. Grant the cluster identity "${verb}" on resource "${resource}" in API group "${group}" ${scope} with ${binding}`;
}

function describeTarget(context: KubeErrorContext): string {
  const object = context.object;
  if (!object) {
    return 'the API';
  }
  if (object.name) {
    return formatObjectRef({ ...object, name: object.name });
  }
  return object.namespace
    ? `${object.kind} objects in namespace "${object.namespace}"`
    : `${object.kind} objects`;
}

function apiExceptionCode(error: unknown): number | undefined {
  // Duck-typed: instanceof would need a runtime import of client-node, and
  // an ApiException from another copy of the module would not match anyway.
  if (!isError(error)) {
    return undefined;
  }
  const code = (error as { code?: unknown }).code;
  const hasBody = 'body' in error;
  return typeof code === 'number' && hasBody ? code : undefined;
}

function connectionErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  // node-fetch puts the system code on the error; undici on its cause.
  for (let depth = 0; depth < 3 && isError(current); depth++) {
    const code = (current as { code?: unknown }).code;
    if (
      typeof code === 'string' &&
      (CONNECTION_ERROR_CODES.has(code) || TLS_ERROR_CODES.has(code))
    ) {
      return code;
    }
    if (
      current.name === 'TimeoutError' ||
      (current as { type?: unknown }).type === 'request-timeout'
    ) {
      return 'ETIMEDOUT';
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function parseStatus(body: unknown): KubeStatus | undefined {
  if (typeof body === 'object' && body !== null) {
    return body as KubeStatus;
  }
  if (typeof body !== 'string' || body === '') {
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null
      ? (parsed as KubeStatus)
      : undefined;
  } catch {
    // Proxies in front of the API server answer with HTML or plain text.
    return { message: body.length > 300 ? `${body.slice(0, 300)}…` : body };
  }
}
