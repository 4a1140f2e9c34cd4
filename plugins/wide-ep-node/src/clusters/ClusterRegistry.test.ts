import fs from 'node:fs';
import { ConfigReader } from '@backstage/config';
import { ClusterRegistry } from './ClusterRegistry';
import type { ClusterDetails } from './types';

const east: ClusterDetails = {
  name: 'gpu-east',
  url: 'https://10.0.0.1:6443',
  authProvider: 'serviceAccount',
  serviceAccountToken: 'token-east',
  caData: 'Y2E=',
  skipTLSVerify: false,
  skipMetricsLookup: false,
};

describe('ClusterRegistry', () => {
  it('finds clusters by name and names the configured ones otherwise', () => {
    const registry = ClusterRegistry.fromClusters([
      east,
      { ...east, name: 'gpu-west' },
    ]);
    expect(registry.names()).toEqual(['gpu-east', 'gpu-west']);
    expect(registry.get('gpu-east')).toBe(east);
    expect(() => registry.get('x')).toThrow(
      expect.objectContaining({
        name: 'InputError',
        message: 'unknown cluster "x"; configured: gpu-east, gpu-west',
      }),
    );
    expect(() => ClusterRegistry.fromClusters([]).get('x')).toThrow(
      'unknown cluster "x"; configured: none',
    );
  });

  it('names why a configured cluster cannot be used', () => {
    const registry = ClusterRegistry.fromClusters(
      [east],
      [{ name: 'gke-prod', reason: 'authProvider "google" is not supported' }],
    );
    expect(registry.names()).toEqual(['gpu-east']);
    expect(() => registry.get('gke-prod')).toThrow(
      expect.objectContaining({
        name: 'InputError',
        message:
          'cluster "gke-prod" cannot be used by wide-EP: authProvider "google" is not supported',
      }),
    );
  });

  it('reads clusters from config', () => {
    const registry = ClusterRegistry.fromConfig(
      new ConfigReader({
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                { name: 'a', url: 'https://a', authProvider: 'serviceAccount' },
              ],
            },
          ],
        },
      }),
    );
    expect(registry.names()).toEqual(['a']);
  });

  it('builds an in-memory KubeConfig with the token and CA, writing nothing to disk', async () => {
    const writes = [
      jest.spyOn(fs, 'writeFileSync'),
      jest.spyOn(fs, 'writeFile'),
      jest.spyOn(fs.promises, 'writeFile'),
    ];
    const kubeConfig = await ClusterRegistry.fromClusters([
      east,
    ]).makeKubeConfig(east);

    expect(kubeConfig.getCurrentCluster()).toEqual({
      name: 'gpu-east',
      server: 'https://10.0.0.1:6443',
      skipTLSVerify: false,
      caData: 'Y2E=',
    });
    expect(kubeConfig.getCurrentUser()).toEqual({
      name: 'wide-ep',
      token: 'token-east',
    });
    const headers: Record<string, string> = {};
    await kubeConfig.applyToHTTPSOptions({ headers });
    expect(headers.Authorization).toBe('Bearer token-east');
    for (const write of writes) {
      expect(write).not.toHaveBeenCalled();
      write.mockRestore();
    }
  });

  it('falls back to the pod service-account token file, as the Kubernetes plugin does', async () => {
    const { serviceAccountToken: _token, ...withoutToken } = east;
    const kubeConfig = await ClusterRegistry.fromClusters([
      withoutToken,
    ]).makeKubeConfig(withoutToken);
    expect(kubeConfig.getCurrentUser()).toEqual({
      name: 'wide-ep',
      authProvider: {
        name: 'tokenFile',
        config: {
          tokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
        },
      },
    });
  });

  it('connects to a cluster by name', async () => {
    const client = await ClusterRegistry.fromClusters([east]).connect(
      'gpu-east',
    );
    expect(client.clusterName).toBe('gpu-east');
    await expect(
      ClusterRegistry.fromClusters([east]).connect('nope'),
    ).rejects.toMatchObject({ name: 'InputError' });
  });
});
