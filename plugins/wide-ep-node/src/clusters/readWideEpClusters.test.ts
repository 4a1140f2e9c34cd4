import { ConfigReader } from '@backstage/config';
import { readWideEpClusters } from './readWideEpClusters';

function config(clusters: object[], extra: object = {}) {
  return new ConfigReader({
    kubernetes: {
      serviceLocatorMethod: { type: 'singleTenant' },
      clusterLocatorMethods: [
        { type: 'catalog' },
        { type: 'config', clusters },
      ],
    },
    ...extra,
  });
}

const gpuEast = {
  name: 'gpu-east',
  url: 'https://10.0.0.1:6443',
  authProvider: 'serviceAccount',
  serviceAccountToken: 'token-east',
  caData: 'LS0tLS1CRUdJTg==',
};

describe('readWideEpClusters', () => {
  it('reads config clusters in the Kubernetes plugin shape, with defaults', () => {
    expect(
      readWideEpClusters(
        config([
          {
            ...gpuEast,
            skipMetricsLookup: true,
            title: 'GPU east',
            dashboardUrl: 'https://dash',
          },
          {
            name: 'gpu-west',
            url: 'https://west.example.com',
            authProvider: 'serviceAccount',
            caFile: '/etc/ca.pem',
            skipTLSVerify: true,
          },
        ]),
      ).clusters,
    ).toEqual([
      {
        name: 'gpu-east',
        title: 'GPU east',
        url: 'https://10.0.0.1:6443',
        authProvider: 'serviceAccount',
        serviceAccountToken: 'token-east',
        caData: 'LS0tLS1CRUdJTg==',
        skipTLSVerify: false,
        skipMetricsLookup: true,
      },
      {
        name: 'gpu-west',
        url: 'https://west.example.com',
        authProvider: 'serviceAccount',
        caFile: '/etc/ca.pem',
        skipTLSVerify: true,
        skipMetricsLookup: false,
      },
    ]);
  });

  it('returns no clusters without a kubernetes section', () => {
    expect(readWideEpClusters(new ConfigReader({}))).toEqual({
      clusters: [],
      unusable: [],
    });
  });

  it('sets clusters with unsupported auth aside with the reason, keeping the others', () => {
    const { clusters, unusable } = readWideEpClusters(
      config([
        gpuEast,
        { name: 'gke', url: 'https://gke', authProvider: 'google' },
        { name: 'x', url: 'not even a url' },
      ]),
    );
    expect(clusters.map(c => c.name)).toEqual(['gpu-east']);
    expect(unusable).toEqual([
      {
        name: 'gke',
        reason:
          'authProvider "google" is not supported for wide-EP deployments, which connect with a server-side token; use "serviceAccount" (kubernetes.clusterLocatorMethods[1].clusters[1])',
      },
      {
        name: 'x',
        reason: expect.stringMatching(
          /^authProvider is missing and is not supported .* \(kubernetes\.clusterLocatorMethods\[1\]\.clusters\[2\]\)$/,
        ),
      },
    ]);
  });

  it('rejects an unsupported auth provider named in wideEp.apply.allowedClusters', () => {
    expect(() =>
      readWideEpClusters(
        config(
          [
            gpuEast,
            { name: 'gke', url: 'https://gke', authProvider: 'google' },
          ],
          { wideEp: { apply: { allowedClusters: ['gpu-east', 'gke'] } } },
        ),
      ),
    ).toThrow(
      expect.objectContaining({
        name: 'InputError',
        message:
          'kubernetes.clusterLocatorMethods[1].clusters[1] ("gke"): authProvider "google" is not supported for wide-EP deployments, which connect with a server-side token; use "serviceAccount", or leave this cluster out of wideEp.apply.allowedClusters',
      }),
    );
  });

  it('honours authMetadata like the Kubernetes plugin', () => {
    const {
      clusters: [cluster],
    } = readWideEpClusters(
      config([
        {
          name: 'x',
          url: 'https://x',
          authProvider: 'google',
          authMetadata: { 'kubernetes.io/auth-provider': 'serviceAccount' },
        },
      ]),
    );
    expect(cluster.authProvider).toBe('serviceAccount');
  });

  it('limits clusters to wideEp.apply.allowedClusters and skips validating the others', () => {
    const { clusters, unusable } = readWideEpClusters(
      config(
        [gpuEast, { name: 'gke', url: 'https://gke', authProvider: 'google' }],
        {
          wideEp: { apply: { allowedClusters: ['gpu-east'] } },
        },
      ),
    );
    expect(clusters.map(c => c.name)).toEqual(['gpu-east']);
    expect(unusable).toEqual([]);
  });

  it('rejects allowed clusters that are not configured', () => {
    expect(() =>
      readWideEpClusters(
        config([gpuEast], {
          wideEp: { apply: { allowedClusters: ['gpu-east', 'gpu-north'] } },
        }),
      ),
    ).toThrow(
      'wideEp.apply.allowedClusters names "gpu-north", which is not a cluster in kubernetes.clusterLocatorMethods (type config); configured: gpu-east',
    );
  });

  it('rejects duplicate names, bad URLs and two CA sources', () => {
    expect(() => readWideEpClusters(config([gpuEast, gpuEast]))).toThrow(
      'duplicate cluster name "gpu-east"',
    );
    expect(() =>
      readWideEpClusters(config([{ ...gpuEast, url: 'not a url' }])),
    ).toThrow('url "not a url" is not a valid URL');
    expect(() =>
      readWideEpClusters(config([{ ...gpuEast, url: 'ftp://x' }])),
    ).toThrow('must use https');
    expect(() =>
      readWideEpClusters(config([{ ...gpuEast, caFile: '/ca' }])),
    ).toThrow('set caData or caFile, not both');
  });

  it('never puts the token into an error message', () => {
    let message = '';
    try {
      readWideEpClusters(config([{ ...gpuEast, url: 'bad' }]));
    } catch (error) {
      message = String(error);
    }
    expect(message).toContain('url "bad" is not a valid URL');
    expect(message).not.toContain('token-east');
  });
});
