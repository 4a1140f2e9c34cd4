import { mockServices } from '@backstage/backend-test-utils';
import { readPrometheusConfig } from './prometheusConfig';

const read = (prometheus: unknown, known = ['prod', 'staging']) =>
  readPrometheusConfig(
    // Any shape, valid or not, as a YAML file could hold it.
    mockServices.rootConfig({
      data: { wideEp: { prometheus } } as Record<string, any>,
    }),
    known,
  );

describe('readPrometheusConfig', () => {
  it('no section: no Prometheus, defaults for the rest', () => {
    const config = readPrometheusConfig(
      mockServices.rootConfig({ data: {} }),
      [],
    );
    expect(config).toEqual({
      endpoints: new Map(),
      queryTimeoutMs: 10000,
      // Four scrapes of the PodMonitor's 10 s.
      rateWindowSeconds: 40,
      scrapeIntervalSeconds: 10,
      maxConcurrentQueries: 4,
    });
  });

  it('reads a Prometheus per cluster, with headers, and drops a trailing slash', () => {
    const config = read({
      queryTimeoutMs: 2000,
      rateWindowSeconds: 30,
      scrapeIntervalSeconds: 15,
      maxConcurrentQueries: 2,
      clusters: [
        {
          cluster: 'prod',
          url: 'https://prometheus.example.com/prom/',
          headers: { Authorization: 'Bearer s3cret' },
        },
        { cluster: 'staging', url: 'http://10.0.0.5:9090' },
      ],
    });
    expect(config.queryTimeoutMs).toBe(2000);
    expect(config.rateWindowSeconds).toBe(30);
    expect(config.scrapeIntervalSeconds).toBe(15);
    expect(config.maxConcurrentQueries).toBe(2);
    expect([...config.endpoints.values()]).toEqual([
      {
        cluster: 'prod',
        url: 'https://prometheus.example.com/prom',
        headers: { Authorization: 'Bearer s3cret' },
        configPath: 'wideEp.prometheus.clusters[0]',
      },
      {
        cluster: 'staging',
        url: 'http://10.0.0.5:9090',
        headers: {},
        configPath: 'wideEp.prometheus.clusters[1]',
      },
    ]);
  });

  it.each([
    [
      { clusters: [{ url: 'http://p:9090' }] },
      'wideEp.prometheus.clusters[0].cluster is required',
    ],
    [
      { clusters: [{ cluster: 'prod' }] },
      'wideEp.prometheus.clusters[0].url is required',
    ],
    [
      { clusters: [{ cluster: 'nope', url: 'http://p:9090' }] },
      'wideEp.prometheus.clusters[0].cluster: unknown cluster "nope"; configured: prod, staging',
    ],
    [
      {
        clusters: [
          { cluster: 'prod', url: 'http://a:9090' },
          { cluster: 'prod', url: 'http://b:9090' },
        ],
      },
      'wideEp.prometheus.clusters[1].cluster: cluster "prod" has a Prometheus already (wideEp.prometheus.clusters[0])',
    ],
    [
      { clusters: [{ cluster: 'prod', url: 'prometheus:9090' }] },
      'wideEp.prometheus.clusters[0].url must be http or https, got prometheus:',
    ],
    [
      { clusters: [{ cluster: 'prod', url: 'not a url' }] },
      'wideEp.prometheus.clusters[0].url is not a URL',
    ],
    [
      { clusters: [{ cluster: 'prod', url: 'http://p:9090/?x=1' }] },
      'wideEp.prometheus.clusters[0].url must not have a query or fragment',
    ],
    [
      {
        clusters: [
          {
            cluster: 'prod',
            url: 'http://p:9090',
            headers: { 'Bad Name': 'x' },
          },
        ],
      },
      'wideEp.prometheus.clusters[0].headers: "Bad Name" is not a header name',
    ],
    [
      { queryTimeoutMs: 50 },
      'wideEp.prometheus.queryTimeoutMs must be a whole number from 100 to 60000, got 50',
    ],
    [
      { rateWindowSeconds: 1.5 },
      'wideEp.prometheus.rateWindowSeconds must be a whole number from 20 to 3600, got 1.5',
    ],
    [
      { rateWindowSeconds: 10 },
      'wideEp.prometheus.rateWindowSeconds must be a whole number from 20 to 3600, got 10',
    ],
    [
      { clusters: { prod: 'x' } },
      'wideEp.prometheus.clusters must be a list of { cluster, url, headers? }',
    ],
  ])('%j: %s', (section, message) => {
    expect(() => read(section)).toThrow(message);
  });

  it('refuses credentials in the URL without repeating them', () => {
    expect(() =>
      read({
        clusters: [{ cluster: 'prod', url: 'https://admin:hunter2@p:9090' }],
      }),
    ).toThrow(
      'wideEp.prometheus.clusters[0].url must not hold credentials; put them in wideEp.prometheus.clusters[0].headers (e.g. Authorization from an environment variable)',
    );
  });

  it('names a bad header value without showing it', () => {
    let message = '';
    try {
      read({
        clusters: [
          {
            cluster: 'prod',
            url: 'http://p:9090',
            headers: { Authorization: 'Bearer abc\nX-Injected: 1' },
          },
        ],
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(
      'wideEp.prometheus.clusters[0].headers.Authorization must be one non-empty line (is the environment variable it comes from set?)',
    );
    expect(message).not.toContain('abc');
  });
});
