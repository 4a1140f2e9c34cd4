import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { ClusterDetails, UnusableCluster } from './types';

const SUPPORTED_AUTH_PROVIDERS = ['serviceAccount'];
const AUTH_PROVIDER_ANNOTATION = 'kubernetes.io/auth-provider';

/**
 * Reads the clusters wide-EP may deploy to.
 *
 * @remarks
 * Clusters come from `kubernetes.clusterLocatorMethods` entries of type
 * `config`, in the Kubernetes plugin's format, so the Kubernetes tab and
 * wide-EP name clusters alike. Other locator types (catalog, gke,
 * localKubectlProxy) are not used for deploying.
 *
 * A Backstage that already shows clusters in the Kubernetes tab often
 * reaches some of them with per-user or cloud auth (`google`, `aws`, `oidc`)
 * that a backend task cannot use. Such clusters are not an error: they come
 * back in `unusable` with the reason, so the rest stay usable and a template
 * or entity that names one gets that reason. Naming one in
 * `wideEp.apply.allowedClusters` is an error, as is any other config problem
 * (duplicate names, bad URL, two CA sources): an `InputError` naming the
 * config path.
 *
 * When `wideEp.apply.allowedClusters` is set, only those clusters are read;
 * the others are neither returned nor validated.
 *
 * @public
 */
export function readWideEpClusters(config: Config): {
  clusters: ClusterDetails[];
  unusable: UnusableCluster[];
} {
  const allowed = config.getOptionalStringArray('wideEp.apply.allowedClusters');
  const clusters: ClusterDetails[] = [];
  const unusable: UnusableCluster[] = [];
  const names = new Set<string>();

  const methods =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  methods.forEach((method, methodIndex) => {
    if (method.getString('type') !== 'config') {
      return;
    }
    const entries = method.getOptionalConfigArray('clusters') ?? [];
    entries.forEach((entry, clusterIndex) => {
      const path = `kubernetes.clusterLocatorMethods[${methodIndex}].clusters[${clusterIndex}]`;
      const name = entry.getString('name');
      if (names.has(name)) {
        throw new InputError(`${path}: duplicate cluster name "${name}"`);
      }
      names.add(name);
      if (allowed && !allowed.includes(name)) {
        return;
      }
      const where = `${path} ("${name}")`;
      const authProvider = authProviderOf(entry);
      if (!authProvider || !SUPPORTED_AUTH_PROVIDERS.includes(authProvider)) {
        const reason = `authProvider ${
          authProvider ? `"${authProvider}"` : 'is missing and'
        } is not supported for wide-EP deployments, which connect with a server-side token; use "serviceAccount"`;
        if (allowed) {
          throw new InputError(
            `${where}: ${reason}, or leave this cluster out of wideEp.apply.allowedClusters`,
          );
        }
        const title = entry.getOptionalString('title');
        unusable.push({
          name,
          ...(title ? { title } : {}),
          reason: `${reason} (${path})`,
        });
        return;
      }
      clusters.push(readCluster(entry, where, name));
    });
  });

  for (const name of allowed ?? []) {
    if (!names.has(name)) {
      throw new InputError(
        `wideEp.apply.allowedClusters names "${name}", which is not a cluster in kubernetes.clusterLocatorMethods (type config); configured: ${
          [...names].join(', ') || 'none'
        }`,
      );
    }
  }
  return { clusters, unusable };
}

function authProviderOf(entry: Config): string | undefined {
  // The Kubernetes plugin lets authMetadata override authProvider; the key
  // contains dots, so it cannot be read by config path.
  const authMetadata = entry.getOptional('authMetadata');
  const fromMetadata =
    typeof authMetadata === 'object' &&
    authMetadata !== null &&
    !Array.isArray(authMetadata)
      ? authMetadata[AUTH_PROVIDER_ANNOTATION]
      : undefined;
  return typeof fromMetadata === 'string'
    ? fromMetadata
    : entry.getOptionalString('authProvider');
}

function readCluster(
  entry: Config,
  path: string,
  name: string,
): ClusterDetails {
  const url = entry.getString('url');
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new InputError(`${path}: url "${url}" is not a valid URL`);
  }
  if (protocol !== 'https:' && protocol !== 'http:') {
    throw new InputError(`${path}: url "${url}" must use https (or http)`);
  }
  const caData = entry.getOptionalString('caData');
  const caFile = entry.getOptionalString('caFile');
  if (caData && caFile) {
    throw new InputError(`${path}: set caData or caFile, not both`);
  }
  const serviceAccountToken = entry.getOptionalString('serviceAccountToken');
  const title = entry.getOptionalString('title');
  return {
    name,
    ...(title ? { title } : {}),
    url,
    authProvider: 'serviceAccount',
    ...(serviceAccountToken ? { serviceAccountToken } : {}),
    ...(caData ? { caData } : {}),
    ...(caFile ? { caFile } : {}),
    skipTLSVerify: entry.getOptionalBoolean('skipTLSVerify') ?? false,
    skipMetricsLookup: entry.getOptionalBoolean('skipMetricsLookup') ?? false,
  };
}
