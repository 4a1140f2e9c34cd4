import type { Config } from '@backstage/config';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';

/** The settings of `wideEp.permissionPolicy`. @public */
export interface WideEpPermissionPolicyConfig {
  /** Full, lower-case group references, e.g. `group:default/platform`. */
  platformGroups: string[];
  /** Cluster names or prefixes ending in `*`. */
  protectedClusters: string[];
}

/**
 * Reads `wideEp.permissionPolicy`; `undefined` when the section is absent
 * (the policy then allows everything). Throws, naming the key, for a group
 * that is not an entity reference or a `*` anywhere but at the end of a
 * cluster name.
 * @public
 */
export function readWideEpPermissionPolicyConfig(
  config: Config,
): WideEpPermissionPolicyConfig | undefined {
  const section = config.getOptionalConfig('wideEp.permissionPolicy');
  if (!section) {
    return undefined;
  }
  const platformGroups = (
    section.getOptionalStringArray('platformGroups') ?? []
  ).map((ref, i) => {
    try {
      return stringifyEntityRef(
        parseEntityRef(ref, {
          defaultKind: 'group',
          defaultNamespace: 'default',
        }),
      ).toLocaleLowerCase('en-US');
    } catch (error) {
      throw new Error(
        `wideEp.permissionPolicy.platformGroups[${i}]: "${ref}" is not an entity reference such as group:default/platform`,
      );
    }
  });
  const protectedClusters = (
    section.getOptionalStringArray('protectedClusters') ?? []
  ).map((pattern, i) => {
    if (pattern === '' || pattern.slice(0, -1).includes('*')) {
      throw new Error(
        `wideEp.permissionPolicy.protectedClusters[${i}]: "${pattern}" must be a cluster name, optionally ending in * (e.g. prod-*)`,
      );
    }
    return pattern;
  });
  return { platformGroups, protectedClusters };
}
