import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { ClusterDetails } from './types';

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
 * When `wideEp.apply.allowedClusters` is set, only those clusters are
 * returned, and only they are validated; this is how a cluster with an
 * unsupported `authProvider` is kept out of reach. Every problem is an
 * `InputError` naming the config path.
 *
 * @public
 */
export function readWideEpClusters(config: Config): ClusterDetails[] {
  const allowed = config.getOptionalStringArray('wideEp.apply.allowedClusters');
  const clusters: ClusterDetails[] = [];
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
      clusters.push(readCluster(entry, `${path} ("${name}")`, name));
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
  return clusters;
}

function readCluster(
  entry: Config,
  path: string,
  name: string,
): ClusterDetails {
  // The Kubernetes plugin lets authMetadata override authProvider; the key
  // contains dots, so it cannot be read by config path.
  const authMetadata = entry.getOptional('authMetadata');
  const fromMetadata =
    typeof authMetadata === 'object' &&
    authMetadata !== null &&
    !Array.isArray(authMetadata)
      ? authMetadata[AUTH_PROVIDER_ANNOTATION]
      : undefined;
  const authProvider =
    typeof fromMetadata === 'string'
      ? fromMetadata
      : entry.getOptionalString('authProvider');
  if (!authProvider || !SUPPORTED_AUTH_PROVIDERS.includes(authProvider)) {
    throw new InputError(
      `${path}: authProvider ${
        authProvider ? `"${authProvider}"` : 'is missing and'
      } is not supported for wide-EP deployments; use "serviceAccount", or leave this cluster out of wideEp.apply.allowedClusters`,
    );
  }
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
  return {
    name,
    url,
    authProvider: 'serviceAccount',
    ...(serviceAccountToken ? { serviceAccountToken } : {}),
    ...(caData ? { caData } : {}),
    ...(caFile ? { caFile } : {}),
    skipTLSVerify: entry.getOptionalBoolean('skipTLSVerify') ?? false,
    skipMetricsLookup: entry.getOptionalBoolean('skipMetricsLookup') ?? false,
  };
}
