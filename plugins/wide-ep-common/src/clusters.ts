/**
 * A cluster a template user can pick, as `GET /api/wide-ep/clusters` lists
 * it: the name only (never a URL or token), whether wide-EP can deploy to it
 * and read its rank health, and why not.
 * @public
 */
export interface WideEpClusterInfo {
  name: string;
  /** The Kubernetes plugin's display `title`, when configured. */
  title?: string;
  usable: boolean;
  /** Why the cluster cannot be used (e.g. an unsupported authProvider). */
  reason?: string;
}

/** Response of `GET /api/wide-ep/clusters`. @public */
export interface WideEpClusterListResponse {
  items: WideEpClusterInfo[];
}

/** One read-only check of `POST /api/wide-ep/preflight`. @public */
export interface WideEpPreflightCheck {
  id: string;
  title: string;
  status: 'pass' | 'warn' | 'fail';
  message: string;
  /** What to do about a warning or failure. */
  remedy?: string;
}

/**
 * Request of `POST /api/wide-ep/preflight`: the form's spec values and the
 * picked cluster.
 * @public
 */
export interface WideEpPreflightRequest {
  cluster: string;
  spec: unknown;
}

/** Response of `POST /api/wide-ep/preflight`. @public */
export interface WideEpPreflightResponse {
  cluster: string;
  checks: WideEpPreflightCheck[];
}
