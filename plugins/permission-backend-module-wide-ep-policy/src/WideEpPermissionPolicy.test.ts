import { ConfigReader } from '@backstage/config';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import type { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  wideEpDeploymentApplyPermission,
  wideEpDeploymentDeletePermission,
  wideEpRankHealthReadPermission,
} from '@internal/plugin-wide-ep-common';
import { readWideEpPermissionPolicyConfig } from './config';
import { WideEpPermissionPolicy } from './WideEpPermissionPolicy';

const PLATFORM = 'group:default/platform';

function policy(permissionPolicy?: object, userInfo?: any) {
  const config = new ConfigReader(
    permissionPolicy ? { wideEp: { permissionPolicy } } : {},
  );
  return new WideEpPermissionPolicy({
    config: readWideEpPermissionPolicyConfig(config),
    userInfo,
  });
}

function user(ref: string, ownership: string[]): PolicyQueryUser {
  return {
    credentials: mockCredentials.user(ref),
    info: { userEntityRef: ref, ownershipEntityRefs: ownership },
  };
}

const alice = user('user:default/alice', ['user:default/alice', PLATFORM]);
const bob = user('user:default/bob', ['user:default/bob', 'group:default/ml']);

const configured = {
  platformGroups: [PLATFORM],
  protectedClusters: ['prod-gb200', 'staging-*'],
};

/**
 * What a non-member gets for apply and delete: allowed where the cluster is
 * not protected, decided by the wide-ep plugin for the request's cluster.
 */
const NOT_PROTECTED = {
  result: AuthorizeResult.CONDITIONAL,
  pluginId: 'wide-ep',
  resourceType: 'wide-ep-cluster',
  conditions: {
    not: {
      rule: 'IS_CLUSTER_NAMED',
      resourceType: 'wide-ep-cluster',
      params: { patterns: ['prod-gb200', 'staging-*'] },
    },
  },
};

describe('WideEpPermissionPolicy', () => {
  it('allows everything without wideEp.permissionPolicy (local development)', async () => {
    const p = policy();
    for (const permission of [
      wideEpDeploymentApplyPermission,
      wideEpDeploymentDeletePermission,
      wideEpRankHealthReadPermission,
    ]) {
      await expect(p.handle({ permission }, bob)).resolves.toEqual({
        result: AuthorizeResult.ALLOW,
      });
      await expect(p.handle({ permission })).resolves.toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });

  it('allows everything when no cluster is protected', async () => {
    const p = policy({ platformGroups: [PLATFORM] });
    await expect(
      p.handle({ permission: wideEpDeploymentApplyPermission }, bob),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('allows a platform-group member to apply and delete on any cluster', async () => {
    const p = policy(configured);
    for (const permission of [
      wideEpDeploymentApplyPermission,
      wideEpDeploymentDeletePermission,
    ]) {
      await expect(p.handle({ permission }, alice)).resolves.toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });

  it('limits a non-member to clusters that are not protected (a condition on the cluster name)', async () => {
    const p = policy(configured);
    for (const permission of [
      wideEpDeploymentApplyPermission,
      wideEpDeploymentDeletePermission,
    ]) {
      await expect(p.handle({ permission }, bob)).resolves.toEqual(
        NOT_PROTECTED,
      );
    }
  });

  it('treats a request without a user like a non-member', async () => {
    const p = policy(configured);
    await expect(
      p.handle({ permission: wideEpDeploymentApplyPermission }),
    ).resolves.toEqual(NOT_PROTECTED);
  });

  it('allows every other permission, wide-EP or not, to everyone', async () => {
    const p = policy(configured);
    const others = [
      wideEpRankHealthReadPermission,
      createPermission({
        name: 'catalog.entity.create',
        attributes: { action: 'create' },
      }),
      // Same name, other resource type: not the wide-EP permission.
      createPermission({
        name: 'wide-ep.deployment.apply',
        attributes: { action: 'create' },
        resourceType: 'catalog-entity',
      }),
    ];
    for (const permission of others) {
      await expect(p.handle({ permission }, bob)).resolves.toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });

  it('nobody is a member when platformGroups is empty', async () => {
    const p = policy({ protectedClusters: ['prod-gb200'] });
    await expect(
      p.handle({ permission: wideEpDeploymentApplyPermission }, alice),
    ).resolves.toMatchObject({ result: AuthorizeResult.CONDITIONAL });
  });

  it('matches groups case-insensitively and with default kind and namespace in config', async () => {
    const p = policy({
      platformGroups: ['Platform'],
      protectedClusters: ['prod-gb200'],
    });
    await expect(
      p.handle({ permission: wideEpDeploymentApplyPermission }, alice),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('asks the user info service when the query carries no user info', async () => {
    const getUserInfo = jest.fn(async () => ({
      userEntityRef: 'user:default/alice',
      ownershipEntityRefs: [PLATFORM],
    }));
    const p = policy(configured, { getUserInfo });
    const credentials = mockCredentials.user('user:default/alice');
    await expect(
      p.handle({ permission: wideEpDeploymentApplyPermission }, {
        credentials,
      } as PolicyQueryUser),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    expect(getUserInfo).toHaveBeenCalledWith(credentials);
  });
});

describe('readWideEpPermissionPolicyConfig', () => {
  it('is undefined without the section', () => {
    expect(readWideEpPermissionPolicyConfig(new ConfigReader({}))).toBe(
      undefined,
    );
  });

  it('normalises group references', () => {
    expect(
      readWideEpPermissionPolicyConfig(
        new ConfigReader({
          wideEp: {
            permissionPolicy: {
              platformGroups: ['platform', 'Group:Infra/SRE'],
              protectedClusters: ['prod-*'],
            },
          },
        }),
      ),
    ).toEqual({
      platformGroups: ['group:default/platform', 'group:infra/sre'],
      protectedClusters: ['prod-*'],
    });
  });

  it.each([['prod-*-eu'], ['*-prod'], ['pr*d']])(
    'refuses the cluster pattern %p, naming the key',
    pattern => {
      expect(() =>
        readWideEpPermissionPolicyConfig(
          new ConfigReader({
            wideEp: { permissionPolicy: { protectedClusters: [pattern] } },
          }),
        ),
      ).toThrow(
        `wideEp.permissionPolicy.protectedClusters[0]: "${pattern}" must be a cluster name, optionally ending in * (e.g. prod-*)`,
      );
    },
  );

  it('refuses a group that is not an entity reference, naming the key', () => {
    expect(() =>
      readWideEpPermissionPolicyConfig(
        new ConfigReader({
          wideEp: { permissionPolicy: { platformGroups: ['group:default/'] } },
        }),
      ),
    ).toThrow(
      /^wideEp\.permissionPolicy\.platformGroups\[0\]: "group:default\/" is not an entity reference/,
    );
  });
});
