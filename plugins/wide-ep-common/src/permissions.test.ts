import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  clusterNameMatches,
  createWideEpClusterConditionalDecision,
  wideEpClusterConditions,
  wideEpDeploymentApplyPermission,
  wideEpDeploymentDeletePermission,
  wideEpRankHealthReadPermission,
} from './permissions';

describe('wide-EP permissions', () => {
  it('apply and delete are decided per cluster; health read is basic', () => {
    expect(wideEpDeploymentApplyPermission).toEqual({
      type: 'resource',
      name: 'wide-ep.deployment.apply',
      attributes: { action: 'create' },
      resourceType: 'wide-ep-cluster',
    });
    expect(wideEpDeploymentDeletePermission).toEqual({
      type: 'resource',
      name: 'wide-ep.deployment.delete',
      attributes: { action: 'delete' },
      resourceType: 'wide-ep-cluster',
    });
    expect(wideEpRankHealthReadPermission).toEqual({
      type: 'basic',
      name: 'wide-ep.health.read',
      attributes: { action: 'read' },
    });
  });

  it.each([
    ['prod-gb200', 'prod-gb200', true],
    ['prod-gb200', 'prod-gb20', false],
    ['prod-gb200', 'prod-*', true],
    ['prod', 'prod-*', false],
    ['local-demo', 'prod-*', false],
    ['anything', '*', true],
    ['prod-gb200', 'PROD-gb200', false],
  ])('clusterNameMatches(%p, %p) is %p', (name, pattern, expected) => {
    expect(clusterNameMatches(name, pattern)).toBe(expected);
  });

  it('builds a conditional decision the wide-ep plugin evaluates', () => {
    expect(
      createWideEpClusterConditionalDecision(wideEpDeploymentDeletePermission, {
        not: wideEpClusterConditions.isClusterNamed({ patterns: ['prod-*'] }),
      }),
    ).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'wide-ep',
      resourceType: 'wide-ep-cluster',
      conditions: {
        not: {
          rule: 'IS_CLUSTER_NAMED',
          resourceType: 'wide-ep-cluster',
          params: { patterns: ['prod-*'] },
        },
      },
    });
  });
});
